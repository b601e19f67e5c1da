import BatonWorkflow
@testable import BatonWorkflowSQLite
import Foundation
import Testing

@Suite("SQLiteWorkflowStore (real files)")
struct SQLiteWorkflowStoreTests {
    @Test("data survives closing and reopening the file; the schema is versioned")
    func reopen() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/baton.sqlite"
            let (machine, event) = WorkflowStoreContractTests.newInstance("w1")
            do {
                let store = try SQLiteWorkflowStore(path: path)
                _ = try await store.create(machine.snapshot, events: [event], owner: "me", leaseUntil: WorkflowStoreContractTests.forever)
                try store.close()
            }
            let reopened = try SQLiteWorkflowStore(path: path)
            defer { try? reopened.close() }
            #expect(try await reopened.snapshot(id: "w1") == machine.snapshot)
            #expect(try await reopened.history(id: "w1") == [event])
            #expect(try await reopened.integrityCheck() == "ok")
            let pragmas = try shell("sqlite3", path, "PRAGMA user_version; PRAGMA application_id; PRAGMA journal_mode;")
            #expect(pragmas.split(separator: "\n") == ["3", "\(0x4261_746E)", "wal"])
        }
    }

    @Test("a version 1 file is upgraded in place to the latest schema: workflows, histories and commits carry on")
    func upgradeFromVersion1() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/baton.sqlite"
            var (machine, created) = WorkflowStoreContractTests.newInstance("w1", correlation: "c1")
            let (_, started) = try WorkflowStoreContractTests.advance(&machine, .started)
            let (other, _) = WorkflowStoreContractTests.newInstance("w0")
            // Version 1's schema, filled the way version 1 wrote it (rows keyed by workflow id).
            func hex(_ data: Data) -> String { "X'" + data.map { String(format: "%02X", $0) }.joined() + "'" }
            let s = machine.snapshot
            var sql = SQLiteSchema.migrations[0] + "PRAGMA application_id = \(0x4261_746E); PRAGMA user_version = 1;"
            for (snapshot, events) in [(s, [created, started]), (other.snapshot, [])] {
                let write = try EncodedWorkflowWrite.create(snapshot, events: events, owner: "me", leaseUntil: WorkflowStoreContractTests.forever)
                guard case .create(_, let json, let encoded, _, _) = write else {
                    Issue.record("not a create")
                    return
                }
                sql += """
                    INSERT INTO workflows (id, type, definition_version, status, correlation_id, finished, version, owner, lease_until,
                                           created_at, updated_at, snapshot)
                    VALUES ('\(snapshot.id)', '\(snapshot.type)', 1, '\(snapshot.status.rawValue)', \(snapshot.correlationID.map { "'\($0)'" } ?? "NULL"), 0,
                            \(snapshot.version), 'me', NULL, \(snapshot.createdAt.nanosecondsSinceEpoch), 0, \(hex(json)));
                    """
                for e in encoded {
                    sql += "INSERT INTO workflow_events VALUES ('\(snapshot.id)', \(e.event.sequence), 0, '\(e.event.name)', \(hex(e.body)));"
                }
            }
            _ = try shell("sqlite3", path, sql)
            #expect(try shell("sqlite3", path, "PRAGMA user_version;") == "1")

            let store = try SQLiteWorkflowStore(path: path)
            defer { try? store.close() }
            #expect(try shell("sqlite3", path, "PRAGMA user_version;") == "\(SQLiteSchema.latestVersion)")
            #expect(try await store.snapshot(id: "w1") == s)
            #expect(try await store.history(id: "w1") == [created, started])
            #expect(try await store.history(id: "w0") == [])
            #expect(try await store.list(WorkflowQuery(correlationID: "c1")).map(\.id) == ["w1"])
            let (commit, running) = try WorkflowStoreContractTests.advance(&machine, .stepStarted(step: "a", attempt: 1))
            try await store.commit(commit)
            #expect(try await store.history(id: "w1") == [created, started, running])
            #expect(try await store.integrityCheck() == "ok")
        }
    }

    @Test("the write-ahead log is copied back into the database file in the background, not by commits", arguments: [true, false])
    func backgroundCheckpoints(reachesThreshold: Bool) async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/baton.sqlite"
            let store = try SQLiteWorkflowStore(
                path: path,
                configuration: .defaults {
                    $0.checkpointInterval = .milliseconds(10)
                    $0.checkpointAfterWrites = reachesThreshold ? 1 : 1_000_000
                }
            )
            defer { try? store.close() }
            for i in 0..<50 {
                let (machine, created) = WorkflowStoreContractTests.newInstance("w\(i)")
                _ = try await store.create(machine.snapshot, events: [created], owner: "me", leaseUntil: WorkflowStoreContractTests.forever)
            }
            // The database file alone, without the log: what checkpoints have copied so far
            // (until the first, not even the schema).
            func rowsInFile() throws -> Int {
                let file = "file:\(path)?immutable=1"
                guard try shell("sqlite3", file, "SELECT count(*) FROM sqlite_master WHERE name = 'workflows'") == "1" else { return 0 }
                return Int(try shell("sqlite3", file, "SELECT count(*) FROM workflows")) ?? -1
            }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(reachesThreshold ? 10 : 1))
            while try rowsInFile() != 50, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(try rowsInFile() == (reachesThreshold ? 50 : 0))
            #expect(try await store.list(WorkflowQuery(limit: 100)).count == 50)
        }
    }

    @Test("a file that is not SQLite is refused and left untouched")
    func foreignFile() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/notes.txt"
            let content = Data(String(repeating: "not a database\n", count: 100).utf8)
            try content.write(to: URL(fileURLWithPath: path))
            #expect { try SQLiteWorkflowStore(path: path) } throws: { ($0 as? WorkflowError)?.code == .incompatibleStore }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
        }
    }

    @Test("another application's SQLite database is refused and left untouched")
    func foreignDatabase() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/other.sqlite"
            _ = try shell("sqlite3", path, "CREATE TABLE invoices(id INTEGER PRIMARY KEY); INSERT INTO invoices VALUES (7);")
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect { try SQLiteWorkflowStore(path: path) } throws: { ($0 as? WorkflowError)?.code == .incompatibleStore }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test("a store with a newer schema version is refused")
    func newerSchema() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/baton.sqlite"
            try SQLiteWorkflowStore(path: path).close()
            _ = try shell("sqlite3", path, "PRAGMA user_version = 99;")
            #expect { try SQLiteWorkflowStore(path: path) } throws: { error in
                (error as? WorkflowError)?.code == .incompatibleStore && "\(error)".contains("99")
            }
        }
    }

    @Test("a corrupt file is refused")
    func corruptFile() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/baton.sqlite"
            // A valid header followed by garbage.
            var bytes = Data("SQLite format 3\0".utf8)
            bytes.append(Data(repeating: 0xA5, count: 4096))
            try bytes.write(to: URL(fileURLWithPath: path))
            #expect { try SQLiteWorkflowStore(path: path) } throws: { ($0 as? WorkflowError)?.code == .incompatibleStore }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        }
    }

    /// A store updates a row it wrote itself by its key when the status stays (see
    /// `WrittenRows`); a row changed behind its back must still be fenced, by version.
    @Test("a row another writer changed is fenced even when this store wrote it last; the status column follows every commit")
    func fencedBehindItsBack() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/baton.sqlite"
            let store: SQLiteWorkflowStore = try .sqlite(path: path)
            defer { try? store.close() }
            typealias Contract = WorkflowStoreContractTests
            var (machine, created) = Contract.newInstance("w1")
            _ = try await store.create(machine.snapshot, events: [created], owner: "me", leaseUntil: Contract.forever)
            try await store.commit(try Contract.advance(&machine, .started).0)
            let stale = machine

            // Another writer on the same file moves the row on, its status unchanged.
            let other: SQLiteWorkflowStore = try .sqlite(path: path)
            try await other.commit(try Contract.advance(&machine, .stepStarted(step: "a", attempt: 1)).0)
            try other.close()

            var behind = stale
            let (refused, _) = try Contract.advance(&behind, .stepStarted(step: "a", attempt: 1))
            await #expect { try await store.commit(refused) } throws: { ($0 as? WorkflowError)?.code == .conflict }

            for kind in [WorkflowEvent.Kind.stepCompleted(step: "a", attempt: 1, output: .null), .stepStarted(step: "b", attempt: 1)] {
                try await store.commit(try Contract.advance(&machine, kind).0)
                #expect(try await store.list(WorkflowQuery(status: .running)).map(\.id) == ["w1"])
            }
            try await store.commit(try Contract.advance(&machine, .stepCompleted(step: "b", attempt: 1, output: .null)).0)
            try await store.commit(try Contract.advance(&machine, .completed).0)
            #expect(try await store.snapshot(id: "w1") == machine.snapshot)
            #expect(try await store.history(id: "w1").map(\.sequence) == Array(1...7))
            #expect(try await store.list(WorkflowQuery(status: .running)).isEmpty)
            #expect(try await store.list(WorkflowQuery(status: .completed)).map(\.id) == ["w1"])
            #expect(try await store.count(WorkflowQuery(status: .completed)) == 1)
            #expect(try await store.integrityCheck() == "ok")
        }
    }

    @Test("commits of any size reach the log whole: another process reads each at once, a reopen reads them all")
    func logWritesOfAnySize() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/baton.sqlite"
            // From a few bytes to past the 1 MiB the log's VFS holds back (it then writes as it
            // goes), and around the 128 KiB multiples SQLite's own writes cannot take in one call.
            let sizes = [10, 60_000, 131_000, 262_100, 700_000, 3_000_000]
            var snapshots: [WorkflowSnapshot] = []
            do {
                let store = try SQLiteWorkflowStore(path: path)
                #expect(CoalescingVFS.collects(path + "-wal"))
                for (index, size) in sizes.enumerated() {
                    let id = "w\(index)"
                    let (machine, event) = WorkflowStateMachine.create(
                        definition: WorkflowStoreContractTests.definition, id: id,
                        input: ["blob": .string(String(repeating: Character(UnicodeScalar(UInt8(65 + index))), count: size))],
                        correlationID: nil, now: WorkflowStoreContractTests.t0
                    )
                    _ = try await store.create(machine.snapshot, events: [event], owner: "me", leaseUntil: WorkflowStoreContractTests.forever)
                    snapshots.append(machine.snapshot)
                    // The sqlite3 tool reads through SQLite's own VFS, in another process.
                    let seen = try shell("sqlite3", path, "SELECT count(*), max(length(snapshot)) > \(size) FROM workflows WHERE id = '\(id)'")
                    #expect(seen == "1|1", "\(id) (\(size) bytes)")
                }
                #expect(try await store.integrityCheck() == "ok")
                try store.close()
            }
            #expect(!CoalescingVFS.collects(path + "-wal"))
            let reopened = try SQLiteWorkflowStore(path: path)
            defer { try? reopened.close() }
            for snapshot in snapshots {
                #expect(try await reopened.snapshot(id: snapshot.id) == snapshot)
            }
            #expect(try await reopened.integrityCheck() == "ok")
        }
    }

    @Test("concurrent commits share transactions (group commit)")
    func groupCommit() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let store: SQLiteWorkflowStore = try .sqlite(path: dir + "/baton.sqlite")
            defer { try? store.close() }
            let count = 200
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<count {
                    group.addTask {
                        var (machine, created) = WorkflowStoreContractTests.newInstance("w\(i)")
                        _ = try await store.create(machine.snapshot, events: [created], owner: "me", leaseUntil: WorkflowStoreContractTests.forever)
                        for kind in [WorkflowEvent.Kind.started, .stepStarted(step: "a", attempt: 1), .stepCompleted(step: "a", attempt: 1, output: .null)] {
                            try await store.commit(try WorkflowStoreContractTests.advance(&machine, kind).0)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let statistics = store.groupCommitStatistics
            #expect(statistics.writes == count * 4)
            #expect(statistics.transactions < statistics.writes)
            // synchronous=FULL: the store fsyncs the log itself, at most once per transaction
            // (batches committed while an fsync runs share the next one), plus once on opening.
            #expect(store.logSyncs >= 2 && store.logSyncs <= statistics.transactions + 1)
            let snapshots = try await store.list(WorkflowQuery(limit: 1000))
            #expect(snapshots.count == count)
            #expect(snapshots.allSatisfy { $0.version == 4 && $0.cursor == 1 })
            #expect(try await store.integrityCheck() == "ok")
        }
    }
}

/// Runs a command-line tool and returns its standard output.
func shell(_ arguments: String...) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
