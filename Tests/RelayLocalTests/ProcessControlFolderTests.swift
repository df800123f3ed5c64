import Foundation
import Logging
import Testing

@testable import RelayLocal

/// The control folder between `relay-local kill|restart|stop` and the running up, with a
/// handler standing in for the up: no processes.
struct ProcessControlFolderTests {
    /// A fresh state folder under a temporary directory.
    func withState(_ body: (LocalStateFolder) async throws -> Void) async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("relay-control-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try await body(LocalStateFolder(root.path))
    }

    @Test func aRequestIsAnsweredByTheRunThatHoldsTheFolder() async throws {
        try await withState { state in
            let folder = ProcessControlFolder(state: state)
            let lease = try folder.acquire()
            defer { lease.release() }
            let server = Task {
                await ProcessControlServer(folder: folder, handle: { request in
                    ProcessControlReply(ok: true, lines: ["\(request.action.rawValue) \(request.region) \(request.components.map(\.rawValue))"])
                }, logger: Logger(label: "test"), pollInterval: .milliseconds(20)).run()
            }
            defer { server.cancel() }
            let lines = try await ProcessControlClient(state: state).send(
                ProcessControlRequest(action: .restart, region: "eu-west-1", components: [.gateway]), timeout: .seconds(10))
            #expect(lines == ["restart eu-west-1 [\"gateway\"]"])
        }
    }

    @Test func aRefusalComesBackAsAnErrorWithTheRunsWords() async throws {
        try await withState { state in
            let folder = ProcessControlFolder(state: state)
            let lease = try folder.acquire()
            defer { lease.release() }
            let server = Task {
                await ProcessControlServer(folder: folder, handle: { _ in
                    ProcessControlReply(ok: false, lines: ["unknown region 'mars'; this run has: eu-west-1"])
                }, logger: Logger(label: "test"), pollInterval: .milliseconds(20)).run()
            }
            defer { server.cancel() }
            await #expect(throws: ProcessControlError.failed(["unknown region 'mars'; this run has: eu-west-1"])) {
                try await ProcessControlClient(state: state).send(ProcessControlRequest(action: .kill, region: "mars"), timeout: .seconds(10))
            }
        }
    }

    @Test func withoutARunningUpTheCommandFailsAtOnce() async throws {
        try await withState { state in
            await #expect(throws: ProcessControlError.noRunningUp(stateDirectory: state.root.path)) {
                try await ProcessControlClient(state: state).send(ProcessControlRequest(action: .kill, region: "eu-west-1"))
            }
            // A lock file left by a run that was killed is held by nobody: still no run.
            let folder = ProcessControlFolder(state: state)
            try FileManager.default.createDirectory(at: folder.root, withIntermediateDirectories: true)
            try Data("12345\n".utf8).write(to: folder.lockFile)
            #expect(!folder.isServed)
        }
    }

    @Test func aSecondRunOnTheSameStateFolderIsRefused() async throws {
        try await withState { state in
            let lease = try ProcessControlFolder(state: state).acquire()
            #expect(throws: LocalRunError.self) { _ = try ProcessControlFolder(state: state).acquire() }
            lease.release()
            #expect(!FileManager.default.fileExists(atPath: ProcessControlFolder(state: state).root.path))
            try ProcessControlFolder(state: state).acquire().release()
        }
    }

    @Test func aRunThatEndsBeforeAnsweringIsReported() async throws {
        try await withState { state in
            let lease = try ProcessControlFolder(state: state).acquire()
            let ending = Task {
                try await Task.sleep(for: .milliseconds(300))
                lease.release()
            }
            // A long timeout: the run's end must be what answers, however busy the machine is.
            await #expect(throws: ProcessControlError.upEnded(stateDirectory: state.root.path)) {
                try await ProcessControlClient(state: state).send(ProcessControlRequest(action: .stop, region: "eu-west-1"), timeout: .seconds(300))
            }
            try await ending.value
        }
    }
}
