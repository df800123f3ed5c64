import Foundation
import RelayCore

/// Loading region files from disk.
extension RegionSet {
    /// Loads every `*.yaml` (and `*.yml`) file directly in `directory` (not its subdirectories)
    /// as one region each. The first problem found is thrown as `file:line: reason`.
    public static func load(directory: String) throws(ConfigFileError) -> RegionSet {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ConfigFileError(file: directory, line: nil, reason: "cannot read region directory (does it exist?)")
        }
        let separator = directory.hasSuffix("/") ? "" : "/"
        let files = names.filter { name in
            !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
        }.sorted().map { directory + separator + $0 }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        guard !files.isEmpty else {
            throw ConfigFileError(file: directory, line: nil, reason: "no region files (*.yaml) found")
        }
        var regions: [Region] = []
        for path in files {
            regions.append(try load(file: path))
        }
        return try RegionSet(regions: regions)
    }

    /// Loads one region file.
    public static func load(file path: String) throws(ConfigFileError) -> Region {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigFileError(file: path, line: nil, reason: "cannot read file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigFileError(file: path, line: nil, reason: "file is not valid UTF-8")
        }
        return try parse(yaml: text, file: path)
    }
}
