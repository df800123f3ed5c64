import Foundation
import RelayCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Key files: one base64 32-byte Ed25519 seed and a newline, mode 0600 (the format of
/// `RELAY_PRIVATE_KEY`, `relay-gateway keygen --out` and `relay-dr keys generate`).
public enum KeyFile {
    /// Largest file accepted as a key file (a seed is 45 bytes; anything big is a wrong path).
    public static let maximumBytes = 4096

    /// Writes `seed` to a new file at `path` with mode 0600. The file is created with
    /// `O_CREAT|O_EXCL`, so an existing file (or link) is never overwritten or followed; a failed
    /// write removes the partial file.
    public static func create(at path: String, seed: [UInt8]) throws(KeyFileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST { throw .exists(path: path) }
            throw .cannotCreate(path: path, reason: String(cString: strerror(code)))
        }
        let bytes = Array((Base64.encode(seed) + "\n").utf8)
        // The umask may have cleared bits of 0600 but never adds any; set it exactly.
        var failure: Int32 = fchmod(descriptor, 0o600) == 0 ? 0 : errno
        if failure == 0 {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written != bytes.count { failure = written < 0 ? errno : EIO }
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure != 0 {
            unlink(path)
            throw .cannotCreate(path: path, reason: String(cString: strerror(failure)))
        }
    }

    /// The text of the key file at `path`, refusing a file whose mode has any of `forbiddenModeBits`
    /// (0o077: readable or writable by group or others) or that is longer than `maximumBytes`.
    /// Errors name `source`, never the content; `kind` names what the file should be (PEM
    /// certificates are read here too, with no mode bits forbidden).
    public static func read(
        _ path: String, source: String, forbiddenModeBits: mode_t, maximumBytes: Int = KeyFile.maximumBytes,
        kind: String = "a key file"
    ) throws(KeySourceError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            throw KeySourceError(.unreadable, source: source, reason: "cannot read \(path): \(reason)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw KeySourceError(.unreadable, source: source, reason: "\(path) is not a regular file")
        }
        let mode = info.st_mode & 0o777
        if mode & forbiddenModeBits != 0 {
            let who = forbiddenModeBits & 0o044 != 0 ? "readable or writable" : "writable"
            throw KeySourceError(
                .exposed, source: source,
                reason: "\(path) is \(who) by group or others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard info.st_size <= maximumBytes, let data = FileManager.default.contents(atPath: path) else {
            throw KeySourceError(
                .unreadable, source: source,
                reason: info.st_size > maximumBytes ? "\(path) is too large to be \(kind)" : "cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
