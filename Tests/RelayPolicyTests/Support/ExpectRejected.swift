import Foundation
import RelayPolicy
import Testing

/// The policy file the rejection tests parse (by name: their errors must name it).
let policyTestFile = "policies/test.yaml"

/// Asserts that `yaml` is rejected at `line` with a reason containing `reason`.
func expectRejected(_ yaml: String, line: Int?, _ reason: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    guard let error = PolicyFixtures.parseError(yaml, file: policyTestFile) else {
        Issue.record("accepted, expected: \(reason)", sourceLocation: sourceLocation)
        return
    }
    #expect(error.file == policyTestFile, sourceLocation: sourceLocation)
    #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
    #expect(error.reason.contains(reason), "\(error)", sourceLocation: sourceLocation)
}
