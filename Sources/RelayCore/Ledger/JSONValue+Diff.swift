extension JSONValue {
    /// The paths where `self` (what the ledger recorded) and `other` (the row now) differ, each as
    /// `path: ledger X, row Y` with values in canonical form, e.g. `manifest.parameters.amount: ledger 100, row 1000000`.
    public func differences(from other: JSONValue, path: String = "") -> [String] {
        if case .object(let a) = self, case .object(let b) = other {
            return Set(a.keys).union(b.keys).sorted().flatMap { key in
                let sub = path.isEmpty ? key : "\(path).\(key)"
                return (a[key] ?? .null).differences(from: b[key] ?? .null, path: sub)
            }
        }
        guard self != other else { return [] }
        return ["\(path.isEmpty ? "body" : path): ledger \(Self.short(self)), row \(Self.short(other))"]
    }

    private static func short(_ value: JSONValue) -> String {
        let text = CanonicalJSON.string(value)
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }
}
