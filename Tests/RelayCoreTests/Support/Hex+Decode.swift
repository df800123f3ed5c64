import RelayCore

extension Hex {
    /// Decodes lower-case hex (test inputs only).
    static func decodeForTests(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: 2).map { UInt8(String(decoding: bytes[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }
}
