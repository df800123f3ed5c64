import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The processes of a running `relay-local up --regions`, by region, and the carrying out of
/// `relay-local kill|restart|stop` on them. The run keeps owning its children: it reaps them,
/// rewrites the env file with their pids after each request, and its teardown stops whatever
/// ``regions`` holds at the end, restarted processes included.
actor RegionSupervisor {
    /// Every region's processes, latest first start or restart.
    private(set) var regions: [RegionProcesses]
    private let plan: LocalRegionsPlan
    private let envFile: String?
    private let stop: StopSignal
    private let logger: Logger

    /// How long a killed gateway or relay-dr may take to exit.
    static let exitTimeout: Duration = .seconds(15)

    init(regions: [RegionProcesses], plan: LocalRegionsPlan, envFile: String?, stop: StopSignal, logger: Logger) {
        self.regions = regions
        self.plan = plan
        self.envFile = envFile
        self.stop = stop
        self.logger = logger
    }

    /// Writes `--env-file` (when asked for) with the pids of what runs now (0 for what does not).
    func writeEnvironmentFile() throws(LocalRunError) {
        guard let envFile else { return }
        let pids = Dictionary(uniqueKeysWithValues: regions.map { ($0.id, $0.pids) })
        do {
            try plan.environmentFile(pids: pids).write(toFile: envFile, atomically: true, encoding: .utf8)
        } catch { throw .cannotWrite(envFile) }
    }

    /// Carries out `request`: the steps of ``ProcessControlStep/plan(_:running:)`` in order, one
    /// line each. A restart stops at the first step that fails (what follows needs it); a kill
    /// or stop goes on with the others.
    func handle(_ request: ProcessControlRequest) async -> ProcessControlReply {
        guard !stop.isRaised else { return ProcessControlReply(ok: false, lines: ["relay-local up is stopping"]) }
        guard let index = regions.firstIndex(where: { $0.id == request.region }) else {
            let error = ProcessControlError.unknownRegion(request.region, known: regions.map(\.id))
            return ProcessControlReply(ok: false, lines: [error.description])
        }
        let steps: [ProcessControlStep]
        do { steps = try ProcessControlStep.plan(request, running: regions[index].running) } catch {
            return ProcessControlReply(ok: false, lines: [error.description])
        }
        logger.notice("\(request.action.rawValue) \(request.region): \(request.components.map(\.rawValue).joined(separator: ", "))")
        var lines: [String] = []
        var ok = true
        for step in steps {
            do {
                lines.append(try await perform(step, in: index))
            } catch {
                ok = false
                lines.append("\(request.region) \(step.component.rawValue): failed: \(error)")
                if request.action == .restart { break }
            }
        }
        do { try writeEnvironmentFile() } catch {
            ok = false
            lines.append("\(error)")
        }
        for line in lines { logger.notice("\(line)") }
        return ProcessControlReply(ok: ok, lines: lines)
    }

    /// Performs one step; returns its line for the reply.
    private func perform(_ step: ProcessControlStep, in index: Int) async throws -> String {
        let region = regions[index]
        let name = "\(region.id) \(step.component.rawValue)"
        switch step {
        case .already(let component, let running):
            return running ? "\(name): already running (pid \(region.pid(of: component) ?? 0))" : "\(name): not running"
        case .signal(.postgres, .kill):
            let pid = region.pid(of: .postgres) ?? 0
            let cluster = region.cluster
            try await offCooperativePool { try cluster.kill9() }
            return "\(name): killed (SIGKILL, postmaster pid \(pid) and its server processes)"
        case .signal(.postgres, .term), .stop(.postgres):
            let pid = region.pid(of: .postgres) ?? 0
            try await region.cluster.stop(removeDirectory: false)
            return "\(name): stopped (pg_ctl stop -m fast, postmaster pid \(pid))"
        case .signal(let component, let signal):
            guard let process = process(component, in: index) else { return "\(name): not running" }
            let pid = process.processIdentifier
            kill(pid, signal.number)
            guard await process.waitForExit(timeout: Self.exitTimeout) else {
                throw ProcessControlError.failed([
                    "pid \(pid) still running \(Self.exitTimeout.components.seconds) s after SIG\(signal.rawValue); use --signal KILL"
                ])
            }
            return "\(name): killed (SIG\(signal.rawValue), pid \(pid))"
        case .stop(let component):
            guard let process = process(component, in: index) else { return "\(name): not running" }
            await LocalProcess.stop(process)
            return "\(name): stopped (pid \(process.processIdentifier))"
        case .start(.postgres):
            try await region.cluster.restart()
            return "\(name): started (postmaster pid \(region.cluster.postmasterPID ?? 0), port \(region.cluster.port))"
        case .start(let component):
            guard let spec = region.spec(of: component) else { return "\(name): nothing to start" }
            let process = try LocalProcess.launch(spec, appendingToLog: true)
            // Recorded before the wait, so that teardown stops it even if it never answers.
            if component == .gateway { regions[index].gateway = process } else { regions[index].dr = process }
            try await LocalProcess.waitForHealth(spec.healthURL, process: process, log: spec.log, stop: stop)
            return "\(name): started (pid \(process.processIdentifier)), \(spec.healthURL) answers"
        }
    }

    private func process(_ component: RegionComponent, in index: Int) -> Process? {
        let process = component == .gateway ? regions[index].gateway : regions[index].dr
        return process.flatMap { $0.isRunning ? $0 : nil }
    }
}
