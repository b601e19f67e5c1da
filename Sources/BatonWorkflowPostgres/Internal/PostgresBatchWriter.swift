import BatonWorkflow
import PostgresNIO

import struct Foundation.Data

/// Commits a group commit's batch in as few statements as possible: all its creates in one
/// statement and all its commits in another (arrays bound as parameters and `unnest`ed), each
/// atomic on its own, the two running at once on two connections. A batch in which an instance
/// appears twice is split into rounds, in arrival order, so that each statement touches an
/// instance once.
///
/// The commit statement applies the fence in its `UPDATE … WHERE version = expected AND (owner
/// IS NULL OR owner = writer)` and appends the events only of the rows it updated; rows it did
/// not update are reported with the same errors as every other store. When the server rejects
/// a whole statement (e.g. a deadlock between replicas, a duplicate event), its writes are run
/// again one by one so that only the faulty one fails.
struct PostgresBatchWriter: Sendable {
    typealias Write = EncodedWorkflowWrite
    typealias Outcome = Result<Write.Result, any Error>

    let client: PostgresClient
    let schema: PostgresSchema
    let logger: Logger

    func commit(_ writes: [Write]) async -> [Outcome] {
        var outcomes = [Outcome?](repeating: nil, count: writes.count)
        for round in Self.rounds(writes) {
            var creates: [(Int, CreateRow)] = []
            var commits: [(Int, CommitRow)] = []
            for index in round {
                switch writes[index] {
                case .create(let snapshot, let json, let events, let owner, let leaseUntil):
                    creates.append((index, CreateRow(snapshot: snapshot, json: json, events: events, owner: owner, leaseUntil: leaseUntil)))
                case .commit(let commit, let json, let events):
                    commits.append((index, CommitRow(commit: commit, json: json, events: events)))
                }
            }
            async let created = isolating(creates, run: create)
            async let committed = isolating(commits, run: commit)
            for (index, outcome) in await created + committed { outcomes[index] = outcome }
        }
        return outcomes.map { $0 ?? .failure(WorkflowError(code: .storageFailure, message: "a write was not run")) }
    }

    /// Groups write indexes so that no instance appears twice in a group, keeping arrival order.
    static func rounds(_ writes: [Write]) -> [[Int]] {
        var rounds: [[Int]] = []
        var current: [Int] = []
        var ids = Set<String>()
        for (index, write) in writes.enumerated() {
            if !ids.insert(write.workflowID).inserted {
                rounds.append(current)
                current = []
                ids = [write.workflowID]
            }
            current.append(index)
        }
        if !current.isEmpty { rounds.append(current) }
        return rounds
    }

    /// Runs `rows` in one statement; when the server rejects it, runs each row alone.
    private func isolating<Row: Sendable>(
        _ rows: [(Int, Row)],
        run: @Sendable ([Row]) async throws -> [Outcome]
    ) async -> [(Int, Outcome)] {
        guard !rows.isEmpty else { return [] }
        do {
            return Array(zip(rows.map(\.0), try await run(rows.map(\.1))))
        } catch where rows.count > 1 && PostgresFailure.isStatementError(error) {
            var outcomes: [(Int, Outcome)] = []
            for row in rows { outcomes += await isolating([row], run: run) }
            return outcomes
        } catch {
            let failure = PostgresFailure.storage(error, "PostgreSQL write failed")
            return rows.map { ($0.0, .failure(failure)) }
        }
    }

    // MARK: Creates

    struct CreateRow: Sendable {
        var snapshot: WorkflowSnapshot
        var json: Data
        var events: EncodedWorkflowEvents
        var owner: String
        var leaseUntil: WorkflowInstant
    }

    @Sendable private func create(_ rows: [CreateRow]) async throws -> [Outcome] {
        let snapshots = rows.map(\.snapshot)
        let events = EventColumns(rows.flatMap(\.events))
        let query: PostgresQuery = """
            WITH input AS (
                SELECT * FROM unnest(
                    \(snapshots.map(\.id))::text[], \(snapshots.map(\.type))::text[], \(snapshots.map { Int64($0.definitionVersion) })::int8[],
                    \(snapshots.map(\.status.rawValue))::text[], \(snapshots.map { $0.correlationID ?? "" })::text[],
                    \(snapshots.map { $0.correlationID != nil })::bool[], \(snapshots.map(\.isFinished))::bool[],
                    \(snapshots.map(\.version))::int8[], \(rows.map(\.owner))::text[], \(rows.map(\.leaseUntil.nanosecondsSinceEpoch))::int8[],
                    \(snapshots.map(\.createdAt.nanosecondsSinceEpoch))::int8[], \(snapshots.map(\.updatedAt.nanosecondsSinceEpoch))::int8[],
                    \(rows.map { ByteBuffer(bytes: $0.json) })::bytea[]
                ) AS t(id, type, definition_version, status, correlation_id, has_correlation, finished, version, owner, lease_until,
                       created_at, updated_at, snapshot)
            ),
            inserted AS (
                INSERT INTO \(unescaped: schema.workflows) (id, type, definition_version, status, correlation_id, finished, version,
                                                          owner, lease_until, created_at, updated_at, snapshot)
                SELECT id, type, definition_version, status, CASE WHEN has_correlation THEN correlation_id END, finished, version,
                       owner, lease_until, created_at, updated_at, snapshot
                FROM input
                ON CONFLICT (id) DO NOTHING
                RETURNING id
            ),
            \(appending: events, to: schema.events, forIDsIn: "inserted")
            SELECT i.id, n.id IS NOT NULL, w.snapshot
            FROM input i LEFT JOIN inserted n ON n.id = i.id LEFT JOIN \(unescaped: schema.workflows) w ON w.id = i.id
            """
        var answers: [String: (created: Bool, existing: ByteBuffer?)] = [:]
        for try await (id, created, existing) in try await client.query(query, logger: logger).decode((String, Bool, ByteBuffer?).self) {
            answers[id] = (created, existing)
        }
        var outcomes: [Outcome] = []
        for row in rows {
            let id = row.snapshot.id
            guard let answer = answers[id] else {
                outcomes.append(.failure(WorkflowError(code: .storageFailure, message: "PostgreSQL did not answer the creation of '\(id)'")))
                continue
            }
            if answer.created {
                outcomes.append(.success(.created))
                continue
            }
            var existing = answer.existing
            if existing == nil { existing = try await storedSnapshot(id) }
            if let existing {
                outcomes.append(Result { .existing(try EncodedWorkflowWrite.decodeSnapshot(Data(existing.readableBytesView))) })
            } else {
                outcomes.append(.failure(WorkflowError(code: .storageFailure, message: "workflow '\(id)' neither created nor found")))
            }
        }
        return outcomes
    }

    /// A row another replica created while the batch's statement ran (its snapshot did not see it).
    private func storedSnapshot(_ id: String) async throws -> ByteBuffer? {
        let rows = try await client.query("SELECT snapshot FROM \(unescaped: schema.workflows) WHERE id = \(id)", logger: logger)
        for try await snapshot in rows.decode(ByteBuffer.self) { return snapshot }
        return nil
    }

    // MARK: Commits

    struct CommitRow: Sendable {
        var commit: WorkflowCommit
        var json: Data
        var events: EncodedWorkflowEvents
    }

    @Sendable private func commit(_ rows: [CommitRow]) async throws -> [Outcome] {
        let commits = rows.map(\.commit)
        let snapshots = commits.map(\.snapshot)
        let events = EventColumns(rows.flatMap(\.events))
        let query: PostgresQuery = """
            WITH input AS (
                SELECT * FROM unnest(
                    \(commits.map(\.workflowID))::text[], \(commits.map(\.expectedVersion))::int8[], \(commits.map(\.owner))::text[],
                    \(snapshots.map(\.status.rawValue))::text[], \(snapshots.map(\.isFinished))::bool[], \(snapshots.map(\.version))::int8[],
                    \(snapshots.map(\.updatedAt.nanosecondsSinceEpoch))::int8[], \(rows.map { ByteBuffer(bytes: $0.json) })::bytea[]
                ) AS t(id, expected_version, writer, status, finished, version, updated_at, snapshot)
            ),
            updated AS (
                UPDATE \(unescaped: schema.workflows) w
                SET status = i.status, finished = i.finished, version = i.version, updated_at = i.updated_at, snapshot = i.snapshot,
                    owner = CASE WHEN i.finished THEN NULL ELSE w.owner END,
                    lease_until = CASE WHEN i.finished THEN NULL ELSE w.lease_until END
                FROM input i
                WHERE w.id = i.id AND w.version = i.expected_version AND (w.owner IS NULL OR w.owner = i.writer)
                RETURNING w.id
            ),
            \(appending: events, to: schema.events, forIDsIn: "updated")
            SELECT i.id, u.id IS NOT NULL, w.version, w.owner
            FROM input i LEFT JOIN updated u ON u.id = i.id LEFT JOIN \(unescaped: schema.workflows) w ON w.id = i.id
            """
        var answers: [String: (applied: Bool, version: Int64?, owner: String?)] = [:]
        let decoded = try await client.query(query, logger: logger).decode((String, Bool, Int64?, String?).self)
        for try await (id, applied, version, owner) in decoded {
            answers[id] = (applied, version, owner)
        }
        return commits.map { commit in
            Result {
                guard let answer = answers[commit.workflowID] else {
                    throw WorkflowError(code: .storageFailure, message: "PostgreSQL did not answer the commit of '\(commit.workflowID)'")
                }
                if answer.applied { return .committed }
                // Not applied: the fence says why (the version and owner as the statement saw them).
                try commit.checkFence(storedVersion: answer.version, leaseOwner: answer.owner)
                throw WorkflowError(code: .conflict, message: "workflow '\(commit.workflowID)' was written concurrently")
            }
        }
    }

    /// A batch's events, column by column.
    fileprivate struct EventColumns {
        var ids: [String] = []
        var sequences: [Int64] = []
        var times: [Int64] = []
        var names: [String] = []
        var bodies: [ByteBuffer] = []

        init(_ events: [EncodedWorkflowEvent]) {
            for encoded in events {
                ids.append(encoded.event.workflowID)
                sequences.append(encoded.event.sequence)
                times.append(encoded.event.timestamp.nanosecondsSinceEpoch)
                names.append(encoded.event.name)
                bodies.append(ByteBuffer(bytes: encoded.body))
            }
        }
    }
}

extension PostgresQuery.StringInterpolation {
    /// `appended AS (…)`: a CTE that appends `events` to `table`, those of the instances whose ids
    /// the CTE `source` returns.
    fileprivate mutating func appendInterpolation(appending events: PostgresBatchWriter.EventColumns, to table: String, forIDsIn source: String) {
        appendLiteral("appended AS (INSERT INTO \(table) (workflow_id, sequence, recorded_at, name, body) ")
        appendLiteral("SELECT e.workflow_id, e.sequence, e.recorded_at, e.name, e.body FROM unnest(")
        appendInterpolation(events.ids)
        appendLiteral("::text[], ")
        appendInterpolation(events.sequences)
        appendLiteral("::int8[], ")
        appendInterpolation(events.times)
        appendLiteral("::int8[], ")
        appendInterpolation(events.names)
        appendLiteral("::text[], ")
        appendInterpolation(events.bodies)
        appendLiteral("::bytea[]) AS e(workflow_id, sequence, recorded_at, name, body) ")
        appendLiteral("WHERE e.workflow_id IN (SELECT id FROM \(source)))")
    }
}
