import Foundation
import RelayCore
import Testing

/// A signed report verifies; a one-byte change, another key or a forged key id does not.
struct ReportSignatureTests {
    let key = try! SigningKey(seed: Array(repeating: 7, count: 32))
    let file = try! ReportFormat.json.renderer.render(ComplianceFixture.report)

    @Test func aSignedReportVerifiesWithItsTrustedKey() throws {
        let sig = try ReportSignature.parse(try ReportSignature(signing: file, with: key).fileBytes())
        #expect(sig.keyID == key.keyID)
        #expect(sig.problem(file: file, trusted: [key.publicKey]) == nil)
        #expect(sig.problem(file: file, trusted: nil) == nil)
    }

    @Test func everyOneByteChangeFailsAndSaysTheFileChanged() {
        let sig = ReportSignature(signing: file, with: key)
        for index in [0, file.count / 2, file.count - 1] {
            var changed = file
            changed[index] ^= 0x01
            #expect(sig.problem(file: changed, trusted: [key.publicKey])?.contains("the file changed") == true)
        }
        #expect(sig.problem(file: file + [0x0a], trusted: [key.publicKey]) != nil)
    }

    @Test func anotherKeyOrAForgedSignatureFails() throws {
        let other = try SigningKey(seed: Array(repeating: 8, count: 32))
        let sig = ReportSignature(signing: file, with: key)
        #expect(sig.problem(file: file, trusted: [other.publicKey])?.contains("not a trusted key") == true)
        var swapped = sig
        swapped.publicKey = Hex.encode(other.publicKey)
        swapped.keyID = other.keyID
        #expect(swapped.problem(file: file, trusted: [other.publicKey])?.contains("does not verify") == true)
        var lying = sig
        lying.keyID = other.keyID
        #expect(lying.problem(file: file, trusted: nil)?.contains("does not match") == true)
    }
}
