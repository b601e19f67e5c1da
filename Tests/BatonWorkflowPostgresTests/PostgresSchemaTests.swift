import BatonPostgresTesting
import BatonWorkflow
import Logging
import PostgresNIO
import Testing

@testable import BatonWorkflowPostgres

/// Migrations on a real PostgreSQL server (`BATON_TEST_POSTGRES_URL`), each test in a fresh schema.
@Suite("PostgreSQL schema", .enabled(if: TestPostgres.isEnabled))
struct PostgresSchemaTests {
    static let logger = Logger(label: "test")

    static func version(_ configuration: PostgresWorkflowStore.Configuration) async throws -> Int? {
        let rows = try await TestPostgres.execute("SELECT version FROM \"\(configuration.schema)\".baton_schema_version", on: configuration)
        return try rows.first?.decode(Int.self)
    }

    static func tables(_ configuration: PostgresWorkflowStore.Configuration) async throws -> [String] {
        let rows = try await TestPostgres.execute(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = '\(configuration.schema)' ORDER BY tablename",
            on: configuration
        )
        return try rows.map { try $0.decode(String.self) }
    }

    static func indexes(_ configuration: PostgresWorkflowStore.Configuration) async throws -> Int {
        let rows = try await TestPostgres.execute("SELECT count(*) FROM pg_indexes WHERE schemaname = '\(configuration.schema)'", on: configuration)
        return try rows.first?.decode(Int.self) ?? 0
    }

    @Test("a fresh schema is created at the latest version; reopening keeps the data and changes nothing")
    func freshAndReopen() async throws {
        try await TestPostgres.withFreshSchema { (configuration: PostgresWorkflowStore.Configuration) async throws in
            let (machine, event) = WorkflowStateMachine.create(
                definition: WorkflowDefinition("job") { StepDefinition.call("a", action: { _ in .null }) },
                id: "w1", input: .null, correlationID: nil, now: WorkflowInstant(nanosecondsSinceEpoch: 1)
            )
            try await PostgresWorkflowStore.withStore(configuration) { (store: PostgresWorkflowStore) async throws in
                _ = try await store.create(machine.snapshot, events: [event], owner: "a", leaseUntil: WorkflowInstant(nanosecondsSinceEpoch: .max))
            }
            #expect(try await Self.version(configuration) == PostgresSchema.latestVersion)
            #expect(try await Self.tables(configuration) == ["baton_schema_version", "workflow_events", "workflows"])
            let indexes = try await Self.indexes(configuration)
            try await PostgresWorkflowStore.withStore(configuration) { (store: PostgresWorkflowStore) async throws in
                #expect(try await store.snapshot(id: "w1") == machine.snapshot)
                #expect(try await store.history(id: "w1") == [event])
            }
            #expect(try await Self.version(configuration) == PostgresSchema.latestVersion)
            #expect(try await Self.indexes(configuration) == indexes)
        }
    }

    @Test("an older schema is upgraded when opened")
    func upgrade() async throws {
        try await TestPostgres.withFreshSchema { (configuration: PostgresWorkflowStore.Configuration) async throws in
            try await PostgresWorkflowStore.withConnection(configuration, logger: Self.logger) { connection in
                try await PostgresSchema(name: configuration.schema).prepare(on: connection, logger: Self.logger, upTo: 1)
            }
            #expect(try await Self.version(configuration) == 1)
            let before = try await Self.indexes(configuration)
            try await PostgresWorkflowStore.withStore(configuration) { (store: PostgresWorkflowStore) async throws in
                #expect(try await store.count(WorkflowQuery()) == 0)
            }
            #expect(try await Self.version(configuration) == 2)
            #expect(try await Self.indexes(configuration) == before + 5)
        }
    }

    @Test("a schema holding another application's tables is refused and left unmodified")
    func foreignSchema() async throws {
        try await TestPostgres.withFreshSchema { (configuration: PostgresWorkflowStore.Configuration) async throws in
            let schema = "\"\(configuration.schema)\""
            try await TestPostgres.execute(
                "CREATE SCHEMA \(schema)",
                "CREATE TABLE \(schema).workflows (id text PRIMARY KEY, owner text)",
                "INSERT INTO \(schema).workflows VALUES ('theirs', 'someone')",
                on: configuration
            )
            await #expect {
                try await PostgresWorkflowStore.connect(configuration)
            } throws: { error in
                guard let error = error as? WorkflowError else { return false }
                return error.code == .incompatibleStore && error.message.contains("not a Baton store")
            }
            #expect(try await Self.tables(configuration) == ["workflows"])
            let rows = try await TestPostgres.execute("SELECT id, owner FROM \(schema).workflows", on: configuration)
            #expect(try rows.map { try $0.decode((String, String?).self) }.map { "\($0.0):\($0.1 ?? "-")" } == ["theirs:someone"])
        }
    }

    @Test("a schema of a newer Baton is refused and left unmodified")
    func newerSchema() async throws {
        try await TestPostgres.withFreshSchema { (configuration: PostgresWorkflowStore.Configuration) async throws in
            try await PostgresWorkflowStore.withStore(configuration) { _ in }
            try await TestPostgres.execute("UPDATE \"\(configuration.schema)\".baton_schema_version SET version = 99", on: configuration)
            await #expect {
                try await PostgresWorkflowStore.connect(configuration)
            } throws: { error in
                guard let error = error as? WorkflowError else { return false }
                return error.code == .incompatibleStore && error.message.contains("version 99") && error.message.contains("Upgrade Baton")
            }
            #expect(try await Self.version(configuration) == 99)
        }
    }

    @Test("replicas opening a fresh schema at the same time migrate it once")
    func concurrentOpen() async throws {
        try await TestPostgres.withFreshSchema { (configuration: PostgresWorkflowStore.Configuration) async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await PostgresWorkflowStore.withStore(configuration) { _ in } }
                }
                try await group.waitForAll()
            }
            #expect(try await Self.version(configuration) == PostgresSchema.latestVersion)
        }
    }
}
