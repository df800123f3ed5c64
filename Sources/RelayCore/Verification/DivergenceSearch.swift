/// Finds the first seq at which a copy stops agreeing with the reference copy of the same chain,
/// by binary search over `hash_at`: O(log n) look-ups. Pure: the caller performs each look-up it
/// is asked for and answers whether the copy is *good* there (`isGood`).
///
/// Why a binary search is exact: in a hash chain, equal hashes at seq n mean equal entries 1…n,
/// so "good at n" (the copy holds every entry up to n and its hash at n is the reference's) holds
/// for every seq up to the first bad one and for none after it. Entries edited in place without
/// rewriting their hashes keep that property from the outside and are found by `--full`, which
/// recomputes every copy from genesis.
public struct DivergenceSearch: Sendable, Equatable {
    /// What to do next.
    public enum Action: Sendable, Equatable {
        /// Look up `hash_at(seq)` in the copy (and the reference) and call `answer(seq:good:)`.
        case lookUp(Int64)
        /// The search is over.
        case finished(Outcome)
    }

    /// The result.
    public enum Outcome: Sendable, Equatable {
        /// The copy agrees with the reference at every seq 1…`through`.
        case agrees(through: Int64)
        /// `seq` is the first seq at which it does not (it agrees at every seq before).
        case firstBad(Int64)
    }

    /// The last seq to compare (the shorter of the two copies' heads).
    public let through: Int64
    /// Highest seq known good (0: genesis, good by definition).
    public private(set) var good: Int64 = 0
    /// Lowest seq known bad.
    public private(set) var bad: Int64?
    /// The look-up asked for and not answered yet.
    public private(set) var pending: Int64?
    /// Look-ups asked for so far.
    public private(set) var lookUps = 0

    /// A search over seqs 1…`through`.
    public init(through: Int64) {
        self.through = max(0, through)
    }

    /// The first action: the last common seq is looked up first, since a copy that agrees there
    /// agrees everywhere before it (one look-up for a consistent copy).
    public mutating func start() -> Action {
        guard through > 0 else { return .finished(.agrees(through: 0)) }
        return ask(through)
    }

    /// Records whether the copy is good at `seq` and says what to do next. An answer for a seq
    /// that was not asked (late or repeated) changes nothing and repeats the pending action.
    public mutating func answer(seq: Int64, good isGood: Bool) -> Action {
        guard let asked = pending, asked == seq else {
            if let pending { return .lookUp(pending) }
            return next()
        }
        pending = nil
        if isGood { good = max(good, seq) } else { bad = min(bad ?? seq, seq) }
        return next()
    }

    /// The next action from what is known.
    private mutating func next() -> Action {
        guard let bad else { return good >= through ? .finished(.agrees(through: through)) : ask(through) }
        if bad == good + 1 { return .finished(.firstBad(bad)) }
        return ask(good + (bad - good) / 2)
    }

    private mutating func ask(_ seq: Int64) -> Action {
        pending = seq
        lookUps += 1
        return .lookUp(seq)
    }

    /// Whether `copy` is good at its seq: it holds every entry up to it, and (when a reference is
    /// given) its hash there is the reference's. The reference must itself hold the entry.
    public static func isGood(_ copy: CopyHashAt, reference: CopyHashAt?) -> Bool {
        guard copy.complete, let hash = copy.hash else { return false }
        guard let reference else { return true }
        return reference.hash == hash
    }
}
