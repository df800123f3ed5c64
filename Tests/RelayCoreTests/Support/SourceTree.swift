import Foundation

/// The repository this test was built from, read as files: the modules under `Sources/`, their
/// Swift files and Package.swift.
struct SourceTree {
    /// The repository root.
    var root: URL

    /// The checkout containing this file (`Tests/RelayCoreTests/Support/SourceTree.swift`).
    static let current = SourceTree(
        root: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent())

    /// The folder names under `Sources/` (one module each), sorted.
    func modules() throws -> [String] {
        let sources = root.appendingPathComponent("Sources")
        return try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { name in
            var isDirectory: ObjCBool = false
            let path = sources.appendingPathComponent(name).path
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// Every `.swift` file of `module` (its folder under `Sources/`, recursively): path relative
    /// to the root, and text.
    func swiftFiles(of module: String) throws -> [(path: String, text: String)] {
        let folder = root.appendingPathComponent("Sources").appendingPathComponent(module)
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var files: [(path: String, text: String)] = []
        for case let relative as String in walker where relative.hasSuffix(".swift") {
            let url = folder.appendingPathComponent(relative)
            files.append(("Sources/\(module)/\(relative)", try String(contentsOf: url, encoding: .utf8)))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The text of Package.swift.
    func packageManifest() throws -> String {
        try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
    }
}
