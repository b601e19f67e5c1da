public import Logging
public import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// A gRPC-compatible HTTP/2 server: libnghttp2 sessions on SwiftNIO channels, one per
/// connection, with handlers run as Swift tasks on their connection's event loop.
///
/// Run it as a `Service` in a `ServiceGroup`; graceful shutdown sends GOAWAY, lets open calls
/// finish within ``Configuration/shutdownGracePeriod``, then cancels what is left.
public final class RPCServer: Service, Sendable {
    public struct Configuration: Sendable {
        /// Address to listen on.
        public var host: String = "127.0.0.1"
        /// Port to listen on; 0 picks a free one (see ``RPCServer/listeningAddress``).
        public var port: Int = 0
        /// Largest request message accepted, checked from its length prefix before buffering;
        /// larger ones get `RESOURCE_EXHAUSTED`.
        public var maxReceiveMessageSize: Int = 4 * 1024 * 1024
        /// SETTINGS_MAX_CONCURRENT_STREAMS advertised to clients.
        public var maxConcurrentStreams: UInt32 = 100
        /// Limit on the size of one request's header list.
        public var maxHeaderListSize: Int = 8192
        /// A connection with no open call for this long is closed with GOAWAY.
        public var idleTimeout: Duration = .seconds(300)
        /// A connection that has not sent the HTTP/2 preface within this time is closed.
        public var handshakeTimeout: Duration = .seconds(10)
        /// How long graceful shutdown waits for open calls before cancelling them.
        public var shutdownGracePeriod: Duration = .seconds(10)
        /// Resets and protocol errors a connection may cause in a burst before it is closed
        /// (Rapid Reset and other floods): its allowance, which refills at `errorsPerSecond`.
        public var errorBurst: Int = 200
        /// How fast a connection's allowance of resets and protocol errors refills: a client that
        /// cancels calls now and then, however long it stays connected, is never closed.
        public var errorsPerSecond: Double = 33
        /// Told about every call the server finishes (for metrics); nil costs nothing per call.
        public var callObserver: (any RPCCallObserver)?

        public init() {}

        public static var defaults: Configuration { Configuration() }

        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration()
            configure(&configuration)
            return configuration
        }
    }

    private enum State {
        case idle
        case starting([CheckedContinuation<SocketAddress, any Error>])
        case running(any Channel, SocketAddress)
        case stopped(any Error)
    }

    public let configuration: Configuration
    private let router: RPCRouter
    private let observers: [any RPCServerLifecycleObserver]
    private let group: any EventLoopGroup
    private let logger: Logger
    private let tracker = ConnectionTracker()
    private let state = Mutex(State.idle)
    private let shutdownRequested = Mutex<(requested: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    /// - Parameters:
    ///   - services: the services to host; their methods are routed by `:path`.
    ///   - eventLoopGroup: where connections run (default: NIO's shared group).
    public init(
        configuration: Configuration = .defaults,
        services: [any RPCService],
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "baton.rpc.server")
    ) {
        self.configuration = configuration
        var router = RPCRouter()
        for service in services { router.register(service) }
        self.router = router
        self.observers = services.compactMap { $0 as? any RPCServerLifecycleObserver }
        self.group = eventLoopGroup
        self.logger = logger
    }

    /// The services this server hosts.
    public var services: [String] { router.services }

    /// The address the server listens on, once it does.
    /// - Throws: the error that stopped the server from listening.
    public var listeningAddress: SocketAddress {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                state.withLock { state in
                    switch state {
                    case .idle: state = .starting([continuation])
                    case .starting(var waiters):
                        waiters.append(continuation)
                        state = .starting(waiters)
                    case .running(_, let address): continuation.resume(returning: address)
                    case .stopped(let error): continuation.resume(throwing: error)
                    }
                }
            }
        }
    }

    /// Listens, serves until graceful shutdown (or ``beginGracefulShutdown()``), then drains.
    public func run() async throws {
        let channel: any Channel
        do {
            channel = try await bind()
        } catch {
            let waiters = state.withLock { state -> [CheckedContinuation<SocketAddress, any Error>] in
                defer { state = .stopped(error) }
                if case .starting(let waiters) = state { return waiters }
                return []
            }
            for waiter in waiters { waiter.resume(throwing: error) }
            throw error
        }
        let address = channel.localAddress!
        let waiters = state.withLock { state -> [CheckedContinuation<SocketAddress, any Error>] in
            defer { state = .running(channel, address) }
            if case .starting(let waiters) = state { return waiters }
            return []
        }
        for waiter in waiters { waiter.resume(returning: address) }
        logger.info("serving", metadata: ["address": "\(address)", "services": "\(router.services.joined(separator: ","))"])

        await withGracefulShutdownHandler {
            await waitForShutdownRequest()
        } onGracefulShutdown: {
            self.beginGracefulShutdown()
        }

        logger.info("shutting down: draining open calls")
        for observer in observers { observer.serverWillShutDown() }
        try? await channel.close()
        tracker.drainAll()
        let drained = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.tracker.waitUntilIdle()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: self.configuration.shutdownGracePeriod)
                return false
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        if !drained {
            logger.warning("grace period over: cancelling the open calls of \(tracker.connectionCount) connections")
            tracker.closeAll()
            await tracker.waitUntilIdle()
        }
        state.withLock { $0 = .stopped(RPCError(code: .unavailable, message: "the server has stopped")) }
        logger.info("stopped")
    }

    /// Asks a running server to stop accepting calls and drain.
    public func beginGracefulShutdown() {
        let waiter = shutdownRequested.withLock { state -> CheckedContinuation<Void, Never>? in
            state.requested = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    private func waitForShutdownRequest() async {
        await withCheckedContinuation { continuation in
            let already = shutdownRequested.withLock { state -> Bool in
                if state.requested { return true }
                state.waiter = continuation
                return false
            }
            if already { continuation.resume() }
        }
    }

    private func bind() async throws -> any Channel {
        let configuration = self.configuration
        let router = self.router
        let tracker = self.tracker
        let logger = self.logger
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ServerConnectionHandler(
                        configuration: configuration,
                        router: router,
                        tracker: tracker,
                        eventLoop: channel.eventLoop,
                        logger: logger
                    )
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
    }
}

/// Observes every call a server finishes (metrics: counts and latency by method and status).
public protocol RPCCallObserver: Sendable {
    /// A call ended: `method` (an empty service for a path no service implements), its status
    /// (nil for OK) and the time from its headers to its status. Runs on the connection's event
    /// loop: record and return.
    func callFinished(method: MethodDescriptor, status: RPCError.Code?, duration: Duration)
}

/// A hosted service that wants to know when the server begins to shut down (health turns
/// NOT_SERVING).
public protocol RPCServerLifecycleObserver: Sendable {
    func serverWillShutDown()
}
