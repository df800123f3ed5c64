import Testing

@testable import RelayLocal

/// What kill, stop and restart decide to do from what runs in a region: no processes.
struct ProcessControlStepTests {
    func request(_ action: ProcessControlRequest.Action, _ components: [RegionComponent] = RegionComponent.allCases, signal: RegionSignal = .kill)
        -> ProcessControlRequest
    {
        ProcessControlRequest(action: action, region: "us-east-1", components: components, signal: signal)
    }

    @Test func killGoesFromRelayDRToPostgresAndSkipsWhatIsDown() throws {
        let steps = try ProcessControlStep.plan(request(.kill), running: [.postgres, .dr])
        #expect(steps == [.signal(.dr, .kill), .already(.gateway, running: false), .signal(.postgres, .kill)])
    }

    @Test func stopTermsEveryComponentThatRuns() throws {
        let steps = try ProcessControlStep.plan(request(.stop, [.gateway, .postgres]), running: Set(RegionComponent.allCases))
        #expect(steps == [.stop(.gateway), .stop(.postgres)])
    }

    @Test func killWithTermCarriesTheSignal() throws {
        #expect(try ProcessControlStep.plan(request(.kill, [.gateway], signal: .term), running: [.gateway]) == [.signal(.gateway, .term)])
    }

    @Test func restartStartsPostgresFirstAndOnlyWhatIsDown() throws {
        let steps = try ProcessControlStep.plan(request(.restart), running: [.dr])
        #expect(steps == [.start(.postgres), .start(.gateway), .already(.dr, running: true)])
    }

    @Test func restartOfTheGatewayAloneWhilePostgresIsDownIsRefused() {
        #expect(throws: ProcessControlError.databaseDown(region: "us-east-1")) {
            try ProcessControlStep.plan(request(.restart, [.gateway]), running: [.dr])
        }
    }

    @Test func restartOfWhatRunsDoesNothing() throws {
        let steps = try ProcessControlStep.plan(request(.restart, [.gateway]), running: [.gateway])
        #expect(steps == [.already(.gateway, running: true)])
    }

    @Test func componentsParseAllAndRepeatsInStartUpOrder() throws {
        #expect(try RegionComponent.parse([]) == [.postgres, .gateway, .dr])
        #expect(try RegionComponent.parse(["dr", "Gateway", "dr"]) == [.gateway, .dr])
        #expect(try RegionComponent.parse(["all", "dr"]) == [.postgres, .gateway, .dr])
        #expect(throws: ProcessControlError.badComponent("pg")) { try RegionComponent.parse(["pg"]) }
    }

    @Test func signalsParseWithOrWithoutSIGAndAsNumbers() throws {
        #expect(try RegionSignal(parsing: "kill") == .kill)
        #expect(try RegionSignal(parsing: "SIGTERM") == .term)
        #expect(try RegionSignal(parsing: "9") == .kill)
        #expect(throws: ProcessControlError.badSignal("HUP")) { try RegionSignal(parsing: "HUP") }
    }
}
