import BatonWorkflow
import Logging
import PostgresNIO
import ServiceLifecycle

import struct Foundation.Data

/// The store for several Baton replicas: one PostgreSQL database (tables in one schema) that
/// every replica opens.
///
/// Built on vapor/postgres-nio (`PostgresClient`, a connection pool sized by
/// ``Configuration/poolSize``). Replicas share work through leases: ``claim(owner:leaseUntil:now:after:limit:)``
/// hands out unfinished instances whose lease is free or expired with `FOR UPDATE SKIP LOCKED`
/// (two replicas never get the same instance), the engine renews the leases it holds, and every
/// commit is fenced by the version column and the lease owner, so that a replica that lost its
/// lease (it stalled, or was presumed dead) cannot overwrite newer state. Concurrent commits are
/// group-committed: a batch costs one statement (one round trip) however many writes it carries.
/// Snapshots and events are stored as the SQLite store stores them (`EncodedWorkflowWrite`'s JSON).
///
/// The store is a `Service`: its connection pool works while ``run()`` runs (in the server's
/// `ServiceGroup`, placed so that it stops after the engine), or use
/// ``withStore(_:logger:_:)`` for a scoped store.
public final class PostgresWorkflowStore: WorkflowStore, Service {
    public let configuration: Configuration
    private let client: PostgresClient
    private let schema: PostgresSchema
    private let logger: Logger
    private let committer: GroupCommitQueue<EncodedWorkflowWrite, EncodedWorkflowWrite.Result>

    /// Checks that the server is reachable and accepts the credentials (one connection, within
    /// ``Configuration/connectTimeout``), creates or upgrades the schema, and returns the store;
    /// its pool works once ``run()`` runs.
    ///
    /// - Throws: `WorkflowError` `.storageFailure` when the server cannot be reached in time or
    ///   refuses the login; `.incompatibleStore` when the schema holds something that is not a
    ///   Baton store, or a newer version (it is left unmodified).
    public static func connect(_ configuration: Configuration, logger: Logger = Logger(label: "baton.postgres")) async throws
        -> PostgresWorkflowStore
    {
        let schema = PostgresSchema(name: configuration.schema)
        try await withConnection(configuration, logger: logger) { connection in
            try await schema.prepare(on: connection, logger: logger)
        }
        return try PostgresWorkflowStore(configuration: configuration, schema: schema, logger: logger)
    }

    /// A connected store for the duration of `body`, its pool running meanwhile.
    ///
    /// - Throws: what ``connect(_:logger:)`` throws, and what `body` throws.
    public static func withStore<Result>(
        _ configuration: Configuration,
        logger: Logger = Logger(label: "baton.postgres"),
        _ body: (PostgresWorkflowStore) async throws -> Result
    ) async throws -> Result {
        let store = try await connect(configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    private init(configuration: Configuration, schema: PostgresSchema, logger: Logger) throws {
        var client = PostgresClient.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: configuration.tls == .require ? .require(.makeClientConfiguration()) : .disable
        )
        client.options.maximumConnections = max(1, configuration.poolSize)
        client.options.connectTimeout = configuration.connectTimeout
        self.configuration = configuration
        self.schema = schema
        self.logger = logger
        self.client = PostgresClient(configuration: client, backgroundLogger: logger)
        let writer = PostgresBatchWriter(client: self.client, schema: schema, logger: logger)
        self.committer = GroupCommitQueue(
            maxBatch: configuration.maxBatchSize,
            maxConcurrentBatches: configuration.concurrentBatches,
            commit: writer.commit
        )
    }

    /// Runs the connection pool until cancelled or until graceful shutdown.
    public func run() async {
        await client.run()
    }

    /// Batches committed and writes they carried since opening.
    public var groupCommitStatistics: (batches: Int, writes: Int) { committer.statistics }

    // MARK: WorkflowStore

    public func create(_ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant) async throws
        -> WorkflowStoreCreateResult
    {
        try await committer.create(snapshot, events: events, owner: owner, leaseUntil: leaseUntil)
    }

    public func commit(_ commit: WorkflowCommit) async throws {
        try await committer.commit(commit)
    }

    public func snapshot(id: String) async throws -> WorkflowSnapshot? {
        try await snapshots("SELECT snapshot FROM \(unescaped: schema.workflows) WHERE id = \(id)").first
    }

    public func history(id: String) async throws -> [WorkflowEvent] {
        let query: PostgresQuery = "SELECT body FROM \(unescaped: schema.events) WHERE workflow_id = \(id) ORDER BY sequence"
        return try await reading("history") {
            try await client.query(query, logger: logger).collect().map { try $0.decode(ByteBuffer.self) }
        }.map { try EncodedWorkflowWrite.decodeEvent(Data($0.readableBytesView)) }
    }

    public func list(_ query: WorkflowQuery) async throws -> [WorkflowSnapshot] {
        var sql = filtered("SELECT snapshot FROM \(unescaped: schema.workflows)", query)
        sql.sql += " ORDER BY created_at DESC, id DESC LIMIT \(max(0, query.limit)) OFFSET \(max(0, query.offset))"
        return try await snapshots(sql)
    }

    public func count(_ query: WorkflowQuery) async throws -> Int {
        let sql = filtered("SELECT count(*) FROM \(unescaped: schema.workflows)", query)
        return try await reading("count") {
            try await client.query(sql, logger: logger).collect().first?.decode(Int.self) ?? 0
        }
    }

    /// `query` with the filter's WHERE clause appended (nothing when it filters nothing).
    private func filtered(_ base: PostgresQuery, _ query: WorkflowQuery) -> PostgresQuery {
        var sql = base
        var clauses: [String] = []
        func bind(_ column: String, _ value: String) {
            sql.binds.append(value)
            clauses.append("\(column) = $\(sql.binds.count)")
        }
        if let status = query.status { bind("status", status.rawValue) }
        if let type = query.type { bind("type", type) }
        if let correlationID = query.correlationID { bind("correlation_id", correlationID) }
        if !clauses.isEmpty { sql.sql += " WHERE " + clauses.joined(separator: " AND ") }
        return sql
    }

    /// Claim order is (created_at, id); a page starts after the row `afterID` (from the first
    /// when there is no such row). Rows another transaction has locked are skipped, not waited for.
    public func claim(
        owner: String, leaseUntil: WorkflowInstant, now: WorkflowInstant, after afterID: String?, limit: Int, includingOwned: Bool
    ) async throws -> [WorkflowSnapshot]
    {
        let query: PostgresQuery = """
            WITH after AS (
                SELECT coalesce(max(created_at), -9223372036854775808) AS created_at, coalesce(max(id), '') AS id
                FROM \(unescaped: schema.workflows) WHERE id = \(afterID)
            ),
            candidates AS (
                SELECT w.id FROM \(unescaped: schema.workflows) w, after a
                WHERE NOT w.finished
                  AND (w.owner IS NULL OR w.lease_until IS NULL OR w.lease_until <= \(now.nanosecondsSinceEpoch)
                       OR (\(includingOwned) AND w.owner = \(owner)))
                  AND (w.created_at, w.id) > (a.created_at, a.id)
                ORDER BY w.created_at, w.id
                LIMIT \(max(0, limit))
                FOR UPDATE OF w SKIP LOCKED
            )
            UPDATE \(unescaped: schema.workflows) w SET owner = \(owner), lease_until = \(leaseUntil.nanosecondsSinceEpoch)
            FROM candidates c WHERE w.id = c.id
            RETURNING w.created_at, w.id, w.snapshot
            """
        let rows = try await reading("claim") {
            try await client.query(query, logger: logger).collect().map { try $0.decode((Int64, String, ByteBuffer).self) }
        }
        return try rows.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { try EncodedWorkflowWrite.decodeSnapshot(Data($0.2.readableBytesView)) }
    }

    public func renewLeases(owner: String, ids: [String], until: WorkflowInstant) async throws {
        guard !ids.isEmpty else { return }
        let query: PostgresQuery = """
            UPDATE \(unescaped: schema.workflows) SET lease_until = \(until.nanosecondsSinceEpoch)
            WHERE id = ANY(\(ids)::text[]) AND owner = \(owner)
            """
        try await reading("lease renewal") { try await client.query(query, logger: logger).collect().count }
    }

    public func statistics(since: WorkflowInstant) async throws -> WorkflowStatistics {
        let finishedQuery: PostgresQuery = """
            SELECT status, count(*), avg(updated_at - created_at)::float8
            FROM \(unescaped: schema.workflows) WHERE finished AND updated_at >= \(since.nanosecondsSinceEpoch) GROUP BY status
            """
        return try await reading("statistics") {
            let active = try await client.query("SELECT count(*) FROM \(unescaped: schema.workflows) WHERE NOT finished", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
            var finished: [WorkflowStatus: Int] = [:]
            var average: Duration?
            for try await (name, count, mean) in try await client.query(finishedQuery, logger: logger).decode((String, Int, Double?).self) {
                guard let status = WorkflowStatus(rawValue: name) else { continue }
                finished[status] = count
                if status == .completed, let mean { average = .nanoseconds(Int64(mean.rounded())) }
            }
            var byType: [String: Int] = [:]
            let types = try await client.query("SELECT type, count(*) FROM \(unescaped: schema.workflows) GROUP BY type", logger: logger)
            for try await (type, count) in types.decode((String, Int).self) { byType[type] = count }
            return WorkflowStatistics(active: active, finished: finished, averageCompletionTime: average, countsByType: byType)
        }
    }

    // MARK: Reading

    private func snapshots(_ query: PostgresQuery) async throws -> [WorkflowSnapshot] {
        try await reading("read") {
            try await client.query(query, logger: logger).collect().map { try $0.decode(ByteBuffer.self) }
        }.map { try EncodedWorkflowWrite.decodeSnapshot(Data($0.readableBytesView)) }
    }

    /// Runs `body`, its PostgreSQL errors turned into `WorkflowError` `.storageFailure`.
    @discardableResult
    private func reading<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw PostgresFailure.storage(error, "PostgreSQL \(what) failed")
        }
    }

    /// One connection outside the pool, opened within the connect timeout, for `body`.
    static func withConnection<T>(
        _ configuration: Configuration,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var connection = PostgresConnection.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: configuration.tls == .require ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
        )
        connection.options.connectTimeout = TimeAmount(rounding: configuration.connectTimeout)
        let opened: PostgresConnection
        do {
            opened = try await withDeadline(configuration.connectTimeout, abandon: { late in try? await late.close() }) { [connection] in
                try await PostgresConnection.connect(configuration: connection, id: 0, logger: logger)
            }
        } catch {
            throw WorkflowError(
                code: .storageFailure,
                message: "cannot connect to PostgreSQL at \(configuration.host):\(configuration.port) as '\(configuration.username)' "
                    + "(database '\(configuration.database)'): \(PostgresFailure.describe(error))",
                cause: error
            )
        }
        do {
            let result = try await body(opened)
            try? await opened.close()
            return result
        } catch {
            try? await opened.close()
            throw PostgresFailure.storage(error, "PostgreSQL at \(configuration.host):\(configuration.port) failed")
        }
    }
}

extension WorkflowStore where Self == PostgresWorkflowStore {
    /// The PostgreSQL store (for several replicas), connected and migrated; run it as a `Service`.
    public static func postgres(_ configuration: PostgresWorkflowStore.Configuration) async throws -> PostgresWorkflowStore {
        try await PostgresWorkflowStore.connect(configuration)
    }
}
