/// The verdict on one copy (origin × holder) of a `relay-dr verify` run.
public struct CopyVerdict: Sendable, Equatable {
    /// consistent, inconsistent, or could not check (exit 0 / 1 / 2).
    public enum Status: String, Sendable, Equatable {
        case consistent
        case inconsistent
        case couldNotCheck = "could_not_check"
    }

    public var origin: String
    /// The region holding the copy (`origin` itself for its own ledger).
    public var holder: String
    /// The copy's highest stored seq (nil when the holder could not be asked).
    public var headSeq: Int64?
    /// The copy every other copy of the origin was compared with (nil for the reference itself).
    public var comparedWith: String?
    /// Every inconsistency found, first seq first.
    public var findings: [CopyFinding]
    /// `hash_at` look-ups spent on this copy (the copy's and the reference's).
    public var lookUps: Int

    /// Creates a verdict.
    public init(origin: String, holder: String, headSeq: Int64?, comparedWith: String?, findings: [CopyFinding] = [], lookUps: Int = 0) {
        self.origin = origin
        self.holder = holder
        self.headSeq = headSeq
        self.comparedWith = comparedWith
        self.findings = findings
        self.lookUps = lookUps
    }

    /// Inconsistent when anything was found, could not check when the holder did not answer.
    public var status: Status {
        if findings.contains(where: { $0.reason != .unreachable }) { return .inconsistent }
        return findings.isEmpty ? .consistent : .couldNotCheck
    }

    /// The copy every other copy of an origin is compared with: the longest, since every copy
    /// must be a prefix of it. On ties, one that holds every entry below its head (a copy with a
    /// gap cannot be compared across it), then the origin's own ledger, then region order.
    public static func reference(among copies: [CopyHead]) -> CopyHead? {
        func rank(_ c: (offset: Int, element: CopyHead)) -> (Int64, Int, Int, Int) {
            (c.element.seq, c.element.count == c.element.seq ? 1 : 0, c.element.isOrigin ? 1 : 0, -c.offset)
        }
        return copies.enumerated().max { rank($0) < rank($1) }?.element
    }

    /// The wire form.
    public var json: JSONValue {
        [
            "origin": .string(origin), "copy": .string(holder), "head_seq": headSeq.map { .number(Double($0)) } ?? .null,
            "status": .string(status.rawValue), "compared_with": comparedWith.map { .string($0) } ?? .null,
            "first_bad_seq": findings.compactMap(\.seq).min().map { .number(Double($0)) } ?? .null,
            "findings": .array(findings.map(\.json)), "look_ups": .number(Double(lookUps)),
        ]
    }
}
