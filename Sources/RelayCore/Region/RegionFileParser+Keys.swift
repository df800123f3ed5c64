import Yams

/// The `keys:` list of a region file.
extension RegionFileParser {
    func parseKeys(_ node: Node) throws(ConfigFileError) -> [RegionKey] {
        let items = try reader.sequence(node, path: "keys", of: "key entries")
        var keys: [RegionKey] = []
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let key = try parseKey(item, path: "keys[\(index)]")
            let line = item.mark?.line ?? 0
            if let first = seen[key.keyID] {
                throw reader.error(item, "keys[\(index)]: key_id \(key.keyID) is listed twice (first at line \(first))")
            }
            seen[key.keyID] = line
            keys.append(key)
        }
        for purpose in KeyPurpose.allCases where !keys.contains(where: { $0.purpose == purpose }) {
            throw reader.error(
                node,
                "keys: no \(purpose) key (every region needs a seal key and a ledger key; "
                    + "`relay-dr keys generate --purpose \(purpose)` makes one)")
        }
        return keys
    }

    private func parseKey(_ node: Node, path: String) throws(ConfigFileError) -> RegionKey {
        let entries = try reader.mapping(node, path: path)
        let place = "in \(path)"
        try reader.rejectUnknownKeys(entries, allowed: Self.keyKeys, place: place)

        let purposeNode = try reader.required(entries, "purpose", place: place)
        let purposeText = try reader.string(purposeNode, path: "\(path).purpose", expected: "seal or ledger")
        guard let purpose = KeyPurpose(rawValue: purposeText) else {
            throw reader.error(purposeNode, "\(path).purpose: expected seal or ledger, got '\(purposeText)'")
        }

        let publicNode = try reader.required(entries, "public_key", place: place)
        let publicText = try reader.string(publicNode, path: "\(path).public_key", expected: "a base64 public key")
        guard let publicKey = Base64.decode(publicText), publicKey.count == 32 else {
            throw reader.error(
                publicNode, "\(path).public_key: expected the base64 of a 32-byte Ed25519 public key")
        }
        do {
            try Ed25519.checkPublicKey(publicKey)
        } catch {
            throw reader.error(publicNode, "\(path).public_key: \(error)")
        }

        let idNode = try reader.required(entries, "key_id", place: place)
        let keyID = try reader.string(idNode, path: "\(path).key_id", expected: "16 lower-case hex characters")
        guard keyID.utf8.count == 16, keyID.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw reader.error(idNode, "\(path).key_id: '\(keyID)' is not 16 lower-case hex characters")
        }
        let expected = SigningKey.keyID(of: publicKey)
        guard keyID == expected else {
            throw reader.error(
                idNode,
                "\(path).key_id: '\(keyID)' does not match public_key (its key_id is \(expected): "
                    + "the first 16 hex characters of SHA-256 of the key)")
        }

        let fromNode = try reader.required(entries, "valid_from", place: place)
        let validFrom = try reader.timestamp(fromNode, path: "\(path).valid_from")
        var validUntil: Timestamp?
        if let untilNode = entries.value("valid_until") {
            let until = try reader.timestamp(untilNode, path: "\(path).valid_until")
            guard validFrom < until else {
                throw reader.error(
                    untilNode, "\(path).valid_until: \(until.configText) is not after valid_from \(validFrom.configText)")
            }
            validUntil = until
        }
        return RegionKey(purpose: purpose, publicKey: publicKey, validFrom: validFrom, validUntil: validUntil)
    }
}
