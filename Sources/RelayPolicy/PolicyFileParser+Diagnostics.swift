/// Name checks of the policy file parser.
extension PolicyFileParser {
    /// Rule names appear in logs, metrics and generated Rego: keep them to a safe alphabet.
    static func isValidRuleName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x5F || byte == 0x2D || byte == 0x2E
        }
    }

    /// What the gateway accepts for `provider` and `method` after lower-casing (README.md, "HTTP API v1": the manifest).
    static func isValidProviderOrMethod(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D
        }
    }
}
