import Foundation
import Logging
import RelayTestSupport
import Testing

@testable import RelayLocal

#if canImport(Glibc)
import Glibc
#endif

struct PostgresClusterTests {
    private static let logger: Logger = {
        var logger = Logger(label: "relay-local-tests")
        logger.logLevel = .warning
        return logger
    }()

    // MARK: Helpers

    /// Starts a cluster (under `root` if given), runs `body`, and stops it and deletes its
    /// directory whether or not `body` throws.
    private func withCluster<T>(
        _ options: PostgresClusterOptions = .init(name: "test"), root: String? = nil,
        _ body: (PostgresCluster) async throws -> T
    ) async throws -> T {
        let cluster =
            if let root {
                try await PostgresCluster.start(options, logger: Self.logger, root: root)
            } else {
                try await PostgresCluster.start(options, logger: Self.logger)
            }
        let result: T
        do {
            result = try await body(cluster)
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
        return result
    }

    /// A private directory to hold clusters, so reaping counts are exact even while other
    /// tests run; readable by the server account. Named so that it is never reaped itself.
    private func withPrivateRoot<T>(_ body: (String) async throws -> T) async throws -> T {
        try await TemporaryDirectory.with(prefix: "relay-harness-test-") { root in
            chmod(root.path, 0o755)
            return try await body(root.path)
        }
    }

    /// The pid of a process that has exited and been reaped.
    private func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    /// Runs `body` with a TCP port on 127.0.0.1 held by a listening socket.
    private func withTakenPort<T>(_ body: (Int) async throws -> T) async throws -> T {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        try #require(ok)
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    // MARK: Tests

    @Test func aStartedClusterRunsSQLAndCreatesDatabasesAndRoles() async throws {
        try await withCluster { cluster in
            #expect(cluster.host == "127.0.0.1")
            #expect(cluster.superuser == "postgres")
            #expect(cluster.directory.hasPrefix(ClusterLayout.defaultRoot() + "/relay-pg-test-"))
            #expect(try await cluster.psql("SELECT 1 + 1") == "2")
            #expect(try await cluster.psql("SELECT 'a', 1 UNION ALL SELECT 'b', 2 ORDER BY 1") == "a|1\nb|2")
            #expect(try await cluster.psql("SHOW port") == "\(cluster.port)")
            #expect(try await cluster.psql("SHOW fsync") == "on")
            #expect(try await cluster.psql("SHOW max_connections") == "200")
            #expect(try await cluster.psql("SHOW server_version").hasPrefix("15."))

            try await cluster.createRole("app user", password: "it's secret", login: true, superuser: false)
            try await cluster.createRole("admin", password: nil, login: false, superuser: true)
            #expect(
                try await cluster.psql(
                    "SELECT rolname, rolcanlogin, rolsuper, rolpassword IS NOT NULL FROM pg_authid WHERE rolname IN ('app user', 'admin') ORDER BY 1"
                ) == "admin|f|t|f\napp user|t|f|t")

            try await cluster.createDatabase("App DB", owner: "app user")
            #expect(try await cluster.psql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'App DB'") == "app user")
            _ = try await cluster.psql("CREATE TABLE t (v text); INSERT INTO t VALUES ('x')", database: "App DB")
            #expect(try await cluster.psql("SELECT v FROM t", database: "App DB") == "x")
            try await cluster.dropDatabase("App DB")
            try await cluster.dropDatabase("App DB")  // absent: no error
            #expect(try await cluster.psql("SELECT count(*) FROM pg_database WHERE datname = 'App DB'") == "0")
        }
    }

    @Test func failedSQLThrowsWithPsqlsErrorMessage() async throws {
        try await withCluster { cluster in
            let error = await #expect(throws: PostgresClusterError.self) {
                try await cluster.psql("SELECT 1; SELECT * FROM no_such_table; SELECT 2")
            }
            let text = try #require(error).description
            #expect(text.contains("relation \"no_such_table\" does not exist"))
            #expect(text.contains("database \"postgres\""))
            await #expect(throws: PostgresClusterError.self) { try await cluster.createDatabase("postgres") }
        }
    }

    @Test func stoppingDeletesTheDirectoryAndCanBeRepeated() async throws {
        let cluster = try await PostgresCluster.start(.init(name: "stop"), logger: Self.logger)
        let pid: Int32
        do {
            #expect(isDirectory(cluster.directory))
            #expect(FileManager.default.fileExists(atPath: cluster.directory + "/owner.pid"))
            pid = try #require(Postmaster.runningPID(cluster.layout))
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
        #expect(!FileManager.default.fileExists(atPath: cluster.directory))
        #expect(!ProcFS.isAlive(pid))
        try await cluster.stop()
        await #expect(throws: PostgresClusterError.self) { try await cluster.psql("SELECT 1") }
        await #expect(throws: PostgresClusterError.self) { try await cluster.restart() }
    }

    @Test func committedDataSurvivesKill9AndRestart() async throws {
        try await withCluster(.init(name: "crash")) { cluster in
            _ = try await cluster.psql(
                "CREATE TABLE ledger (id int PRIMARY KEY, note text); INSERT INTO ledger SELECT g, 'row ' || g FROM generate_series(1, 1000) g")
            let pid = try #require(Postmaster.runningPID(cluster.layout))
            let children = ProcFS.liveChildren(of: pid)
            #expect(!children.isEmpty)

            try cluster.kill9()
            #expect(!ProcFS.isAlive(pid))
            #expect(children.allSatisfy { !ProcFS.isAlive($0) })
            #expect(isDirectory(cluster.directory + "/data"))
            await #expect(throws: PostgresClusterError.self) { try await cluster.psql("SELECT 1") }
            #expect(throws: PostgresClusterError.self) { try cluster.kill9() }

            try await cluster.restart()
            #expect(try await cluster.psql("SELECT count(*), max(note) FROM ledger") == "1000|row 999")
            #expect(try await cluster.psql("SHOW port") == "\(cluster.port)")
            #expect(try await cluster.psql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'") == "1")
        }
    }

    @Test func aClusterStoppedWithoutDeletingRestartsWithItsData() async throws {
        try await withCluster(.init(name: "pause")) { cluster in
            _ = try await cluster.psql("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)")
            try await cluster.stop(removeDirectory: false)
            #expect(Postmaster.runningPID(cluster.layout) == nil)
            #expect(isDirectory(cluster.directory + "/data"))
            try await cluster.restart()
            #expect(try await cluster.psql("SELECT v FROM kept") == "42")
            try await cluster.restart()  // a running server is restarted too
            #expect(try await cluster.psql("SELECT v FROM kept") == "42")
        }
    }

    @Test func aLeftoverWhoseOwnerHasDiedIsStoppedAndDeleted() async throws {
        try await withPrivateRoot { root in
            try await withCluster(.init(name: "orphan"), root: root) { cluster in
                let pid = try #require(Postmaster.runningPID(cluster.layout))
                try OwnerMarker(pid: try deadProcessID(), startTime: 12345).write(in: cluster.directory)

                #expect(PostgresCluster.reapLeftovers(in: root, logger: Self.logger) == 1)
                #expect(!FileManager.default.fileExists(atPath: cluster.directory))
                #expect(!ProcFS.isAlive(pid))
                #expect(PostgresCluster.reapLeftovers(in: root, logger: Self.logger) == 0)
            }
        }
    }

    @Test func aLeftoverWhoseOwnerPidWasRecycledIsReaped() async throws {
        try await withPrivateRoot { root in
            try await withCluster(.init(name: "recycled"), root: root) { cluster in
                let pid = try #require(Postmaster.runningPID(cluster.layout))
                // Our own (live) pid, but with another start time: a recycled pid.
                let me = OwnerMarker.current
                try OwnerMarker(pid: me.pid, startTime: me.startTime + 1).write(in: cluster.directory)

                #expect(PostgresCluster.reapLeftovers(in: root, logger: Self.logger) == 1)
                #expect(!FileManager.default.fileExists(atPath: cluster.directory))
                #expect(!ProcFS.isAlive(pid))
            }
        }
    }

    @Test func reapingLeavesClustersOfLiveProcessesAlone() async throws {
        try await withPrivateRoot { root in
            try await withCluster(.init(name: "alive"), root: root) { cluster in
                #expect(OwnerMarker.read(in: cluster.directory) == OwnerMarker.current)
                #expect(PostgresCluster.reapLeftovers(in: root, logger: Self.logger) == 0)
                #expect(isDirectory(cluster.directory))
                let answer = try await cluster.psql("SELECT 1")
                #expect(answer == "1")
            }
        }
        // The public entry point, over the real temporary directory.
        try await withCluster(.init(name: "alive")) { cluster in
            _ = PostgresCluster.reapLeftovers(logger: Self.logger)
            #expect(isDirectory(cluster.directory))
            let answer = try await cluster.psql("SELECT 1")
            #expect(answer == "1")
        }
    }

    @Test func reapingNeverTouchesDirectoriesWithoutTheMarker() async throws {
        try await withPrivateRoot { root in
            let foreign = root + "/relay-pg-foreign-abc123"
            try FileManager.default.createDirectory(atPath: foreign + "/data", withIntermediateDirectories: true)
            try "12345\n".write(toFile: foreign + "/data/postmaster.pid", atomically: true, encoding: .utf8)
            let malformed = root + "/relay-pg-malformed-abc123"
            try FileManager.default.createDirectory(atPath: malformed, withIntermediateDirectories: true)
            try "not a marker".write(toFile: malformed + "/owner.pid", atomically: true, encoding: .utf8)
            let otherName = root + "/other-dir"
            try FileManager.default.createDirectory(atPath: otherName, withIntermediateDirectories: true)
            try OwnerMarker(pid: try deadProcessID(), startTime: 1).write(in: otherName)

            #expect(PostgresCluster.reapLeftovers(in: root, logger: Self.logger) == 0)
            #expect(isDirectory(foreign) && isDirectory(malformed) && isDirectory(otherName))
        }
    }

    @Test func twoClustersRunAtOnceOnDifferentPorts() async throws {
        try await withCluster(.init(name: "first")) { first in
            let extra = ["fsync": "off", "work_mem": "8MB", "cluster_name": "it's \"second\"", "port": "1"]
            try await withCluster(.init(name: "second", extraSettings: extra)) { second in
                #expect(first.port != second.port)
                #expect(first.directory != second.directory)
                #expect(try await first.psql("SHOW port") == "\(first.port)")
                #expect(try await second.psql("SHOW port") == "\(second.port)")
                #expect(try await first.psql("SHOW fsync") == "on")
                #expect(try await second.psql("SHOW fsync") == "off")
                #expect(try await second.psql("SHOW work_mem") == "8MB")
                #expect(try await second.psql("SHOW cluster_name") == "it's \"second\"")
                _ = try await first.psql("CREATE TABLE only_in_first (x int)")
                #expect(try await second.psql("SELECT to_regclass('only_in_first') IS NULL") == "t")
            }
        }
    }

    @Test func aTakenExplicitPortFailsCleanly() async throws {
        try await withTakenPort { port in
            try await withPrivateRoot { root in
                let error = await #expect(throws: PostgresClusterError.self) {
                    let cluster = try await PostgresCluster.start(.init(name: "taken", port: port), logger: Self.logger, root: root)
                    try? await cluster.stop()
                }
                let text = try #require(error).description
                #expect(text.contains("Address already in use"))
                #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
            }
        }
    }

    @Test func aPortTakenAtStartIsToldApartFromOtherFailures() async throws {
        try await withCluster(.init(name: "race")) { cluster in
            try await cluster.stop(removeDirectory: false)
            try await withTakenPort { port in
                guard case .portInUse(let log) = await cluster.control.start(port: port) else {
                    Issue.record("expected .portInUse")
                    return
                }
                #expect(log.contains("Address already in use"))
            }
            #expect(Postmaster.runningPID(cluster.layout) == nil)
            try await cluster.restart()
            #expect(try await cluster.psql("SELECT 1") == "1")
        }
    }

    @Test func invalidSettingNamesAreRejected() async throws {
        await #expect(throws: PostgresClusterError.self) {
            let cluster = try await PostgresCluster.start(.init(name: "bad", extraSettings: ["fsync=off -c x": "1"]), logger: Self.logger)
            try? await cluster.stop()
        }
    }

    @Test func theSharedClusterHandsOutDistinctFreshDatabasesConcurrently() async throws {
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<6 { group.addTask { try await SharedCluster.shared.freshDatabase(prefix: "Shared-\(i % 2)") } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(names).count == 6)
        #expect(names.allSatisfy { $0.hasPrefix("shared_0_") || $0.hasPrefix("shared_1_") })
        let cluster = try await SharedCluster.shared.cluster()
        #expect(try await SharedCluster.shared.cluster() === cluster)
        let list = names.map { "'\($0)'" }.joined(separator: ",")
        #expect(try await cluster.psql("SELECT count(*) FROM pg_database WHERE datname IN (\(list))") == "6")
        // No DROP DATABASE here: it checkpoints while holding a transaction id, and on a loaded
        // machine that held every other test's chainer back for 30 s. The cluster goes at exit.
    }

    @Test func clusterLabelsAndDatabaseNamesAreSanitized() {
        #expect(ClusterLayout.sanitizedLabel("my test/../x y") == "my-test----x-y")
        #expect(ClusterLayout.sanitizedLabel("") == "cluster")
        #expect(ClusterLayout.sanitizedLabel(String(repeating: "a", count: 100)).count == 40)
        let name = SharedCluster.databaseName(prefix: "9 Lives!", counter: 3)
        #expect(name.hasPrefix("db_9_lives__3_"))
        #expect(OwnerMarker(text: "123 456\n") == OwnerMarker(pid: 123, startTime: 456))
        #expect(OwnerMarker(text: "123") == nil)
        #expect(OwnerMarker(text: "-1 5") == nil)
    }
}
