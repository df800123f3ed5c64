import RelayCore
import Testing

struct TimestampTests {
    @Test(arguments: [
        ("2026-11-27T10:00:00", "2026-11-27T10:00:00.000000Z"),
        ("2026-11-27T10:00:00Z", "2026-11-27T10:00:00.000000Z"),
        ("2026-11-27T10:00:00.5", "2026-11-27T10:00:00.500000Z"),
        ("2026-11-27T10:00:00.123456+00:00", "2026-11-27T10:00:00.123456Z"),
        ("2026-11-27T12:30:00+02:00", "2026-11-27T10:30:00.000000Z"),
        ("2026-11-27T00:30:00-0130", "2026-11-27T02:00:00.000000Z"),
        ("2026-01-01 00:00:00+01:00", "2025-12-31T23:00:00.000000Z"),
        ("2024-02-29T23:59:59.999999Z", "2024-02-29T23:59:59.999999Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000Z"),
        ("1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z"),
    ])
    func parsesClientFormatsAndFormatsUTC(input: String, expected: String) throws {
        #expect(try Timestamp(iso8601: input).iso8601 == expected)
    }

    @Test(arguments: [
        "", "2026-11-27", "2026-13-01T00:00:00", "2026-02-30T00:00:00", "2025-02-29T00:00:00",
        "2026-11-27T24:00:00", "2026-11-27T10:60:00", "2026-11-27T10:00:00.1234567", "2026-11-27T10:00:00.",
        "2026-11-27T10:00:00+25:00", "2026-11-27T10:00:00 junk", "yesterday",
    ])
    func rejectsInvalidTimestamps(input: String) {
        #expect(throws: TimestampParseError.self) { try Timestamp(iso8601: input) }
    }

    @Test func epochArithmeticIsExact() throws {
        let t = try Timestamp(iso8601: "2026-11-27T02:53:41.123456Z")
        #expect(t.microseconds == 1_795_748_021_123_456)
        #expect(t.adding(minutes: 5).iso8601 == "2026-11-27T02:58:41.123456Z")
    }
}
