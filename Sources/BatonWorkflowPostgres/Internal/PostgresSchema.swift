import BatonWorkflow
import PostgresNIO

/// The store's tables, in one PostgreSQL schema (namespace), versioned by the one-row table
/// `baton_schema_version` (application `baton`, version n). A schema that holds anything else,
/// or a newer version, is refused and never modified.
struct PostgresSchema: Sendable {
    static let application = "baton"

    /// The schema's name, a plain identifier (see `Configuration.isPlainIdentifier`).
    let name: String

    var workflows: String { "\"\(name)\".workflows" }
    var events: String { "\"\(name)\".workflow_events" }
    var version: String { "\"\(name)\".baton_schema_version" }

    /// Migration n brings the schema from version n to n+1; one statement per string.
    var migrations: [[String]] {
        [
            [
                "CREATE SCHEMA IF NOT EXISTS \"\(name)\"",
                "CREATE TABLE \(version) (application text NOT NULL, version integer NOT NULL)",
                "INSERT INTO \(version) (application, version) VALUES ('\(Self.application)', 0)",
                """
                CREATE TABLE \(workflows) (
                    id text COLLATE "C" PRIMARY KEY,
                    type text COLLATE "C" NOT NULL,
                    definition_version bigint NOT NULL,
                    status text NOT NULL,
                    correlation_id text COLLATE "C",
                    finished boolean NOT NULL DEFAULT false,
                    version bigint NOT NULL,
                    owner text COLLATE "C",
                    lease_until bigint,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    snapshot bytea NOT NULL
                )
                """,
                """
                CREATE TABLE \(events) (
                    workflow_id text COLLATE "C" NOT NULL,
                    sequence bigint NOT NULL,
                    recorded_at bigint NOT NULL,
                    name text NOT NULL,
                    body bytea NOT NULL,
                    PRIMARY KEY (workflow_id, sequence)
                )
                """,
            ],
            // The indexes for listing, claiming and statistics.
            [
                "CREATE INDEX workflows_created ON \(workflows) (created_at, id)",
                "CREATE INDEX workflows_status ON \(workflows) (status, created_at)",
                "CREATE INDEX workflows_type ON \(workflows) (type, created_at)",
                "CREATE INDEX workflows_correlation ON \(workflows) (correlation_id) WHERE correlation_id IS NOT NULL",
                "CREATE INDEX workflows_unfinished ON \(workflows) (created_at, id) WHERE NOT finished",
            ],
        ]
    }

    static var latestVersion: Int { PostgresSchema(name: "baton").migrations.count }

    /// Checks the schema and applies the missing migrations up to `target`, in one transaction
    /// under an advisory lock (replicas starting together migrate once).
    ///
    /// - Throws: `WorkflowError` `.incompatibleStore` when the schema holds something that is not
    ///   a Baton store or a newer version (nothing is modified then).
    func prepare(on connection: PostgresConnection, logger: Logger, upTo target: Int = latestVersion) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("baton-schema:" + name)))", logger: logger)
            let current = try await inspect(connection, logger: logger)
            guard current < target else { return }
            for step in current..<target {
                for statement in migrations[step] {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("UPDATE \(unescaped: version) SET version = \(step + 1)", logger: logger)
            }
        }
    }

    /// The schema's version (0: it does not exist or is empty), without writing anything.
    func inspect(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        let relations = try await connection.query(
            """
            SELECT c.relname::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(name) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """,
            logger: logger
        ).collect().map { try $0.decode(String.self) }
        if relations.isEmpty { return 0 }
        guard relations.contains("baton_schema_version") else {
            throw WorkflowError(
                code: .incompatibleStore,
                message: "PostgreSQL schema '\(name)' holds tables that are not a Baton store (\(relations.sorted().joined(separator: ", "))); refusing to modify it"
            )
        }
        let rows = try await connection.query("SELECT application, version FROM \(unescaped: version)", logger: logger).collect()
        guard rows.count == 1, let (application, found) = try? rows[0].decode((String, Int).self),
            application == Self.application
        else {
            throw WorkflowError(
                code: .incompatibleStore,
                message: "PostgreSQL schema '\(name)' has a baton_schema_version table that Baton did not write; refusing to modify it"
            )
        }
        guard found <= Self.latestVersion else {
            throw WorkflowError(
                code: .incompatibleStore,
                message: "PostgreSQL schema '\(name)' has Baton schema version \(found); this Baton knows up to \(Self.latestVersion). Upgrade Baton."
            )
        }
        return found
    }
}
