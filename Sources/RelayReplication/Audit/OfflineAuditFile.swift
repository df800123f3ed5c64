import Foundation
import RelayCore

/// `relay-dr verify --offline`: reads an offline audit file in fixed-size chunks and streams its
/// lines through `OfflineAuditor` (memory stays flat however many records it holds).
public enum OfflineAuditFile {
    /// Bytes read at a time.
    static let chunkSize = 1 << 20

    /// Verifies the file at `path` against the ledger keys of `trusted`. Throws only when the
    /// file cannot be checked at all (unreadable, not an audit file, unknown origin).
    public static func verify(path: String, trusted: RegionSet) throws(AuditFileError) -> OfflineAuditReport {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        defer { try? handle.close() }
        var auditor: OfflineAuditor?
        var pending: [UInt8] = []
        var number = 0
        func line(_ bytes: UnsafeBufferPointer<UInt8>) throws(AuditFileError) {
            number += 1
            if auditor == nil {
                auditor = try OfflineAuditor(preamble: try AuditPreamble.parse(bytes), trusted: trusted)
            } else {
                auditor!.consume(bytes, number: number)
            }
        }
        /// Checks the complete lines at the start of `buffer`; returns how many bytes they took.
        func lines(_ buffer: UnsafeBufferPointer<UInt8>) throws(AuditFileError) -> Int {
            guard let base = buffer.baseAddress else { return 0 }
            var start = 0
            while let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start) {
                let end = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
                try line(UnsafeBufferPointer(rebasing: buffer[start..<end]))
                start = end + 1
            }
            return start
        }
        while true {
            let data: Data
            do { data = try handle.read(upToCount: chunkSize) ?? Data() } catch {
                throw .unreadable(path: path, reason: "\(error)")
            }
            if data.isEmpty { break }
            pending.append(contentsOf: data)
            let used = try pending.withUnsafeBufferPointer { buffer throws(AuditFileError) in try lines(buffer) }
            pending.removeSubrange(..<used)
        }
        if !pending.isEmpty { try pending.withUnsafeBufferPointer { buffer throws(AuditFileError) in try line(buffer) } }
        guard var auditor else { throw .notAnAuditFile("the file is empty") }
        return auditor.finish()
    }
}
