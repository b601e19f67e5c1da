import BatonWorkflow
import BatonWorkflowPostgres
import Logging
import PostgresNIO

import class Foundation.ProcessInfo
import struct Foundation.UUID

/// The PostgreSQL server the tests use: `BATON_TEST_POSTGRES_URL` (`dev/test` starts a throwaway
/// one and sets it). Without it the PostgreSQL tests fail, saying how to get one, unless
/// `BATON_TEST_POSTGRES=skip` says to leave them out. Each test works in a fresh schema of its
/// own, dropped afterwards, so tests run in parallel.
public enum TestPostgres {
    /// False when `BATON_TEST_POSTGRES=skip` leaves the PostgreSQL tests out.
    public static var isEnabled: Bool {
        ProcessInfo.processInfo.environment["BATON_TEST_POSTGRES"] != "skip"
    }

    /// The server's configuration (schema `baton`).
    ///
    /// - Throws: ``Unavailable`` when `BATON_TEST_POSTGRES_URL` is not set.
    public static func configuration() throws -> PostgresWorkflowStore.Configuration {
        guard let url = ProcessInfo.processInfo.environment["BATON_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw Unavailable()
        }
        var configuration = try PostgresWorkflowStore.Configuration(url: url)
        configuration.connectTimeout = .seconds(5)
        configuration.poolSize = 4
        return configuration
    }

    /// `body` with a configuration whose schema is new (unique name, not yet created); the schema
    /// is dropped afterwards.
    public static func withFreshSchema<T>(_ body: (PostgresWorkflowStore.Configuration) async throws -> T) async throws -> T {
        var configuration = try configuration()
        configuration.schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let schema = configuration.schema
        do {
            let result = try await body(configuration)
            try await execute("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE", on: configuration)
            return result
        } catch {
            _ = try? await execute("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE", on: configuration)
            throw error
        }
    }

    /// A fresh schema's store, running, for `body`.
    public static func withStore<T>(_ body: (PostgresWorkflowStore) async throws -> T) async throws -> T {
        try await withFreshSchema { configuration in
            try await PostgresWorkflowStore.withStore(configuration) { store in try await body(store) }
        }
    }

    /// Runs SQL statements on their own connection (setting up foreign schemas, inspecting
    /// tables) and returns the rows of the last one.
    @discardableResult
    public static func execute(_ statements: String..., on configuration: PostgresWorkflowStore.Configuration) async throws -> [PostgresRow] {
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: configuration.host,
                port: configuration.port,
                username: configuration.username,
                password: configuration.password,
                database: configuration.database,
                tls: .disable
            ),
            id: 1,
            logger: logger
        )
        do {
            var rows: [PostgresRow] = []
            for statement in statements {
                rows = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
            }
            try await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static let logger = Logger(label: "baton.test.postgres")

    /// Why a PostgreSQL test cannot run.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String {
            """
            BATON_TEST_POSTGRES_URL is not set, and the PostgreSQL tests need a real server. Run the tests \
            with dev/test (it starts a throwaway PostgreSQL), or start one and export \
            BATON_TEST_POSTGRES_URL=postgres://USER:PASSWORD@127.0.0.1:PORT/DATABASE \
            (or set BATON_TEST_POSTGRES=skip to leave these tests out).
            """
        }
    }
}
