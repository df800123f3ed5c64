import Foundation

/// Key and secret files of a local run, each 0600 in the state folder's `keys/`.
enum KeyFiles {
    /// A secret file in `dir`, created (0600) with `make()` on first use, so keys survive restarts.
    static func secret(in dir: URL, name: String, make: () -> String) throws -> String {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = dir.appendingPathComponent(name).path
        if !FileManager.default.fileExists(atPath: file) {
            guard FileManager.default.createFile(atPath: file, contents: Data((make() + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw LocalRunError.cannotWrite(file)
            }
        }
        return file
    }

    /// Writes `contents` to the file at `path` (0600), replacing what was there.
    static func write(_ contents: Data, to path: String) throws(LocalRunError) {
        try? FileManager.default.removeItem(atPath: path)
        guard FileManager.default.createFile(atPath: path, contents: contents, attributes: [.posixPermissions: 0o600]) else {
            throw .cannotWrite(path)
        }
    }

    /// Copies a development key to its 0600 file (git keeps no file modes).
    static func copy(_ key: DevKeyCopy) throws(LocalRunError) {
        guard let data = FileManager.default.contents(atPath: key.source) else {
            throw .missingDevKey(path: key.source, purpose: key.purpose)
        }
        try write(data, to: key.target)
    }
}
