import Foundation

/// One child process of a local run, worked out before it starts: what runs, with which
/// arguments and environment, where its output goes and where it answers health checks.
public struct ChildProcessSpec: Equatable, Sendable {
    /// Absolute path of the executable.
    public var executable: String
    /// Its arguments.
    public var arguments: [String]
    /// Variables added to (or replacing) the inherited environment.
    public var environment: [String: String]
    /// The file that receives standard output and standard error.
    public var log: URL
    /// `GET` on this URL answers 200 once the process is ready.
    public var healthURL: String

    /// Creates a spec.
    public init(executable: String, arguments: [String], environment: [String: String], log: URL, healthURL: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.log = log
        self.healthURL = healthURL
    }

    /// This spec with `variables` added to its environment.
    public func adding(_ variables: [String: String]) -> ChildProcessSpec {
        var copy = self
        copy.environment.merge(variables) { _, new in new }
        return copy
    }
}
