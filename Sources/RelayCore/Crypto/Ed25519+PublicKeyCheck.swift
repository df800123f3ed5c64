/// Public-key hygiene for keys Relay is told to trust (region configs).
///
/// Ed25519 verifiers disagree on edge cases: some accept a small-order public key (for which a
/// forged signature can verify for many messages) or a non-canonical encoding (a second spelling
/// of the same point, so one key would have two `key_id`s). A key that a correct key generator can
/// never produce is therefore rejected before it is trusted, the way libsodium's
/// `ge25519_is_canonical` and `ge25519_has_small_order` blocklist do.
extension Ed25519 {
    /// Little-endian p = 2^255 - 19, the field modulus.
    private static let fieldPrime: [UInt8] = [0xED] + Array(repeating: 0xFF, count: 30) + [0x7F]

    /// The y coordinates (little-endian, sign bit clear) of the 8 points of order dividing 8:
    /// y = 0 (the two points of order 4), y = 1 (the identity, order 1), y = p - 1 (order 2) and the
    /// two y values of the four points of order 8. Each is blocked with either sign bit.
    private static let smallOrderY: [[UInt8]] = [
        Array(repeating: 0, count: 32),
        [0x01] + Array(repeating: 0, count: 31),
        [0xEC] + Array(repeating: 0xFF, count: 30) + [0x7F],
        [
            0x26, 0xE8, 0x95, 0x8F, 0xC2, 0xB2, 0x27, 0xB0, 0x45, 0xC3, 0xF4, 0x89, 0xF2, 0xEF, 0x98, 0xF0,
            0xD5, 0xDF, 0xAC, 0x05, 0xD3, 0xC6, 0x33, 0x39, 0xB1, 0x38, 0x02, 0x88, 0x6D, 0x53, 0xFC, 0x05,
        ],
        [
            0xC7, 0x17, 0x6A, 0x70, 0x3D, 0x4D, 0xD8, 0x4F, 0xBA, 0x3C, 0x0B, 0x76, 0x0D, 0x10, 0x67, 0x0F,
            0x2A, 0x20, 0x53, 0xFA, 0x2C, 0x39, 0xCC, 0xC6, 0x4E, 0xC7, 0xFD, 0x77, 0x92, 0xAC, 0x03, 0x7A,
        ],
    ]

    /// Throws unless `publicKey` is 32 bytes, canonically encoded (y < p) and not of small order.
    public static func checkPublicKey(_ publicKey: [UInt8]) throws(KeyError) {
        guard publicKey.count == 32 else {
            throw .wrongLength(what: "Ed25519 public key", expected: 32, actual: publicKey.count)
        }
        var y = publicKey
        y[31] &= 0x7F  // the top bit is the sign of x, not part of y
        if smallOrderY.contains(y) {
            throw .weakPublicKey("it is a small-order point (order 1, 2, 4 or 8), which no real key is")
        }
        if !isLessThan(y, fieldPrime) {
            throw .weakPublicKey("it is a non-canonical encoding (y >= 2^255 - 19)")
        }
    }

    /// `a < b` for 32-byte little-endian integers (public values: no need for constant time).
    private static func isLessThan(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        for index in stride(from: 31, through: 0, by: -1) where a[index] != b[index] {
            return a[index] < b[index]
        }
        return false
    }
}
