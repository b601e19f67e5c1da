import ArgumentParser
import BatonServer
import BatonWorkflow
import BatonWorkflowSQLite
import Foundation
import Logging
import ServiceLifecycle

/// `baton serve`: the coordination server on the embedded store.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the coordination server (WorkflowService, EventService, health, the orchestrators' services)."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "RPC port (0 picks a free port).")
    var port = 7070

    @Option(help: "HTTP port for /metrics, /healthz and /readyz (0 picks a free port; -1 serves none).")
    var httpPort = 7071

    @Option(help: "Workflow store: sqlite:PATH (durable, the default) or memory (lost on exit).")
    var store = "sqlite:baton.sqlite"

    @Option(help: "Name of this replica; it owns the workflows it drives.")
    var owner = "baton"

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "baton")
        let server = try BatonCoordinationServer(
            configuration: .defaults {
                $0.rpc.host = host
                $0.rpc.port = port
                $0.engine.owner = owner
                if httpPort >= 0 {
                    var operations = OperationsHTTPServer.Configuration.defaults
                    operations.host = host
                    operations.port = httpPort
                    $0.operations = operations
                }
            },
            orchestrators: Orchestrators.all(logger: logger),
            store: try openStore(),
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: server.services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            let address = try await server.rpcServer.listeningAddress
            // One machine-readable line so scripts and tests can find the port.
            var line = "listening on \(address.ipAddress ?? host):\(address.port ?? port)"
            if let operations = server.operations, let http = try await operations.listeningAddress.port {
                line += " http \(http)"
            }
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    private func openStore() throws -> any WorkflowStore {
        if store == "memory" { return InMemoryWorkflowStore() }
        guard store.hasPrefix("sqlite:"), store.count > "sqlite:".count else {
            throw ValidationError("--store must be sqlite:PATH or memory, not '\(store)'")
        }
        return try SQLiteWorkflowStore(path: String(store.dropFirst("sqlite:".count)))
    }
}
