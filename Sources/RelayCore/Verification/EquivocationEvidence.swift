/// The file `relay-dr evidence export` writes (docs/verification.md, "Equivocation evidence"):
/// every equivocation found, each with the origin's signed statements, and the origin's ledger
/// public keys, so that anyone can check it with those keys alone.
public struct EquivocationEvidence: Sendable {
    /// The format's name and version.
    public static let format = "relay-equivocation-evidence/1"

    public var createdAt: Timestamp
    public var equivocations: [Equivocation]
    public var regions: RegionSet

    /// Creates the evidence of `equivocations` with the keys of `regions`.
    public init(createdAt: Timestamp, equivocations: [Equivocation], regions: RegionSet) {
        self.createdAt = createdAt
        self.equivocations = equivocations
        self.regions = regions
    }

    /// The file's JSON.
    public var json: JSONValue {
        let origins = Array(Set(equivocations.map(\.origin))).sorted()
        return [
            "format": .string(Self.format), "created_at": .string(createdAt.iso8601),
            "signature_scheme": "Ed25519 over the bytes \"relay-batch-v1\" 0x00 followed by the UTF-8 bytes of `header`",
            "public_keys": .object(
                Dictionary(
                    uniqueKeysWithValues: origins.map { origin in
                        (
                            origin,
                            JSONValue.array(
                                (regions.region(origin)?.keys ?? []).filter { $0.purpose == .ledger }.map { k in
                                    [
                                        "key_id": .string(k.keyID), "public_key": .string(Base64.encode(k.publicKey)),
                                        "valid_from": .string(k.validFrom.iso8601), "valid_until": k.validUntil.map { .string($0.iso8601) } ?? .null,
                                    ]
                                })
                        )
                    })),
            "equivocations": .array(equivocations.map(\.json)),
        ]
    }

    /// Checks a file of this format with its own public keys only: every statement's signature
    /// verifies with a key of its origin valid at its `created_at`, and the statements of each
    /// equivocation claim different hashes at its seq (or one statement's claim differs from the
    /// recorded current hash). Returns what is wrong, empty when the evidence holds.
    public static func check(_ file: JSONValue) -> [String] {
        guard file["format"]?.stringValue == format, let list = file["equivocations"]?.arrayValue, !list.isEmpty else {
            return ["not a \(format) file with equivocations"]
        }
        var problems: [String] = []
        for (i, e) in list.enumerated() {
            guard let origin = e["origin"]?.stringValue, let seq = e["seq"]?.numberValue.map({ Int64($0) }),
                let items = e["statements"]?.arrayValue
            else {
                problems.append("equivocations[\(i)]: malformed")
                continue
            }
            let keys = file["public_keys"]?[origin]?.arrayValue ?? []
            let statements = items.compactMap(SignedStatement.init(json:))
            guard statements.count == items.count else {
                problems.append("equivocations[\(i)]: a statement is malformed")
                continue
            }
            for s in statements {
                let trusted = Dictionary(
                    keys.compactMap { k -> (String, [UInt8])? in
                        guard let id = k["key_id"]?.stringValue, let pk = k["public_key"]?.stringValue.flatMap(Base64.decode),
                            let from = k["valid_from"]?.stringValue.flatMap({ try? Timestamp(iso8601: $0) }), from <= s.header.createdAt,
                            k["valid_until"]?.stringValue.flatMap({ try? Timestamp(iso8601: $0) }).map({ s.header.createdAt < $0 }) ?? true
                        else { return nil }
                        return (id, pk)
                    }, uniquingKeysWith: { a, _ in a })
                if !s.verifies(origin: origin, trusted: trusted) { problems.append("equivocations[\(i)]: \(s.summary): signature does not verify") }
            }
            let claims = Set(statements.compactMap { $0.claim(at: seq).map(Hex.encode) })
            let current = e["current_hash"]?.stringValue
            let contradicted = claims.count >= 2 || (claims.count == 1 && statements.count == 1 && current.map { !claims.contains($0) } ?? true)
            if statements.contains(where: { $0.claim(at: seq) == nil }) || !contradicted {
                problems.append("equivocations[\(i)]: the statements do not claim different hashes at seq \(seq)")
            }
        }
        return problems
    }
}
