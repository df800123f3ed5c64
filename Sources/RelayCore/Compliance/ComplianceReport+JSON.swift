import Foundation

extension ComplianceReport {
    /// The report's canonical JSON (RFC 8785): the bytes `relay-dr report --format json` writes
    /// and `--sign` signs. Two runs over the same data give the same bytes.
    public func canonicalJSON() throws -> [UInt8] {
        try CompliancePayload.canonical(self)
    }

    /// Reads a report back from its JSON (any spelling, canonical or not).
    public static func decode(json bytes: some Collection<UInt8>) throws -> ComplianceReport {
        try JSONDecoder().decode(ComplianceReport.self, from: Data(bytes))
    }
}

extension ComplianceSection {
    /// The section's canonical JSON (`GET /v1/report`).
    public func canonicalJSON() throws -> [UInt8] {
        try CompliancePayload.canonical(self)
    }

    /// Reads a section back from its JSON.
    public static func decode(json bytes: some Collection<UInt8>) throws -> ComplianceSection {
        try JSONDecoder().decode(ComplianceSection.self, from: Data(bytes))
    }
}

/// Encodes the report types to canonical JSON: Foundation's encoder gives their shape, the
/// project's RFC 8785 writer the one byte sequence.
enum CompliancePayload {
    static func canonical(_ value: some Encodable) throws -> [UInt8] {
        let plain = try JSONEncoder().encode(value)
        return CanonicalJSON.bytes(try JSONParser.parse(Array(plain), maxDepth: 16))
    }
}
