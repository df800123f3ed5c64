/// The first line of an offline audit file (docs/offline-audit.md): what the file holds, where it
/// was taken from, and the origin's ledger keys as the exporting region knew them.
public struct AuditPreamble: Sendable, Equatable {
    /// The format name, the `type` member of the first line.
    public static let format = "relay-audit-v1"

    /// The region whose chain the file holds.
    public var origin: String
    /// The region whose database the file was exported from (a peer holds the signed headers).
    public var source: String
    /// First and last seq of the records (`toSeq` < `fromSeq` for an empty export).
    public var fromSeq: Int64
    public var toSeq: Int64
    /// Number of record lines and of batch lines that follow.
    public var recordCount: Int64
    public var headerCount: Int64
    public var exportedAt: Timestamp
    /// The origin's ledger keys (current and retired, with validity windows).
    public var keys: [RegionKey]

    /// Creates a preamble.
    public init(
        origin: String, source: String, fromSeq: Int64, toSeq: Int64, recordCount: Int64, headerCount: Int64,
        exportedAt: Timestamp, keys: [RegionKey]
    ) {
        self.origin = origin
        self.source = source
        self.fromSeq = fromSeq
        self.toSeq = toSeq
        self.recordCount = recordCount
        self.headerCount = headerCount
        self.exportedAt = exportedAt
        self.keys = keys
    }

    /// The line's JSON object.
    public var json: JSONValue {
        .object([
            "type": .string(Self.format), "origin": .string(origin), "source": .string(source),
            "from_seq": .number(Double(fromSeq)), "to_seq": .number(Double(toSeq)),
            "record_count": .number(Double(recordCount)), "header_count": .number(Double(headerCount)),
            "exported_at": .string(exportedAt.iso8601),
            "keys": .array(
                keys.map { k in
                    .object([
                        "purpose": .string(k.purpose.rawValue), "key_id": .string(k.keyID),
                        "public_key": .string(Base64.encode(k.publicKey)), "valid_from": .string(k.validFrom.iso8601),
                        "valid_until": k.validUntil.map { .string($0.iso8601) } ?? .null,
                    ])
                }),
        ])
    }

    /// Parses the first line; the error says what is wrong with it.
    public static func parse(_ line: some Collection<UInt8>) throws(AuditFileError) -> AuditPreamble {
        let value: JSONValue
        do { value = try JSONParser.parse(line) } catch { throw .notAnAuditFile("line 1 is not JSON: \(error)") }
        guard let o = value.objectValue, o["type"]?.stringValue == format else {
            throw .notAnAuditFile("line 1 is not a \(format) preamble (its type must be \"\(format)\")")
        }
        func int(_ name: String) throws(AuditFileError) -> Int64 {
            guard let n = o[name]?.numberValue, n.rounded() == n, n >= 0, n < 9_007_199_254_740_992 else {
                throw .notAnAuditFile("line 1: \(name) must be a non-negative integer")
            }
            return Int64(n)
        }
        func string(_ name: String, in object: [String: JSONValue] = o) throws(AuditFileError) -> String {
            guard let s = object[name]?.stringValue else { throw .notAnAuditFile("line 1: \(name) must be a string") }
            return s
        }
        func time(_ name: String, in object: [String: JSONValue]) throws(AuditFileError) -> Timestamp {
            do { return try Timestamp(iso8601: try string(name, in: object)) } catch let e as AuditFileError { throw e } catch {
                throw .notAnAuditFile("line 1: \(name) is not a timestamp: \(error)")
            }
        }
        guard let keyList = o["keys"]?.arrayValue else { throw .notAnAuditFile("line 1: keys must be an array") }
        var keys: [RegionKey] = []
        for (i, item) in keyList.enumerated() {
            guard let k = item.objectValue, let purpose = KeyPurpose(rawValue: try string("purpose", in: k)),
                let raw = Base64.decode(try string("public_key", in: k)), raw.count == 32
            else { throw .notAnAuditFile("line 1: keys[\(i)] needs purpose (seal|ledger) and a 32-byte base64 public_key") }
            let until: Timestamp? = k["valid_until"]?.isNull == false ? try time("valid_until", in: k) : nil
            let key = RegionKey(purpose: purpose, publicKey: raw, validFrom: try time("valid_from", in: k), validUntil: until)
            guard key.keyID == (try string("key_id", in: k)) else {
                throw .notAnAuditFile("line 1: keys[\(i)].key_id is not the first 16 hex characters of SHA-256(public_key)")
            }
            keys.append(key)
        }
        return AuditPreamble(
            origin: try string("origin"), source: try string("source"), fromSeq: try int("from_seq"), toSeq: try int("to_seq"),
            recordCount: try int("record_count"), headerCount: try int("header_count"),
            exportedAt: try time("exported_at", in: o), keys: keys)
    }
}
