import ArgumentParser
import BatonAllocator
import BatonServer
import BatonWorkflow
import BatonWorkflowPostgres
import BatonWorkflowSQLite
import Foundation
import Logging
import ServiceLifecycle

/// `baton serve`: the coordination server on the embedded store, or one of several replicas on PostgreSQL.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the coordination server (WorkflowService, EventService, health, the orchestrators' services)."
    )

    @Option(help: "Address to listen on [BATON_HOST; default 127.0.0.1].")
    var host: String?

    @Option(help: "RPC port, 0 picks a free port [BATON_PORT; default 7070].")
    var port: Int?

    @Option(help: "HTTP port for /metrics, /healthz and /readyz; 0 picks a free port, --http-port=-1 serves none [BATON_HTTP_PORT; default 7071].")
    var httpPort: Int?

    @Option(help: """
        Workflow store: sqlite:PATH (durable), memory (lost on exit), or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE \
        (shared by several replicas; ?schema=NAME, default baton) [BATON_STORE; default sqlite:baton.sqlite].
        """)
    var store: String?

    @Option(help: "Name of this replica; it owns the workflows it drives [BATON_OWNER; default baton, on PostgreSQL HOSTNAME-PID].")
    var owner: String?

    @Option(help: "How long this replica's claim on a workflow lasts unless renewed; another replica takes over a lapsed one [BATON_LEASE_SECONDS; default none, on PostgreSQL 30].")
    var leaseSeconds: Double?

    @Option(help: "Backends for the orchestrators' contracts: inmemory or rpc [BATON_ADAPTERS; default inmemory].")
    var adapters: String?

    @Option(help: "Atomic services for --adapters rpc, HOST:PORT[,HOST:PORT…] [BATON_SERVICES].")
    var services: String?

    @Option(help: "Least severe log level written to standard error: trace, debug, info, notice, warning, error or critical; debug adds every step's start and end [BATON_LOG_LEVEL; default info].")
    var logLevel: String?

    @Option(help: "A JSON file of settings (keys host, port, http_port, store, owner, lease_seconds, adapters, services, log_level); flags and BATON_* variables win [BATON_CONFIG].")
    var config: String?

    /// Flags, then BATON_* variables, then the file.
    func settings() throws -> ServerSettings {
        var flags: ServerSettings.Source = [:]
        flags["host"] = host
        flags["port"] = port.map(String.init)
        flags["http_port"] = httpPort.map(String.init)
        flags["store"] = store
        flags["owner"] = owner
        flags["lease_seconds"] = leaseSeconds.map { String($0) }
        flags["adapters"] = adapters
        flags["services"] = services
        flags["log_level"] = logLevel
        let environment = ProcessInfo.processInfo.environment
        let file = try (config ?? environment["BATON_CONFIG"]).map { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the configuration file '\(path)'")
            }
            return data
        }
        do {
            return try ServerSettings.resolve(flags: flags, environment: environment, file: file)
        } catch let error as SettingsError {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let settings = try settings()
        bootstrapStandardErrorLogging(level: settings.logLevel)
        let logger = Logger(label: "baton")
        logger.info("starting", metadata: ["allocator": "\(Allocator.name)"])
        let composition = try await Orchestrators.compose(settings: settings, logger: logger)
        let (store, storeService) = try await openStore(settings.store, logger: logger)
        let server = try BatonCoordinationServer(
            configuration: .defaults {
                $0.rpc.host = settings.host
                $0.rpc.port = settings.port
                $0.engine.owner = settings.owner
                $0.engine.leaseDuration = settings.leaseDuration
                if settings.httpPort >= 0 {
                    var operations = OperationsHTTPServer.Configuration.defaults
                    operations.host = settings.host
                    operations.port = settings.httpPort
                    $0.operations = operations
                }
            },
            orchestrators: composition.orchestrators,
            store: store,
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                // The store, then the adapters' health checks first: they stop last, after the server has drained.
                services: ([storeService].compactMap { $0 } + composition.services + server.services).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            let address = try await server.rpcServer.listeningAddress
            // One machine-readable line so scripts and tests can find the ports.
            var line = "listening on \(address.ipAddress ?? settings.host):\(address.port ?? settings.port)"
            if let operations = server.operations, let http = try await operations.listeningAddress.port {
                line += " http \(http)"
            }
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    /// The store, and the service that keeps it working when it has one (PostgreSQL's connection pool).
    private func openStore(_ store: ServerSettings.Store, logger: Logger) async throws -> (any WorkflowStore, (any Service)?) {
        switch store {
        case .memory:
            return (InMemoryWorkflowStore(), nil)
        case .sqlite(let path):
            return (try SQLiteWorkflowStore(path: path), nil)
        case .postgres(let configuration):
            let store = try await PostgresWorkflowStore.connect(configuration, logger: logger)
            return (store, store)
        }
    }
}
