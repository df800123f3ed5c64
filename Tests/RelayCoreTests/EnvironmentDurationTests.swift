import RelayCore
import Testing

/// Durations in the environment (`RELAY_DR_LAG_RAW_RETENTION`): a unit or bare seconds, in range.
struct EnvironmentDurationTests {
    func read(_ value: String?) throws(ConfigurationError) -> Int {
        try EnvironmentReader(value.map { ["X": $0] } ?? [:]).durationSeconds("X", default: 604_800, range: 3600...(3660 * 86_400))
    }

    @Test func unitsAndBareSecondsAreRead() throws {
        #expect(try read(nil) == 604_800)
        #expect(try read("7d") == 604_800)
        #expect(try read("36h") == 129_600)
        #expect(try read("90m") == 5400)
        #expect(try read("3600s") == 3600)
        #expect(try read("7200") == 7200)
    }

    @Test func malformedOrOutOfRangeValuesNameTheVariable() {
        for bad in ["7 days", "-1d", "10m", "d", "1.5h", "99999d"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { _ = try read(bad) }
        }
    }
}
