/// A line after the preamble of an offline audit file: a signed batch header, or a record.
public enum AuditLine: Sendable, Equatable {
    /// `{"type":"batch","header":{…},"signature":"…"}`.
    case batch(BatchHeader, signature: [UInt8])
    /// `{"type":"record", …the record members of a batch…}`.
    case record(Batch.Record)

    /// The batch line for a header as stored (its JSON object) and its signature.
    public static func batchText(header: JSONValue, signature: [UInt8]) -> String {
        CanonicalJSON.string(.object(["type": .string("batch"), "header": header, "signature": .string(Base64.encode(signature))]))
    }

    /// The record line for `record`.
    public static func recordText(_ record: Batch.Record) -> String {
        guard case .object(var members) = record.json else { preconditionFailure("a record's JSON is an object") }
        members["type"] = .string("record")
        return CanonicalJSON.string(.object(members))
    }

    /// Parses one line of the file of `origin`; the error is a `malformed` batch error naming the member.
    public static func parse(_ line: some Collection<UInt8>, origin: String) throws(BatchError) -> AuditLine {
        if let record = AuditRecordScanner.scan(line, origin: origin) { return .record(record) }
        let value: JSONValue
        do { value = try JSONParser.parse(line) } catch { throw .malformed("not JSON: \(error)") }
        guard case .object(var members) = value, let type = members.removeValue(forKey: "type")?.stringValue else {
            throw .malformed("expected an object with a type member (batch or record)")
        }
        switch type {
        case "record":
            return .record(try Batch.Record.parse(.object(members), origin: origin, path: "record"))
        case "batch":
            guard members.count == 2, let header = members["header"], let signature = members["signature"]?.stringValue else {
                throw .malformed("a batch line has exactly the members type, header and signature")
            }
            guard let bytes = Base64.decode(signature) else { throw .malformed("signature: not base64") }
            return .batch(try BatchHeader.parse(header), signature: bytes)
        default:
            throw .malformed("unknown line type '\(type)'")
        }
    }
}
