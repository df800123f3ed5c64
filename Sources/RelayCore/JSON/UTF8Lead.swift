/// Unicode Table 3-7 (well-formed UTF-8) read from a multi-byte sequence's lead byte: the
/// sequence's length and the range its second byte must be in (which rules out overlongs, encoded
/// surrogates and scalars above U+10FFFF); every later byte is 0x80…0xBF. The parser and the
/// one-pass canonical check both accept exactly these sequences.
enum UTF8Lead {
    /// The length and second-byte range of the sequence `lead` starts; nil when `lead` cannot
    /// start a multi-byte sequence.
    @inline(__always)
    static func sequence(_ lead: UInt8) -> (length: Int, second: ClosedRange<UInt8>)? {
        switch lead {
        case 0xC2...0xDF: (2, 0x80...0xBF)
        case 0xE0: (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
        case 0xED: (3, 0x80...0x9F)
        case 0xF0: (4, 0x90...0xBF)
        case 0xF1...0xF3: (4, 0x80...0xBF)
        case 0xF4: (4, 0x80...0x8F)
        default: nil
        }
    }
}
