public import BatonRPC
public import BatonReferenceServices
import Synchronization

/// Reference services served on 127.0.0.1 (a real socket), which a test can stop and start
/// again on the same port while their truth lives on.
public final class RunningReferenceServices: Sendable {
    public let references: ReferenceServices
    private let server = Mutex<(server: RPCServer, task: Task<Void, any Error>)?>(nil)
    private let boundPort = Mutex(0)

    public init(_ configuration: ReferenceServices.Configuration = .defaults) throws {
        references = try ReferenceServices(configuration: configuration)
    }

    /// The port the services listen on (the same after a restart).
    public var port: Int { boundPort.withLock { $0 } }
    public var endpoint: LoadBalancedRPCClient.Endpoint { .init(host: "127.0.0.1", port: port) }

    /// Starts serving: on a free port the first time, on the same port after ``stop()``.
    public func start() async throws {
        let server = references.makeServer(.defaults {
            $0.port = port
            $0.shutdownGracePeriod = .zero  // a stop drops calls in flight, like a crash
        })
        let task = Task { try await server.run() }
        self.server.withLock { $0 = (server, task) }
        let address = try await server.listeningAddress
        boundPort.withLock { $0 = address.port ?? 0 }
    }

    /// Stops serving: open calls are cut off and connections closed.
    public func stop() async {
        guard let running = server.withLock({ state in defer { state = nil }; return state }) else { return }
        running.server.beginGracefulShutdown()
        _ = try? await running.task.value
    }

    public static func started(_ configuration: ReferenceServices.Configuration = .defaults) async throws -> RunningReferenceServices {
        let services = try RunningReferenceServices(configuration)
        try await services.start()
        return services
    }
}
