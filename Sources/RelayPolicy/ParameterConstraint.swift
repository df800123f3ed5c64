import RelayCore

/// The constraint a rule places on one parameter of `action.parameters`.
///
/// Every bound that is set must hold (logical AND). A parameter that is absent satisfies no
/// constraint at all (not even `notIn`). The numeric bounds (`min`, `max`, `gt`, `lt`) are only
/// satisfied by JSON numbers: strings (even `"5000"`), booleans, null, arrays and objects never
/// satisfy them. `equals`, `in` and `notIn` compare JSON values exactly: the number 5 equals 5.0,
/// the string "5" does not equal the number 5, strings compare by their UTF-8 bytes.
public struct ParameterConstraint: Sendable, Equatable {
    /// Inclusive lower bound: value ≥ min.
    public var min: Double?
    /// Inclusive upper bound: value ≤ max.
    public var max: Double?
    /// Exclusive lower bound: value > gt.
    public var gt: Double?
    /// Exclusive upper bound: value < lt.
    public var lt: Double?
    /// The value must equal this scalar.
    public var equals: JSONValue?
    /// The value must equal one of these scalars.
    public var `in`: [JSONValue]?
    /// The value must equal none of these scalars (it must still be present).
    public var notIn: [JSONValue]?

    /// Creates a constraint; unset bounds are not checked.
    public init(
        min: Double? = nil, max: Double? = nil, gt: Double? = nil, lt: Double? = nil,
        equals: JSONValue? = nil, in: [JSONValue]? = nil, notIn: [JSONValue]? = nil
    ) {
        self.min = min
        self.max = max
        self.gt = gt
        self.lt = lt
        self.equals = equals
        self.in = `in`
        self.notIn = notIn
    }

    /// True when any numeric bound (`min`, `max`, `gt`, `lt`) is set.
    public var hasNumericBound: Bool { min != nil || max != nil || gt != nil || lt != nil }

    /// Whether `value` (nil when the parameter is absent) satisfies every bound of this constraint.
    public func isSatisfied(by value: JSONValue?) -> Bool {
        guard let value else { return false }
        if hasNumericBound {
            guard case .number(let number) = value else { return false }
            if let min, !(number >= min) { return false }
            if let max, !(number <= max) { return false }
            if let gt, !(number > gt) { return false }
            if let lt, !(number < lt) { return false }
        }
        if let equals, !value.isExactlyEqual(to: equals) { return false }
        if let list = self.in, !list.contains(where: { value.isExactlyEqual(to: $0) }) { return false }
        if let notIn, notIn.contains(where: { value.isExactlyEqual(to: $0) }) { return false }
        return true
    }
}
