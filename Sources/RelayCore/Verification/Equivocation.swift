/// Proof that an origin signed two different histories: two statements under its key that claim
/// different hashes at the same seq, or one it signed that its current chain contradicts.
public struct Equivocation: Sendable, Equatable {
    public var origin: String
    /// The seq both claims are about.
    public var seq: Int64
    /// The statement a peer holds (normally an applied batch's header).
    public var first: SignedStatement
    /// The contradicting signed statement; nil when the contradiction is with the origin's
    /// current chain only (`currentHash`, which the origin did not sign).
    public var second: SignedStatement?
    /// The origin's chain's hash at `seq` when the check was made (nil: it holds no entry `seq`).
    public var currentHash: [UInt8]?

    /// Creates an equivocation.
    public init(origin: String, seq: Int64, first: SignedStatement, second: SignedStatement?, currentHash: [UInt8]?) {
        self.origin = origin
        self.seq = seq
        self.first = first
        self.second = second
        self.currentHash = currentHash
    }

    /// Every seq at which two of `statements` (signatures already verified) claim different
    /// hashes, one pair per seq, lowest seq first. Applied headers are preferred as `first`.
    public static func conflicts(origin: String, among statements: [SignedStatement]) -> [Equivocation] {
        let ordered = statements.filter { $0.held == .applied } + statements.filter { $0.held == .refused }
        var seen: [Int64: SignedStatement] = [:]
        var found: [Int64: Equivocation] = [:]
        for s in ordered {
            for claim in s.claims {
                guard let earlier = seen[claim.seq] else {
                    seen[claim.seq] = s
                    continue
                }
                if earlier.claim(at: claim.seq) != claim.hash, found[claim.seq] == nil {
                    found[claim.seq] = Equivocation(origin: origin, seq: claim.seq, first: earlier, second: s, currentHash: nil)
                }
            }
        }
        return found.keys.sorted().map { found[$0]! }
    }

    /// The finding on the origin's own copy.
    public var finding: CopyFinding {
        let claimed = first.claim(at: seq).map(Hex.encode) ?? "?"
        var text = "\(origin) signed hash \(claimed) at seq \(seq) in \(first.summary)"
        if let second {
            text += "; it also signed hash \(second.claim(at: seq).map(Hex.encode) ?? "?") at seq \(seq) in \(second.summary)"
        }
        text += currentHash.map { "; its chain now holds \(Hex.encode($0))" } ?? (second == nil ? "; its chain now holds no entry \(seq)" : "")
        return CopyFinding(seq: seq, reason: .equivocation, evidence: text + " (relay-dr evidence export writes the proof)")
    }

    /// The evidence format (docs/verification.md, "Equivocation evidence").
    public var json: JSONValue {
        [
            "origin": .string(origin), "seq": .number(Double(seq)),
            "statements": .array([first.json] + (second.map { [$0.json] } ?? [])),
            "current_hash": currentHash.map { .string(Hex.encode($0)) } ?? .null,
        ]
    }
}
