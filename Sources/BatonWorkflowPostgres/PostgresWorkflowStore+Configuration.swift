import BatonWorkflow

import struct Foundation.URLComponents

extension PostgresWorkflowStore {
    /// Where the store lives and how it talks to PostgreSQL.
    ///
    /// Usually made from a URL: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (also
    /// `postgresql://`), with optional query parameters `schema` (default `baton`), `sslmode`
    /// (`disable`, the default, or `require`: TLS with the system's trust roots and the host name
    /// verified), `connect_timeout` (seconds, default 10) and `pool_size` (default 10).
    public struct Configuration: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        /// The PostgreSQL schema (namespace) that holds Baton's tables, created when missing.
        /// Several Baton deployments can share a database under different schemas.
        public var schema: String
        public var tls: TLS
        /// The most connections the store opens (reads, claims and group commits share them).
        public var poolSize: Int
        /// How long opening a connection (TCP, TLS, login) may take before it fails.
        public var connectTimeout: Duration
        /// The most writes in one group commit.
        public var maxBatchSize: Int
        /// How many group commits may be in flight at once, each on its own connection.
        public var concurrentBatches: Int

        public enum TLS: String, Sendable, Hashable {
            case disable
            /// TLS required, the server's certificate verified against the system's trust roots.
            case require
        }

        public init(host: String, port: Int = 5432, username: String, password: String?, database: String) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.schema = "baton"
            self.tls = .disable
            self.poolSize = 10
            self.connectTimeout = .seconds(10)
            self.maxBatchSize = 256
            self.concurrentBatches = 2
        }

        /// Parses `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=…&sslmode=…&connect_timeout=…&pool_size=…]`.
        ///
        /// - Throws: `WorkflowError` `.invalidArgument` naming what is wrong.
        public init(url: String) throws(WorkflowError) {
            func invalid(_ why: String) -> WorkflowError {
                WorkflowError(code: .invalidArgument, message: "'\(Self.redacting(url))' is not a PostgreSQL URL: \(why)")
            }
            guard let components = URLComponents(string: url), let scheme = components.scheme,
                scheme == "postgres" || scheme == "postgresql"
            else {
                throw invalid("expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
            }
            guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
            guard let user = components.user, !user.isEmpty else { throw invalid("no user") }
            let database = String(components.path.drop { $0 == "/" })
            guard !database.isEmpty, !database.contains("/") else { throw invalid("no database (…/DATABASE)") }
            self.init(host: host, port: components.port ?? 5432, username: user, password: components.password, database: database)
            for item in components.queryItems ?? [] {
                let value = item.value ?? ""
                switch item.name {
                case "schema":
                    schema = value
                case "sslmode":
                    guard let mode = TLS(rawValue: value) else { throw invalid("sslmode must be disable or require") }
                    tls = mode
                case "connect_timeout":
                    guard let seconds = Int(value), seconds > 0 else { throw invalid("connect_timeout must be a positive number of seconds") }
                    connectTimeout = .seconds(seconds)
                case "pool_size":
                    guard let size = Int(value), size > 0 else { throw invalid("pool_size must be a positive number") }
                    poolSize = size
                default:
                    throw invalid("unknown parameter '\(item.name)' (known: schema, sslmode, connect_timeout, pool_size)")
                }
            }
            guard Self.isPlainIdentifier(schema) else {
                throw invalid("schema must be a lower-case identifier (a-z, 0-9, _), not '\(schema)'")
            }
        }

        /// The server and database, without the password.
        public var description: String {
            "postgres://\(username)@\(host):\(port)/\(database) (schema \(schema))"
        }

        /// `url` with its password replaced by `***`, for messages.
        static func redacting(_ url: String) -> String {
            guard var components = URLComponents(string: url), components.password != nil else { return url }
            components.password = "***"
            return components.string ?? url
        }

        /// A name that needs no quoting and cannot smuggle SQL: `[a-z_][a-z0-9_]*`, at most 63 bytes.
        static func isPlainIdentifier(_ name: String) -> Bool {
            guard let first = name.utf8.first, name.utf8.count <= 63, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
                return false
            }
            return name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "_")
            }
        }
    }
}
