import Crypto

/// A 32-byte ledger hash held inline: the offline audit compares and keeps one per record, where
/// a `[UInt8]` each was a heap allocation per record.
struct LedgerHash: Equatable {
    private var value: SIMD32<UInt8>

    /// The hash of `bytes`, which must be 32 bytes long (every hash an audit file holds is: the
    /// parsers refuse others).
    init(_ bytes: [UInt8]) {
        precondition(bytes.count == 32, "a ledger hash is 32 bytes")
        value = bytes.withUnsafeBytes { $0.loadUnaligned(as: SIMD32<UInt8>.self) }
    }

    /// The SHA-256 of the ledger message in `message`.
    init(sha256 message: UnsafeRawBufferPointer) {
        // What SHA256.hash(data:) does, without going through DataProtocol.
        var hasher = SHA256()
        hasher.update(bufferPointer: message)
        value = hasher.finalize().withUnsafeBytes { $0.loadUnaligned(as: SIMD32<UInt8>.self) }
    }

    /// The hash spelled as exactly 64 lower-case hex digits starting at `start` of `text`.
    init?(hex text: UnsafeBufferPointer<UInt8>, at start: Int) {
        guard start >= 0, text.count - start >= 64 else { return nil }
        var value = SIMD32<UInt8>()
        let ok = withUnsafeMutableBytes(of: &value) { (out: UnsafeMutableRawBufferPointer) -> Bool in
            Self.decode(hex: text.baseAddress! + start, into: out)
        }
        guard ok else { return nil }
        self.value = value
    }

    /// Decodes 64 hex digits into 32 bytes through pointers, with one test for a bad digit at the
    /// end: this runs twice per record of an audit.
    private static func decode(hex chars: UnsafePointer<UInt8>, into out: UnsafeMutableRawBufferPointer) -> Bool {
        nibbles.withUnsafeBufferPointer { (nibbles: UnsafeBufferPointer<UInt8>) -> Bool in
            var bad: UInt8 = 0
            for k in 0..<32 {
                let hi: UInt8 = nibbles[Int(chars[2 * k])]
                let lo: UInt8 = nibbles[Int(chars[2 * k + 1])]
                bad |= hi
                bad |= lo
                out[k] = (hi << 4) | (lo & 0x0f)
            }
            return bad & 0x10 == 0
        }
    }

    /// The 32 bytes.
    var bytes: [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    /// Stores the 32 bytes at `out`.
    func store(at out: UnsafeMutableRawPointer) {
        out.storeBytes(of: value, as: SIMD32<UInt8>.self)
    }

    /// Each byte's value as a lower-case hex digit, or 0x10 when it is none.
    private static let nibbles: [UInt8] = (0...255).map { c in
        switch c {
        case 48...57: UInt8(c - 48)
        case 97...102: UInt8(c - 87)
        default: 0x10
        }
    }
}
