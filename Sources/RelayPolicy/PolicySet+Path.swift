import Foundation

extension PolicySet {
    /// Loads a policy directory (see ``load(directory:)``) or a single policy file.
    public static func load(path: String) throws(PolicyLoadError) -> PolicySet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PolicyLoadError(file: path, line: nil, reason: "no such file or directory")
        }
        if isDirectory.boolValue { return try load(directory: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyLoadError(file: path, line: nil, reason: "cannot read file")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw PolicyLoadError(file: path, line: nil, reason: "file is not valid UTF-8")
        }
        return try PolicySet(files: [parse(yaml: text, file: path)])
    }
}
