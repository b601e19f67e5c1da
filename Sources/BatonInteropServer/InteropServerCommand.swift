import ArgumentParser
import BatonAllocator
import BatonInterop
import BatonRPC
import Foundation
import Logging
import ServiceLifecycle

/// `baton-interop-server`: serves `grpc.testing.TestService`, health and server reflection, for
/// interoperability tests with other gRPC implementations.
@main
struct InteropServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton-interop-server",
        abstract: "Serve grpc.testing.TestService, health and reflection over Baton's RPC stack."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free port).")
    var port = 50051

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "baton.interop")
        logger.info("starting", metadata: ["allocator": "\(Allocator.name)"])
        let services: [any RPCService] = [InteropTestService(), HealthService()]
        let reflection = ReflectionService(files: BatonInteropProtoFiles.all, hosting: services)
        let server = RPCServer(
            configuration: .defaults {
                $0.host = host
                $0.port = port
            },
            services: services + [reflection],
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            let address = try await server.listeningAddress
            // One machine-readable line so scripts and tests can find the port.
            let line = "listening on \(address.ipAddress ?? host):\(address.port ?? port)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
