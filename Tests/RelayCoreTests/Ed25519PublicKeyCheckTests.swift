import RelayCore
import Testing

/// Small-order and non-canonical Ed25519 public keys are refused; real keys pass.
struct Ed25519PublicKeyCheckTests {
    /// The 8 points of order dividing 8 (libsodium's blocklist, plus the sign-bit twins).
    static let smallOrder: [String] = [
        "0000000000000000000000000000000000000000000000000000000000000000",  // order 4
        "0000000000000000000000000000000000000000000000000000000000000080",  // order 4
        "0100000000000000000000000000000000000000000000000000000000000000",  // order 1 (identity)
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // order 2
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  // order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  // order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  // order 8
        // the same points with the other sign bit
        "0100000000000000000000000000000000000000000000000000000000000080",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ]

    @Test(arguments: smallOrder)
    func smallOrderKeysAreRejected(hex: String) {
        #expect(throws: KeyError.self) { try Ed25519.checkPublicKey(Hex.decodeForTests(hex)) }
        do { try Ed25519.checkPublicKey(Hex.decodeForTests(hex)) } catch {
            #expect(error.description.contains("small-order point"))
        }
    }

    @Test(arguments: [
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = p (= 0)
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = p + 1 (= 1)
        "efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  // y = p + 2, sign bit set
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = 2^255 - 1
    ])
    func nonCanonicalEncodingsAreRejected(hex: String) {
        #expect(throws: KeyError.self) { try Ed25519.checkPublicKey(Hex.decodeForTests(hex)) }
    }

    @Test func generatedKeysAndTheRFC8032VectorPass() throws {
        for _ in 0..<64 {
            try Ed25519.checkPublicKey(SigningKey.generate().key.publicKey)
        }
        // RFC 8032 test 1 public key; y = p - 1 - 1 (the largest canonical y) is not small order either.
        try Ed25519.checkPublicKey(Hex.decodeForTests("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        try Ed25519.checkPublicKey(Hex.decodeForTests("ebffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"))
        #expect(throws: KeyError.wrongLength(what: "Ed25519 public key", expected: 32, actual: 31)) {
            try Ed25519.checkPublicKey(Array(repeating: 9, count: 31))
        }
    }
}
