import Foundation
import RelayCore
import RelaySystem
import Testing
import Yams

/// docker-compose.yml read with Yams, with the few accessors ComposeFileTests needs. Scalars are
/// read as written (no YAML 1.1 guessing), so `"5432"` and `5432` are both the text "5432".
struct ComposeFile {
    /// The repository root (this file is Tests/RelayLocalTests/Support/ComposeFile.swift).
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The whole file.
    let node: Node

    /// Parses `docker-compose.yml` at the repository root.
    static func load() throws -> ComposeFile {
        let text = try String(contentsOfFile: root + "/docker-compose.yml", encoding: .utf8)
        return ComposeFile(node: try #require(try Yams.compose(yaml: text), "docker-compose.yml is empty"))
    }

    /// Service names, sorted.
    var serviceNames: [String] {
        (node["services"]?.mapping?.keys.compactMap(\.string) ?? []).sorted()
    }

    /// One service; fails the test when it is missing.
    func service(_ name: String) throws -> Service {
        Service(name: name, node: try #require(node["services"]?[name], "no service \(name)"))
    }

    /// Top-level `secrets:`: name → file path relative to the repository root.
    var secretFiles: [String: String] {
        var files: [String: String] = [:]
        guard let mapping = node["secrets"]?.mapping else { return files }
        for (key, value) in mapping {
            if let name = key.string, let file = value["file"]?.string { files[name] = file }
        }
        return files
    }

    /// Loads a region set from a folder of the repository.
    static func regions(_ folder: String) throws -> RegionSet {
        try RegionSet.load(directory: root + "/" + folder)
    }

    /// The text of a repository file.
    static func text(_ path: String) throws -> String {
        try String(contentsOfFile: root + "/" + path, encoding: .utf8)
    }
}

/// One service of the compose file.
struct Service {
    let name: String
    let node: Node

    /// `environment:` as a mapping (the list form is not used in our file).
    var environment: [String: String] {
        var values: [String: String] = [:]
        guard let mapping = node["environment"]?.mapping else { return values }
        for (key, value) in mapping {
            if let name = key.string { values[name] = value.string ?? "" }
        }
        return values
    }

    /// A list of scalars (`command`, `ports`, `volumes`, `secrets` in short syntax).
    func list(_ key: String) -> [String] {
        node[key]?.sequence?.compactMap(\.string) ?? []
    }

    /// `ports:` as (host port, container port); `"127.0.0.1:55431:5432"` → (55431, 5432).
    var ports: [(host: Int, container: Int)] {
        list("ports").compactMap { entry in
            let parts = entry.split(separator: ":")
            guard parts.count >= 2, let host = Int(parts[parts.count - 2]), let container = Int(parts[parts.count - 1]) else {
                return nil
            }
            return (host, container)
        }
    }

    /// The container path a host path is mounted at (`./regions/compose:/etc/relay/regions:ro`).
    func mountTarget(of source: String) -> String? {
        list("volumes").compactMap { entry -> String? in
            let parts = entry.split(separator: ":").map(String.init)
            return parts.count >= 2 && parts[0] == source ? parts[1] : nil
        }.first
    }

    /// The `depends_on` condition for `other`, nil when not listed.
    func dependencyCondition(_ other: String) -> String? {
        node["depends_on"]?[other]?["condition"]?.string
    }

    /// `healthcheck.test` as one line.
    var healthCheck: String {
        node["healthcheck"]?["test"]?.sequence?.compactMap(\.string).joined(separator: " ") ?? ""
    }
}
