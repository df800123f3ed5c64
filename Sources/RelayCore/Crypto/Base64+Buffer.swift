extension Base64 {
    /// Decodes standard base64 with padding from `text` into `out` (room for `text.count / 4 * 3`
    /// bytes) and returns how many bytes it wrote; nil on anything unusual (a length that is not a
    /// multiple of 4, a foreign character, padding inside, non-zero bits under the padding), so
    /// every text it accepts is the one spelling `encode` gives those bytes.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard text.count % 4 == 0 else { return nil }
        return sextets.withUnsafeBufferPointer { sextets in decode(text, into: out, sextets: sextets) }
    }

    private static func decode(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, sextets: UnsafeBufferPointer<UInt8>) -> Int? {
        var n = 0
        var k = 0
        while k < text.count {
            let last = k + 4 == text.count
            let a = sextets[Int(text[k])], b = sextets[Int(text[k + 1])]
            guard a | b < 64 else { return nil }
            out[n] = a << 2 | b >> 4
            n += 1
            if last, text[k + 2] == UInt8(ascii: "="), text[k + 3] == UInt8(ascii: "=") {
                return b & 0x0f == 0 ? n : nil
            }
            let c = sextets[Int(text[k + 2])]
            guard c < 64 else { return nil }
            out[n] = (b & 0x0f) << 4 | c >> 2
            n += 1
            if last, text[k + 3] == UInt8(ascii: "=") {
                return c & 0x03 == 0 ? n : nil
            }
            let d = sextets[Int(text[k + 3])]
            guard d < 64 else { return nil }
            out[n] = (c & 0x03) << 6 | d
            n += 1
            k += 4
        }
        return n
    }

    /// The bytes of `text` (see `decode(_:into:)`).
    static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        if text.isEmpty { return [] }
        var ok = true
        let bytes = [UInt8](unsafeUninitializedCapacity: text.count / 4 * 3) { buffer, count in
            guard let n = decode(text, into: buffer.baseAddress!) else {
                ok = false
                count = 0
                return
            }
            count = n
        }
        return ok ? bytes : nil
    }

    /// Each byte's value as a base64 digit, or 0xFF when it is none.
    private static let sextets: [UInt8] = (0...255).map { c in
        switch c {
        case 65...90: UInt8(c - 65)
        case 97...122: UInt8(c - 71)
        case 48...57: UInt8(c + 4)
        case 43: 62
        case 47: 63
        default: 0xFF
        }
    }
}
