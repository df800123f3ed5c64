/// Typed access to environment variables with one-line errors naming the variable.
public struct EnvironmentReader: Sendable {
    /// The variables read.
    public let values: [String: String]

    /// Reads from `values` (usually `ProcessInfo.processInfo.environment`).
    public init(_ values: [String: String]) { self.values = values }

    /// The value, nil when unset or empty.
    public func optional(_ name: String) -> String? {
        guard let v = values[name], !v.isEmpty else { return nil }
        return v
    }

    /// The value, or `fallback` when unset.
    public func string(_ name: String, default fallback: String) throws(ConfigurationError) -> String {
        optional(name) ?? fallback
    }

    /// An integer in `range`, or `fallback` when unset.
    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let raw = optional(name) else { return fallback }
        guard let v = Int(raw), range.contains(v) else {
            throw ConfigurationError(setting: name, reason: "must be an integer in \(range.lowerBound)...\(range.upperBound) (got '\(raw)')")
        }
        return v
    }

    /// true/false (also 1/0, yes/no, on/off), or `fallback` when unset.
    public func bool(_ name: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        guard let raw = optional(name) else { return fallback }
        switch raw.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(setting: name, reason: "must be true or false (got '\(raw)')")
        }
    }

    /// A finite number in `range`, or `fallback` when unset.
    public func double(_ name: String, default fallback: Double, range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        guard let raw = optional(name) else { return fallback }
        guard let v = Double(raw), v.isFinite, range.contains(v) else {
            throw ConfigurationError(setting: name, reason: "must be a number in \(range.lowerBound.formatted)...\(range.upperBound.formatted) (got '\(raw)')")
        }
        return v
    }

    /// One of `T`'s raw values (case-insensitive).
    public func choice<T: RawRepresentable & CaseIterable>(_ name: String, default fallback: T) throws(ConfigurationError) -> T where T.RawValue == String {
        guard let raw = optional(name) else { return fallback }
        guard let v = T(rawValue: raw.lowercased()) else {
            throw ConfigurationError(setting: name, reason: "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(raw)')")
        }
        return v
    }
}

extension Double {
    /// Without a trailing ".0" for whole numbers (for messages).
    fileprivate var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
