extension Batch {
    /// Parses the wire form strictly: every member present with its type, no unknown members.
    public static func parse(_ bytes: [UInt8]) throws(BatchError) -> Batch {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch { throw .malformed("not JSON: \(error)") }
        let r = Reader(path: "")
        let top = try r.object(root, keys: ["header", "signature", "records"])
        let header = try BatchHeader.parse(top["header"]!)
        let signature = try r.at("signature").base64(top["signature"]!)
        guard case .array(let items) = top["records"]! else { throw .malformed("records: expected an array") }
        var records: [Record] = []
        records.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            records.append(try Record.parse(item, origin: header.origin, path: "records[\(i)]"))
        }
        return Batch(header: header, signature: signature, records: records)
    }

    /// Typed member access with the member's path in every error.
    fileprivate struct Reader {
        var path: String

        func at(_ member: String) -> Reader { Reader(path: path.isEmpty ? member : "\(path).\(member)") }

        func object(_ v: JSONValue, keys: Set<String>) throws(BatchError) -> [String: JSONValue] {
            guard case .object(let o) = v else { throw .malformed("\(path.isEmpty ? "batch" : path): expected an object") }
            // The common case without building sets: exactly the expected members.
            if o.count == keys.count, keys.allSatisfy({ o[$0] != nil }) { return o }
            if let unknown = Set(o.keys).subtracting(keys).sorted().first {
                throw .malformed("\(path.isEmpty ? "" : path + ".")\(unknown): unknown member")
            }
            if let missing = keys.subtracting(o.keys).sorted().first {
                throw .malformed("\(path.isEmpty ? "" : path + ".")\(missing): missing")
            }
            return o
        }

        func string(_ v: JSONValue) throws(BatchError) -> String {
            guard case .string(let s) = v else { throw .malformed("\(path): expected a string") }
            return s
        }

        func int(_ v: JSONValue) throws(BatchError) -> Int64 {
            guard case .number(let n) = v, n.rounded() == n, n >= 0, n < 9_007_199_254_740_992 else {
                throw .malformed("\(path): expected a non-negative integer")
            }
            return Int64(n)
        }

        func hash(_ v: JSONValue) throws(BatchError) -> [UInt8] {
            let s = try string(v)
            guard s.utf8.count == 64, s == s.lowercased(), let bytes = Hex.decode(s) else {
                throw .malformed("\(path): expected 64 lower-case hex characters")
            }
            return bytes
        }

        func base64(_ v: JSONValue) throws(BatchError) -> [UInt8] {
            guard let bytes = Base64.decode(try string(v)) else { throw .malformed("\(path): not base64") }
            return bytes
        }

        func timestamp(_ v: JSONValue) throws(BatchError) -> Timestamp {
            do { return try Timestamp(iso8601: try string(v)) } catch let e as BatchError { throw e } catch {
                throw .malformed("\(path): not a timestamp")
            }
        }
    }
}

extension BatchHeader {
    /// Parses a header object strictly (the `header` member of the wire form; a stored header):
    /// every member present with its type, no unknown members.
    public static func parse(_ value: JSONValue) throws(BatchError) -> BatchHeader {
        let hr = Batch.Reader(path: "header")
        let h = try hr.object(value, keys: [
            "origin", "epoch", "batch_no", "first_seq", "last_seq", "prev_hash", "head_hash", "count", "created_at", "key_id",
        ])
        return BatchHeader(
            origin: try hr.at("origin").string(h["origin"]!), epoch: try hr.at("epoch").int(h["epoch"]!),
            batchNo: try hr.at("batch_no").int(h["batch_no"]!), firstSeq: try hr.at("first_seq").int(h["first_seq"]!),
            lastSeq: try hr.at("last_seq").int(h["last_seq"]!), prevHash: try hr.at("prev_hash").hash(h["prev_hash"]!),
            headHash: try hr.at("head_hash").hash(h["head_hash"]!), count: try hr.at("count").int(h["count"]!),
            createdAt: try hr.at("created_at").timestamp(h["created_at"]!), keyID: try hr.at("key_id").string(h["key_id"]!))
    }
}

extension Batch.Record {
    /// The members of a record in the wire form (docs/replication.md).
    public static let members: Set<String> = ["seq", "kind", "subject", "body", "committed_at", "epoch", "prev_hash", "hash"]

    /// Parses one record object of `origin` strictly (exactly `members`); errors name `path`.
    public static func parse(_ item: JSONValue, origin: String, path: String) throws(BatchError) -> Batch.Record {
        let ir = Batch.Reader(path: path)
        let o = try ir.object(item, keys: members)
        let kindText = try ir.at("kind").string(o["kind"]!)
        guard let kind = LedgerKind(rawValue: kindText) else { throw .malformed("\(ir.path).kind: unknown kind '\(kindText)'") }
        let entry = LedgerEntry(
            region: origin, seq: try ir.at("seq").int(o["seq"]!), kind: kind, body: try ir.at("body").base64(o["body"]!),
            committedAt: try ir.at("committed_at").timestamp(o["committed_at"]!), epoch: try ir.at("epoch").int(o["epoch"]!),
            prevHash: try ir.at("prev_hash").hash(o["prev_hash"]!), hash: try ir.at("hash").hash(o["hash"]!))
        return Batch.Record(entry: entry, subject: try ir.at("subject").string(o["subject"]!))
    }
}
