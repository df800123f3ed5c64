import RelayCore

extension JSONValue {
    /// JSON equality as OPA/Rego and the policy format define it: numbers by value (5 == 5.0),
    /// strings by their UTF-8 bytes (Swift's `==` on `String` would also equate canonically
    /// equivalent Unicode sequences, which Rego does not), no coercion between types.
    func isExactlyEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isExactlyEqual(to: $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { key, value in
                guard let match = b.member(exactly: key) else { return false }
                return value.isExactlyEqual(to: match)
            }
        default: return false
        }
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The member whose key has exactly the UTF-8 bytes of `key`.
    func member(exactly key: String) -> JSONValue? {
        if let index = self.index(forKey: key), self[index].key.utf8.elementsEqual(key.utf8) {
            return self[index].value
        }
        return first { $0.key.utf8.elementsEqual(key.utf8) }?.value
    }
}
