/// The YAML entry of a key, ready to paste under `keys:` in a region file.
extension RegionKey {
    /// The entry as YAML list item lines indented by two spaces (the layout of the shipped files).
    /// `key_id` and `public_key` are quoted so YAML never reads them as numbers.
    public var yamlEntry: String {
        var lines = [
            "  - purpose: \(purpose.rawValue)",
            "    key_id: \"\(keyID)\"",
            "    public_key: \"\(Base64.encode(publicKey))\"",
            "    valid_from: \(validFrom.configText)",
        ]
        if let validUntil { lines.append("    valid_until: \(validUntil.configText)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Timestamp {
    /// ISO 8601 UTC without a fraction when it is whole seconds (`2026-01-01T00:00:00Z`), as
    /// people write them in configuration files.
    public var configText: String {
        let text = iso8601
        return text.hasSuffix(".000000Z") ? String(text.dropLast(8)) + "Z" : text
    }

    /// This instant truncated to whole seconds.
    public var wholeSeconds: Timestamp {
        let perSecond: Int64 = 1_000_000
        let rest = ((microseconds % perSecond) + perSecond) % perSecond
        return Timestamp(microseconds: microseconds - rest)
    }
}
