/// A `.tar.gz` archive of regular files, as OPA's bundle loader reads it: POSIX ustar entries in
/// a gzip stream of stored (uncompressed) deflate blocks. Deterministic: the same files give the
/// same bytes (fixed mtime, owner and mode), so a bundle's digest changes only with its content.
public enum TarGzip {
    /// One file of the archive.
    public struct File: Sendable, Equatable {
        /// Path inside the archive, at most 100 bytes (no leading "/").
        public var path: String
        public var bytes: [UInt8]

        /// Creates a file.
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// The archive of `files`, in order.
    public static func archive(_ files: [File]) -> [UInt8] {
        gzip(tar(files))
    }

    /// The uncompressed tar stream: a 512-byte header and the padded content per file, then two
    /// empty blocks.
    static func tar(_ files: [File]) -> [UInt8] {
        var out: [UInt8] = []
        for file in files {
            precondition(file.path.utf8.count <= 100, "tar path longer than 100 bytes: \(file.path)")
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, at offset: Int) {
                for (i, b) in text.utf8.enumerated() { header[offset + i] = b }
            }
            func octal(_ value: Int, width: Int) -> String {
                let digits = String(value, radix: 8)
                return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
            }
            put(file.path, at: 0)
            put(octal(0o644, width: 8), at: 100)
            put(octal(0, width: 8), at: 108)
            put(octal(0, width: 8), at: 116)
            put(octal(file.bytes.count, width: 12), at: 124)
            put(octal(0, width: 12), at: 136)
            put("0", at: 156)
            put("ustar\u{0}00", at: 257)
            // The checksum is taken with its own field read as spaces.
            put("        ", at: 148)
            let sum = header.reduce(0) { $0 + Int($1) }
            put(octal(sum, width: 7) + "\u{0} ", at: 148)
            out += header
            out += file.bytes
            out += [UInt8](repeating: 0, count: (512 - file.bytes.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    /// RFC 1952 gzip of `data` with stored deflate blocks (RFC 1951 §3.2.4): policy bundles are
    /// small, so no compression is needed for any reader to accept them.
    static func gzip(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            out.append(final)
            out += le16(count) + le16(~count & 0xffff)
            out += data[offset..<offset + count]
            offset += count
        } while offset < data.count
        return out + le32(crc32(data)) + le32(UInt32(truncatingIfNeeded: data.count))
    }

    private static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8 & 0xff)] }
    private static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xff) } }

    /// CRC-32 (IEEE 802.3, reflected), as gzip's trailer wants it.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
