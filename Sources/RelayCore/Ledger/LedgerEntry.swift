import Crypto

/// One link of a region's hash chain (byte format in docs/ledger-format.md).
public struct LedgerEntry: Sendable, Equatable {
    public var region: String
    /// 1, 2, … without gaps.
    public var seq: Int64
    public var kind: LedgerKind
    /// RFC 8785 canonical JSON bytes of the record.
    public var body: [UInt8]
    /// When the origin's gateway wrote the record (origin clock).
    public var committedAt: Timestamp
    public var epoch: Int64
    /// `hash` of entry `seq − 1`; 32 zero bytes for seq 1.
    public var prevHash: [UInt8]
    public var hash: [UInt8]

    /// Builds the entry that follows `prevHash`, computing its hash.
    public init(
        region: String, seq: Int64, kind: LedgerKind, body: [UInt8], committedAt: Timestamp, epoch: Int64,
        prevHash: [UInt8]
    ) {
        self.init(
            region: region, seq: seq, kind: kind, body: body, committedAt: committedAt, epoch: epoch,
            prevHash: prevHash, hash: [])
        self.hash = computedHash
    }

    /// An entry as stored (its hash is taken as given; compare with `computedHash` to check it).
    public init(
        region: String, seq: Int64, kind: LedgerKind, body: [UInt8], committedAt: Timestamp, epoch: Int64,
        prevHash: [UInt8], hash: [UInt8]
    ) {
        self.region = region
        self.seq = seq
        self.kind = kind
        self.body = body
        self.committedAt = committedAt
        self.epoch = epoch
        self.prevHash = prevHash
        self.hash = hash
    }

    /// `prev_hash` of the first entry.
    public static let genesisPrevHash = [UInt8](repeating: 0, count: 32)

    /// Domain separation: these bytes start every hashed message, so a ledger hash can never be
    /// confused with a seal signature input or a batch header.
    public static let domainTag: [UInt8] = Array("relay-ledger-v1".utf8) + [0]

    /// The canonical JSON of the entry without its hash: `{"body":…,"committed_at":…,"epoch":…,
    /// "kind":…,"prev_hash":…,"region":…,"seq":…}`. The body bytes are embedded as they are,
    /// which equals RFC 8785 of the whole object because the body itself is canonical.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 192)
        // Written byte by byte: this runs once per entry when a million entries are verified.
        out += #"{"body":"#.utf8
        out += body
        // committed_at and kind are always plain ASCII: quoted without an escape check.
        out += #","committed_at":""#.utf8
        out += committedAt.iso8601.utf8
        out += #"","epoch":"#.utf8
        Self.append(integer: epoch, to: &out)
        out += #","kind":""#.utf8
        out += kind.rawValue.utf8
        out += #"","prev_hash":""#.utf8
        Hex.append(prevHash, to: &out)
        out += #"","region":"#.utf8
        Self.append(string: region, to: &out)
        out += #","seq":"#.utf8
        Self.append(integer: seq, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// SHA-256(domain tag ‖ prev_hash ‖ canonical entry without hash).
    public var computedHash: [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Self.domainTag)
        hasher.update(data: prevHash)
        hasher.update(data: canonicalBytes)
        return Array(hasher.finalize())
    }

    /// A JSON string as RFC 8785 writes it: quoted as it is when nothing needs escaping.
    static func append(string: String, to out: inout [UInt8]) {
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out.append(UInt8(ascii: "\""))
            out += string.utf8
            out.append(UInt8(ascii: "\""))
        } else {
            out += CanonicalJSON.bytes(.string(string))
        }
    }

    /// An integer as RFC 8785 writes it (a double: exact below 2^53, rounded as JavaScript above).
    private static func append(integer: Int64, to out: inout [UInt8]) {
        out += (integer.magnitude < 1 << 53 ? String(integer) : CanonicalJSON.serialize(number: Double(integer))).utf8
    }
}

/// Where a region's chain ends: the last entry's seq and hash (seq 0 = empty chain).
public struct LedgerHead: Sendable, Equatable {
    public var seq: Int64
    public var hash: [UInt8]
    public var epoch: Int64

    /// Creates a head.
    public init(seq: Int64, hash: [UInt8], epoch: Int64) {
        self.seq = seq
        self.hash = hash
        self.epoch = epoch
    }

    /// The head of an empty chain at `epoch`.
    public static func empty(epoch: Int64 = 1) -> LedgerHead {
        LedgerHead(seq: 0, hash: LedgerEntry.genesisPrevHash, epoch: epoch)
    }

    /// The head after `entry`.
    public init(after entry: LedgerEntry) {
        self.init(seq: entry.seq, hash: entry.hash, epoch: entry.epoch)
    }
}
