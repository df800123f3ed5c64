import Foundation
import RelayCore
import RelaySystem
import Testing

/// The optional `hooks:` of a region file: what loads, and every way it can be wrong as
/// `file:line: reason`. The hooks start at line 24, after `RegionFixtures.yaml()`.
struct RegionFileHooksTests {
    private func load(_ hooks: String) throws -> Region {
        try RegionFixtures.withDirectory(["us-east-1.yaml": RegionFixtures.yaml() + hooks]) { directory in
            try #require(try RegionSet.load(directory: directory).region("us-east-1"))
        }
    }

    private func error(_ hooks: String) throws -> ConfigFileError? {
        try RegionFixtures.fileError(RegionFixtures.yaml() + hooks)
    }

    @Test func aRegionWithoutHooksHasNone() throws {
        let region = try load("")
        #expect(region.hooks == RegionHooks())
        #expect(region.hooks.isEmpty)
    }

    @Test func bothHooksLoadWithTheirCommandsAndTimeouts() throws {
        let region = try load(
            """
            hooks:
              pre_promote:
                command: "/opt/relay/check-capacity.sh --min 2"
                timeout_seconds: 120
              on_route_change:
                command: echo "$RELAY_FROM -> $RELAY_TO" >> /var/log/relay-routes.log

            """)
        #expect(region.hooks.prePromote == RegionHook(command: "/opt/relay/check-capacity.sh --min 2", timeout: .seconds(120)))
        #expect(region.hooks.onRouteChange?.command == #"echo "$RELAY_FROM -> $RELAY_TO" >> /var/log/relay-routes.log"#)
        #expect(region.hooks.onRouteChange?.timeout == .seconds(30))
    }

    @Test func oneHookAloneLoadsAndTheTimeoutLimitsAreAccepted() throws {
        let low = try load("hooks:\n  pre_promote:\n    command: \"true\"\n    timeout_seconds: 1\n")
        #expect(low.hooks.prePromote?.timeout == .seconds(1))
        #expect(low.hooks.onRouteChange == nil)
        let high = try load("hooks:\n  on_route_change:\n    command: \"true\"\n    timeout_seconds: 3600\n")
        #expect(high.hooks.onRouteChange?.timeout == .seconds(3600))
        #expect(high.hooks.prePromote == nil)
    }

    @Test func anUnknownHookOrHookKeyIsRejectedWithItsLine() throws {
        let hook = try #require(try error("hooks:\n  post_promote:\n    command: x\n"))
        #expect(hook.file == "us-east-1.yaml")
        #expect(hook.line == 25)
        #expect(hook.reason.hasPrefix("unknown key 'post_promote' in hooks (expected one of: pre_promote, on_route_change)"))
        let key = try #require(try error("hooks:\n  pre_promote:\n    command: x\n    timeout_second: 5\n"))
        #expect(key.line == 27)
        #expect(key.reason.hasPrefix("unknown key 'timeout_second' in hooks.pre_promote (expected one of: command, timeout_seconds)"))
        #expect(key.reason.hasSuffix("did you mean 'timeout_seconds'?"))
    }

    @Test func aHookNeedsANonEmptyCommandString() throws {
        let missing = try #require(try error("hooks:\n  pre_promote:\n    timeout_seconds: 5\n"))
        #expect(missing.line == 26)
        #expect(missing.reason == "missing required key 'command' in hooks.pre_promote")
        let empty = try #require(try error("hooks:\n  pre_promote:\n    command: \"  \"\n"))
        #expect(empty.line == 26)
        #expect(empty.reason == "hooks.pre_promote.command: must not be empty (remove the hook to run nothing)")
        let list = try #require(try error("hooks:\n  on_route_change:\n    command: [echo, hi]\n"))
        #expect(list.reason == "hooks.on_route_change.command: expected a shell command, got a list")
    }

    @Test(arguments: [
        ("0", "hooks.pre_promote.timeout_seconds: must be in 1...3600, got 0"),
        ("3601", "hooks.pre_promote.timeout_seconds: must be in 1...3600, got 3601"),
        ("2.5", "hooks.pre_promote.timeout_seconds: expected a whole number, got number 2.5"),
        ("\"30\"", "hooks.pre_promote.timeout_seconds: expected a number, got string '30'"),
    ])
    func aTimeoutOutside1To3600SecondsIsRejected(timeout: String, reason: String) throws {
        let error = try #require(try error("hooks:\n  pre_promote:\n    command: x\n    timeout_seconds: \(timeout)\n"))
        #expect(error.line == 27)
        #expect(error.reason == reason)
    }

    @Test func hooksAndEachHookMustBeMappings() throws {
        let hooks = try #require(try error("hooks: /bin/true\n"))
        #expect(hooks.line == 24)
        #expect(hooks.reason.hasPrefix("hooks: expected a mapping"))
        let hook = try #require(try error("hooks:\n  pre_promote: /bin/true\n"))
        #expect(hook.line == 25)
        #expect(hook.reason.hasPrefix("hooks.pre_promote: expected a mapping"))
    }
}
