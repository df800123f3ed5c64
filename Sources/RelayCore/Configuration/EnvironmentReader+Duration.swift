import Foundation

extension EnvironmentReader {
    /// A duration in whole seconds written `<n>s`, `<n>m`, `<n>h` or `<n>d` (a bare number is
    /// seconds), within `range` seconds, or `fallback` seconds when unset.
    public func durationSeconds(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let raw = optional(name) else { return fallback }
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text)
        var unit = 1
        if let last = text.last, let u = units[last] {
            unit = u
            digits = text.dropLast()
        }
        guard let n = Int(digits), n >= 0, n <= Int.max / unit, range.contains(n * unit) else {
            throw ConfigurationError(
                setting: name,
                reason: "must be a duration like 7d, 36h, 90m or 600s, between \(range.lowerBound) and \(range.upperBound) seconds (got '\(raw)')")
        }
        return n * unit
    }
}
