import Foundation
import Testing

@testable import RelayLocal

#if canImport(Glibc)
import Glibc
#endif

/// The decisions of ``SupervisorWatch``, from made-up looks at a supervisor (no I/O).
struct SupervisorWatchTests {
    typealias Look = SupervisorWatch.Observation

    static func look(started: UInt64 = 1000, state: Character = "S", caught: [Int32], blocked: [Int32] = []) -> Look {
        func mask(_ signals: [Int32]) -> UInt64 { signals.reduce(0) { $0 | 1 << UInt64($1 - 1) } }
        return Look(
            stat: ProcFS.Stat(state: state, parentPID: 1, processGroup: 7, startTime: started),
            masks: SignalMasks(blocked: mask(blocked), ignored: 0, caught: mask(caught)))
    }

    /// GNU make while its recipe runs: it catches INT, TERM, HUP and QUIT and blocks only SIGCHLD.
    static let makeRunning = look(caught: [SIGINT, SIGTERM, SIGHUP, SIGQUIT], blocked: [SIGCHLD])
    /// GNU make after a SIGINT to it alone: handler reset to the default, SIGINT blocked, waiting.
    static let makeHandlingSIGINT = look(caught: [SIGTERM, SIGHUP, SIGQUIT], blocked: [SIGCHLD, SIGINT])

    @Test func aSupervisorThatCarriesOnKeepsUsRunning() {
        var watch = SupervisorWatch(pid: 42)
        for _ in 0..<5 { #expect(watch.observe(Self.makeRunning) == nil) }
    }

    @Test func aSupervisorThatIsGoneStopsUsAtOnce() {
        var watch = SupervisorWatch(pid: 42)
        #expect(watch.observe(Look(stat: nil, masks: nil)) == .gone)
        watch = SupervisorWatch(pid: 42)
        #expect(watch.observe(Self.makeRunning) == nil)
        #expect(watch.observe(Look(stat: nil, masks: nil)) == .gone)
    }

    @Test func aZombieOrAReusedPidCountsAsGone() {
        var watch = SupervisorWatch(pid: 42)
        #expect(watch.observe(Self.makeRunning) == nil)
        #expect(watch.observe(Self.look(state: "Z", caught: [])) == .gone)
        watch = SupervisorWatch(pid: 42)
        #expect(watch.observe(Self.makeRunning) == nil)
        #expect(watch.observe(Self.look(started: 2000, caught: [SIGINT, SIGTERM])) == .gone)
    }

    @Test func makeHandlingASignalStopsUsOnTheSecondLook() {
        var watch = SupervisorWatch(pid: 42)
        #expect(watch.observe(Self.makeRunning) == nil)
        #expect(watch.observe(Self.makeHandlingSIGINT) == nil)
        #expect(watch.observe(Self.makeHandlingSIGINT) == .stopping(signal: SIGINT))

        var term = SupervisorWatch(pid: 42)
        let handlingSIGTERM = Self.look(caught: [SIGINT, SIGHUP, SIGQUIT], blocked: [SIGTERM])
        #expect(term.observe(Self.makeRunning) == nil)
        #expect(term.observe(handlingSIGTERM) == nil)
        #expect(term.observe(handlingSIGTERM) == .stopping(signal: SIGTERM))
    }

    @Test func aHandlerSwappedForOneLookDoesNotStopUs() {
        var watch = SupervisorWatch(pid: 42)
        #expect(watch.observe(Self.makeRunning) == nil)
        #expect(watch.observe(Self.makeHandlingSIGINT) == nil)
        #expect(watch.observe(Self.makeRunning) == nil)
        #expect(watch.observe(Self.makeHandlingSIGINT) == nil)
        #expect(watch.observe(Self.makeRunning) == nil)
    }

    @Test func aSupervisorThatNeverCaughtTheSignalIsNotStoppingWhenItBlocksIt() {
        // signalfd-style supervisors (systemd) block their signals from the start and have no handler.
        let blocking = Self.look(caught: [], blocked: [SIGINT, SIGTERM, SIGHUP])
        var watch = SupervisorWatch(pid: 42)
        for _ in 0..<5 { #expect(watch.observe(blocking) == nil) }
        // Nor is one that catches a signal and merely blocks it for a while.
        let busy = Self.look(caught: [SIGINT, SIGTERM], blocked: [SIGINT, SIGTERM])
        watch = SupervisorWatch(pid: 42)
        #expect(watch.observe(Self.makeRunning) == nil)
        for _ in 0..<5 { #expect(watch.observe(busy) == nil) }
    }

    @Test func signalMasksAreReadFromProcStatus() {
        // Masks of a real make that got SIGINT alone (captured on this machine).
        let text = """
            Name:\tmake
            State:\tS (sleeping)
            SigQ:\t0/31498
            SigPnd:\t0000000000000000
            ShdPnd:\t0000000000000000
            SigBlk:\t0000000000010002
            SigIgn:\t0000000001001000
            SigCgt:\t0000000000814205
            """
        let masks = SignalMasks(status: text)
        #expect(masks == SignalMasks(blocked: 0x10002, ignored: 0x1001000, caught: 0x814205))
        #expect(masks?.blocks(SIGINT) == true && masks?.catches(SIGINT) == false)
        #expect(masks?.catches(SIGTERM) == true && masks?.blocks(SIGTERM) == false)
        #expect(SignalMasks(status: "Name:\tmake\nSigBlk:\tzz\nSigIgn:\t0\nSigCgt:\t0") == nil)
        #expect(SignalMasks(status: "Name:\tmake\n") == nil)
        // And this process's own masks are readable.
        #expect(SignalMasks.of(getpid()) != nil)
    }

    @Test func theSupervisorIsNamedByRELAY_PARENT_PID() {
        #expect(SupervisorWatch.supervisorPID(in: ["RELAY_PARENT_PID": "4242"]) == 4242)
        #expect(SupervisorWatch.supervisorPID(in: ["RELAY_PARENT_PID": "1"]) == nil)
        #expect(SupervisorWatch.supervisorPID(in: ["RELAY_PARENT_PID": "make"]) == nil)
        #expect(SupervisorWatch.supervisorPID(in: [:]) == nil)
    }
}
