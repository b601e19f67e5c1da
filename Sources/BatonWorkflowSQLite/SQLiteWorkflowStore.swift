import BatonWorkflow
import GRDB

import Foundation
import Synchronization

/// The embedded default store: one SQLite file in WAL mode, `synchronous=FULL`.
///
/// Built on GRDB 7 (groue/GRDB.swift), a well-kept Swift SQLite library that builds on Linux
/// against the system libsqlite3 (probed here: Debian SQLite 3.40.1, clean build ≈ 25 s); it gives
/// us a WAL connection pool (concurrent reads beside the single writer), savepoints and typed
/// fetching without hand-written C bindings. sqlite-nio was the fallback; GRDB's synchronous
/// `DatabasePool` fits a store that is not tied to an event loop better.
///
/// Concurrent workflows' writes are group-committed: they share one transaction and one fsync
/// (see `GroupCommitter`). Every commit is fenced by the version column and the lease owner, the
/// same rules a PostgreSQL store applies with `FOR UPDATE SKIP LOCKED` leases. A transaction's
/// log frames reach the kernel in one write rather than two per frame (see `CoalescingVFS`, which
/// the first store to open makes SQLite's default VFS for the process).
///
/// Opening a file that is not a Baton store (another format, another application's SQLite
/// database, a newer schema, a corrupt file) fails with `WorkflowError.Code.incompatibleStore`
/// and leaves the file untouched.
public final class SQLiteWorkflowStore: WorkflowStore {
    public struct Configuration: Sendable, Hashable {
        /// `FULL` (the default) survives power loss: a write is answered once its commit is on
        /// disk (the store fsyncs the log itself, see `WALSyncer`); `NORMAL` in WAL mode may
        /// lose the last transactions on power loss but never corrupts.
        public var synchronous: Synchronous
        /// The most writes in one group commit.
        public var maxBatchSize: Int
        /// How long a connection waits for a lock held by another process.
        public var busyTimeout: Duration
        /// How often the background checkpointer looks at the write-ahead log (see
        /// `SQLiteCheckpointer`), and how many committed writes make it copy the log back.
        public var checkpointInterval: Duration
        public var checkpointAfterWrites: Int

        public struct Synchronous: Sendable, Hashable {
            let pragma: String
            public static let full = Synchronous(pragma: "FULL")
            public static let normal = Synchronous(pragma: "NORMAL")
        }

        public static let defaults = Configuration(
            synchronous: .full,
            maxBatchSize: 256,
            busyTimeout: .seconds(5),
            checkpointInterval: .milliseconds(100),
            checkpointAfterWrites: 256
        )

        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration.defaults
            configure(&configuration)
            return configuration
        }
    }

    public let path: String
    private let pool: DatabasePool
    private let committer: GroupCommitter
    private let checkpointer: SQLiteCheckpointer
    /// Makes commits durable when `synchronous` is `FULL`.
    private let syncer: WALSyncer?
    /// The log `CoalescingVFS` collects for this store, until the store closes.
    private let collectedLog: String
    private let closed = Atomic<Bool>(false)

    /// Opens (creating and migrating as needed) the store at `path`.
    ///
    /// - Throws: `WorkflowError` `.incompatibleStore` when the file is not a Baton store or has a
    ///   newer schema; `.storageFailure` when SQLite cannot open it.
    public init(path: String, configuration: Configuration = .defaults) throws {
        try SQLiteSchema.inspect(path: path)
        var grdb = GRDB.Configuration()
        grdb.busyMode = .timeout(TimeInterval(Double(configuration.busyTimeout.components.seconds)))
        // FULL is kept by fsyncing the log apart from the commits (WALSyncer); the connections
        // themselves commit with NORMAL, which syncs the log around checkpoints only.
        let synchronous = Configuration.Synchronous.normal.pragma
        grdb.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // The checkpointer copies the log back in the background; a commit checkpoints
            // itself only if the log passes 40 MiB of 4 KiB pages (it fell behind).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            // A transaction's log frames are written at its commit only, never spilled before:
            // CoalescingVFS, which writes them in one go, relies on it.
            try db.execute(sql: "PRAGMA cache_spill = OFF")
        }
        let collectedLog: String
        do {
            collectedLog = try CoalescingVFS.collectLog(ofDatabaseAt: path)
        } catch {
            throw WorkflowError(code: .storageFailure, message: "cannot open the workflow store at '\(path)'", cause: error)
        }
        self.collectedLog = collectedLog
        // Every failure from here on gives the log back.
        var opened = false
        defer { if !opened { CoalescingVFS.stopCollectingLog(collectedLog) } }
        do {
            self.pool = try DatabasePool(path: path, configuration: grdb)
            try SQLiteSchema.migrate(pool)
        } catch {
            throw WorkflowError(code: .storageFailure, message: "cannot open the workflow store at '\(path)'", cause: error)
        }
        self.path = path
        do {
            self.syncer = configuration.synchronous == .full ? try WALSyncer(logPath: path + "-wal") : nil
            try syncer?.syncHere()  // the migrations, if any ran
        } catch {
            try? pool.close()
            throw WorkflowError(code: .storageFailure, message: "cannot open the workflow store's log at '\(path)-wal'", cause: error)
        }
        let rows = WrittenRows()
        let committer = GroupCommitter(writer: pool, maxBatch: configuration.maxBatchSize, syncer: syncer) { db, write in
            try Self.apply(db, write, rows)
        }
        self.committer = committer
        do {
            self.checkpointer = try SQLiteCheckpointer(
                path: path,
                configuration: grdb,
                interval: configuration.checkpointInterval,
                threshold: configuration.checkpointAfterWrites,
                committedWrites: { committer.statistics.writes }
            )
        } catch {
            syncer?.close()
            try? pool.close()
            throw WorkflowError(code: .storageFailure, message: "cannot open the workflow store at '\(path)'", cause: error)
        }
        opened = true
    }

    /// Transactions committed and writes they carried since opening.
    public var groupCommitStatistics: (transactions: Int, writes: Int) {
        let s = committer.statistics
        return (s.batches, s.writes)
    }

    /// Closes the database connections.
    public func close() throws {
        if !closed.exchange(true, ordering: .acquiringAndReleasing) { CoalescingVFS.stopCollectingLog(collectedLog) }
        try checkpointer.close()
        syncer?.close()
        try pool.close()
    }

    /// fsyncs of the write-ahead log since opening (0 with `synchronous=NORMAL`).
    public var logSyncs: Int { syncer?.fsyncs ?? 0 }

    /// Runs `PRAGMA integrity_check` and returns its verdict (`"ok"` when sound).
    public func integrityCheck() async throws -> String {
        try await pool.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
        }
    }

    // MARK: WorkflowStore

    public func create(_ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant) async throws
        -> WorkflowStoreCreateResult
    {
        try await committer.create(snapshot, events: events, owner: owner, leaseUntil: leaseUntil)
    }

    /// Runs `whenCreated` on the store's commit thread, right after answering the caller.
    public func create(
        _ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant,
        whenCreated: @escaping @Sendable () -> Void
    ) async throws -> WorkflowStoreCreateResult {
        try await committer.create(snapshot, events: events, owner: owner, leaseUntil: leaseUntil, whenCreated: whenCreated)
    }

    public func commit(_ commit: WorkflowCommit) async throws {
        try await committer.commit(commit)
    }

    public func snapshot(id: String) async throws -> WorkflowSnapshot? {
        let data = try await pool.read { db in
            try Data.fetchOne(db, sql: "SELECT snapshot FROM workflows WHERE id = ?", arguments: [id])
        }
        return try data.map(EncodedWorkflowWrite.decodeSnapshot)
    }

    public func history(id: String) async throws -> [WorkflowEvent] {
        let commits = try await pool.read { db in
            try Data.fetchAll(
                db,
                sql: """
                    SELECT events FROM workflow_events
                    WHERE workflow_key = (SELECT workflow_key FROM workflows WHERE id = ?) ORDER BY first_sequence
                    """,
                arguments: [id]
            )
        }
        return try commits.flatMap(EncodedWorkflowWrite.decodeEvents)
    }

    public func list(_ query: WorkflowQuery) async throws -> [WorkflowSnapshot] {
        var (whereClause, arguments) = Self.filter(query)
        arguments += [query.limit, query.offset]
        let sql = "SELECT snapshot FROM workflows \(whereClause) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"
        let finalArguments = arguments
        let rows = try await pool.read { db in try Data.fetchAll(db, sql: sql, arguments: finalArguments) }
        return try rows.map(EncodedWorkflowWrite.decodeSnapshot)
    }

    public func count(_ query: WorkflowQuery) async throws -> Int {
        let (whereClause, arguments) = Self.filter(query)
        return try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM workflows \(whereClause)", arguments: arguments) ?? 0
        }
    }

    /// The WHERE clause (empty when the query filters nothing) and its arguments.
    private static func filter(_ query: WorkflowQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let status = query.status {
            clauses.append("status = ?")
            arguments += [status.rawValue]
        }
        if let type = query.type {
            clauses.append("type = ?")
            arguments += [type]
        }
        if let correlationID = query.correlationID {
            clauses.append("correlation_id = ?")
            arguments += [correlationID]
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }

    public func claim(
        owner: String, leaseUntil: WorkflowInstant, now: WorkflowInstant, after afterID: String?, limit: Int, includingOwned: Bool
    ) async throws -> [WorkflowSnapshot]
    {
        let rows = try await pool.write { db -> [Data] in
            // Claim order is (created_at, id); a page starts after the row `afterID`.
            let after = try afterID.flatMap { id in
                try Int64.fetchOne(db, sql: "SELECT created_at FROM workflows WHERE id = ?", arguments: [id]).map { ($0, id) }
            }
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM workflows
                    WHERE finished = 0 AND (owner IS NULL OR lease_until IS NULL OR lease_until <= ? OR (? AND owner = ?))
                      AND (created_at > ? OR (created_at = ? AND id > ?))
                    ORDER BY created_at, id LIMIT ?
                    """,
                arguments: [now.nanosecondsSinceEpoch, includingOwned, owner, after?.0 ?? Int64.min, after?.0 ?? Int64.min, after?.1 ?? "", limit]
            )
            var snapshots: [Data] = []
            for id in ids {
                try db.execute(
                    sql: "UPDATE workflows SET owner = ?, lease_until = ? WHERE id = ?",
                    arguments: [owner, leaseUntil.nanosecondsSinceEpoch, id]
                )
                if let data = try Data.fetchOne(db, sql: "SELECT snapshot FROM workflows WHERE id = ?", arguments: [id]) {
                    snapshots.append(data)
                }
            }
            return snapshots
        }
        try await syncer?.sync()
        return try rows.map(EncodedWorkflowWrite.decodeSnapshot)
    }

    public func renewLeases(owner: String, ids: [String], until: WorkflowInstant) async throws {
        try await pool.write { db in
            for id in ids {
                try db.execute(
                    sql: "UPDATE workflows SET lease_until = ? WHERE id = ? AND owner = ?",
                    arguments: [until.nanosecondsSinceEpoch, id, owner]
                )
            }
        }
        try await syncer?.sync()
    }

    public func statistics(since: WorkflowInstant) async throws -> WorkflowStatistics {
        try await pool.read { db in
            let active = try Int.fetchOne(db, sql: "SELECT count(*) FROM workflows WHERE finished = 0") ?? 0
            var finished: [WorkflowStatus: Int] = [:]
            var average: Duration?
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT status, count(*) AS n, avg(updated_at - created_at) AS mean
                    FROM workflows WHERE finished = 1 AND updated_at >= ? GROUP BY status
                    """,
                arguments: [since.nanosecondsSinceEpoch]
            )
            for row in rows {
                guard let status = WorkflowStatus(rawValue: row["status"]) else { continue }
                finished[status] = row["n"]
                if status == .completed, let mean: Double = row["mean"] {
                    average = .nanoseconds(Int64(mean.rounded()))
                }
            }
            var byType: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT type, count(*) AS n FROM workflows GROUP BY type") {
                byType[row["type"]] = row["n"]
            }
            return WorkflowStatistics(active: active, finished: finished, averageCompletionTime: average, countsByType: byType)
        }
    }

    // MARK: Writes (inside a group-commit transaction)

    /// Applies one write of a batch. Refusals (`WorkflowError`) happen before anything is written
    /// (see `GroupCommitter`). The usual case runs two statements: the insert or fenced update of
    /// the workflow's row (which yields its key) and the insert of its events.
    private static func apply(_ db: Database, _ write: EncodedWorkflowWrite, _ rows: WrittenRows) throws -> EncodedWorkflowWrite.Result {
        switch write {
        case .create(let snapshot, let snapshotJSON, let events, let owner, let leaseUntil):
            try db.cachedStatement(
                sql: """
                    INSERT INTO workflows (id, type, definition_version, status, correlation_id, finished, version,
                                           owner, lease_until, created_at, updated_at, snapshot)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO NOTHING
                    """
            ).step([
                .text(snapshot.id), .text(snapshot.type), .integer(snapshot.definitionVersion), .text(snapshot.status.rawValue),
                .text(snapshot.correlationID), .bool(snapshot.isFinished), .integer(snapshot.version), .text(owner),
                .integer(leaseUntil.nanosecondsSinceEpoch), .integer(snapshot.createdAt.nanosecondsSinceEpoch),
                .integer(snapshot.updatedAt.nanosecondsSinceEpoch), .blob(snapshotJSON),
            ])
            guard db.changesCount == 1 else {
                let existingStatement = try db.cachedStatement(sql: "SELECT snapshot FROM workflows WHERE id = ?")
                guard let existing = try Data.fetchOne(existingStatement, arguments: [snapshot.id]) else {
                    throw WorkflowError(code: .storageFailure, message: "workflow '\(snapshot.id)' was neither inserted nor found")
                }
                return .existing(try EncodedWorkflowWrite.decodeSnapshot(existing))
            }
            let key = db.lastInsertedRowID
            try insert(events, of: key, db)
            rows.wrote(snapshot, key: key)
            return .created

        case .commit(let commit, let snapshotJSON, let events):
            // The fence is in the update's WHERE clause, so a commit that holds it (the usual
            // case) reads nothing; only a refused one reads the row again, to say why.
            let snapshot = commit.snapshot
            let row = rows.row(commit.workflowID).flatMap { $0.version == commit.expectedVersion ? $0 : nil }
            // The arguments of every update below (see `SQL`).
            let arguments: [SQLiteArgument] = [
                .text(snapshot.status.rawValue), .bool(snapshot.isFinished), .integer(snapshot.version),
                .integer(snapshot.updatedAt.nanosecondsSinceEpoch), .blob(snapshotJSON), row.map { .integer($0.key) } ?? .null,
                .text(commit.workflowID), .integer(commit.expectedVersion), .text(commit.owner),
            ]
            if let row {
                // The row's key is known: no RETURNING (SQLite would buffer the returned row in a
                // temporary table it opens and closes for every update), and, while the status
                // stays, no indexed column set.
                let keepsStatus = row.status == snapshot.status && !snapshot.isFinished
                try db.cachedStatement(sql: keepsStatus ? SQL.updateKeepingStatus : SQL.updateByKey).step(arguments)
                if db.changesCount == 1 { return try committed(row.key) }
                // What was remembered no longer holds (a batch rolled back, say): the general
                // path below decides, by id.
                rows.forget(commit.workflowID)
            }
            guard let key = try db.cachedStatement(sql: SQL.updateByID).step(arguments) else { try refuse(commit, db) }
            return try committed(key)

            func committed(_ key: Int64) throws -> EncodedWorkflowWrite.Result {
                try insert(events, of: key, db)
                rows.wrote(snapshot, key: key)
                return .committed
            }
        }
    }

    /// A commit's updates of its workflow's row, all with the same numbered parameters: the new
    /// status (?1), finished (?2: a finished workflow also lets go of its lease), version (?3),
    /// update time (?4) and snapshot (?5); the row's key (?6, when known); the fence: id (?7),
    /// the version the commit expects (?8) and its lease owner (?9).
    private enum SQL {
        private static let fields = """
            status = ?1, finished = ?2, version = ?3, updated_at = ?4, snapshot = ?5,
                owner = CASE WHEN ?2 THEN NULL ELSE owner END, lease_until = CASE WHEN ?2 THEN NULL ELSE lease_until END
            """
        private static let fence = "id = ?7 AND version = ?8 AND (owner IS NULL OR owner = ?9)"
        /// Sets no indexed column (`status`, `finished`, `owner`), so touches no index.
        static let updateKeepingStatus = "UPDATE workflows SET version = ?3, updated_at = ?4, snapshot = ?5 WHERE workflow_key = ?6 AND \(fence)"
        static let updateByKey = "UPDATE workflows SET \(fields) WHERE workflow_key = ?6 AND \(fence)"
        /// For a row the store did not write last (or has forgotten): finds it by id, returns its key.
        static let updateByID = "UPDATE workflows SET \(fields) WHERE \(fence) RETURNING workflow_key"
    }

    /// Says why a commit's fenced update changed nothing.
    private static func refuse(_ commit: WorkflowCommit, _ db: Database) throws -> Never {
        let fenceStatement = try db.cachedStatement(sql: "SELECT version, owner FROM workflows WHERE id = ?")
        let row = try Row.fetchOne(fenceStatement, arguments: [commit.workflowID])
        try commit.checkFence(storedVersion: row?["version"], leaseOwner: row?["owner"])
        throw WorkflowError(code: .storageFailure, message: "workflow '\(commit.workflowID)' was not updated, though its fence holds")
    }

    /// Inserts the events of one write as one row: their JSON array, encoded by the caller.
    private static func insert(_ events: EncodedWorkflowEvents, of workflowKey: Int64, _ db: Database) throws {
        guard let first = events.events.first else { return }
        try db.cachedStatement(sql: "INSERT INTO workflow_events (workflow_key, first_sequence, events) VALUES (?, ?, ?)")
            .step([.integer(workflowKey), .integer(first.sequence), .blob(events.jsonArray)])
    }
}

extension WorkflowStore where Self == SQLiteWorkflowStore {
    /// The embedded SQLite store at `path` (created and migrated as needed).
    public static func sqlite(path: String, configuration: SQLiteWorkflowStore.Configuration = .defaults) throws -> SQLiteWorkflowStore {
        try SQLiteWorkflowStore(path: path, configuration: configuration)
    }
}
