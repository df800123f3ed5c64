import Yams

/// The optional `hooks:` mapping of a region file.
extension RegionFileParser {
    static let hookNames = ["pre_promote", "on_route_change"]
    static let hookKeys = ["command", "timeout_seconds"]

    func parseHooks(_ node: Node) throws(ConfigFileError) -> RegionHooks {
        let entries = try reader.mapping(node, path: "hooks")
        try reader.rejectUnknownKeys(entries, allowed: Self.hookNames, place: "in hooks")
        let prePromote = try entries.value("pre_promote").map { node throws(ConfigFileError) in
            try parseHook(node, path: "hooks.pre_promote")
        }
        let onRouteChange = try entries.value("on_route_change").map { node throws(ConfigFileError) in
            try parseHook(node, path: "hooks.on_route_change")
        }
        return RegionHooks(prePromote: prePromote, onRouteChange: onRouteChange)
    }

    private func parseHook(_ node: Node, path: String) throws(ConfigFileError) -> RegionHook {
        let entries = try reader.mapping(node, path: path)
        let place = "in \(path)"
        try reader.rejectUnknownKeys(entries, allowed: Self.hookKeys, place: place)
        let commandNode = try reader.required(entries, "command", place: place)
        let command = try reader.string(commandNode, path: "\(path).command", expected: "a shell command")
        guard !command.allSatisfy(\.isWhitespace) else {
            throw reader.error(commandNode, "\(path).command: must not be empty (remove the hook to run nothing)")
        }
        let seconds = try entries.value("timeout_seconds").map { node throws(ConfigFileError) in
            try reader.integer(node, path: "\(path).timeout_seconds", range: RegionHook.timeoutRange)
        }
        return RegionHook(command: command, timeout: .seconds(seconds ?? RegionHook.defaultTimeoutSeconds))
    }
}
