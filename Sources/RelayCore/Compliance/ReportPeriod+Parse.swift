import Foundation

extension ReportPeriod {
    /// Why a date given to `relay-dr report` was refused.
    public struct DateError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// An instant from `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time (no offset: UTC).
    public static func instant(_ text: String, option: String) throws(DateError) -> Timestamp {
        let t = text.trimmingCharacters(in: .whitespaces)
        let dateOnly = t.utf8.count == 10 && t.split(separator: "-").count == 3
        do {
            return try Timestamp(iso8601: dateOnly ? t + "T00:00:00Z" : t)
        } catch {
            throw DateError(description: "\(option) '\(text)' is not a date (YYYY-MM-DD, UTC) or an ISO 8601 instant (2026-11-01T00:00:00Z): \(error.reason)")
        }
    }

    /// The period of `--from`/`--to`: `to` defaults to `now`, `from` to 30 days before `to`.
    public static func parse(from: String?, to: String?, now: Timestamp) throws(DateError) -> ReportPeriod {
        let end = try to.map { text throws(DateError) in try instant(text, option: "--to") } ?? now
        let start = try from.map { text throws(DateError) in try instant(text, option: "--from") } ?? end.adding(microseconds: -30 * 86_400_000_000)
        guard start < end else {
            throw DateError(description: "--from (\(start.iso8601)) must be before --to (\(end.iso8601))")
        }
        return ReportPeriod(from: start, to: end)
    }
}
