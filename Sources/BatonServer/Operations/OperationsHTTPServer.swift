import BatonWorkflow
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The operations port (HTTP/1.1): `GET /metrics` (Prometheus text format), `GET /healthz`
/// (the process is live) and `GET /readyz` (the store answers and no workflow is stuck).
public final class OperationsHTTPServer: Service, Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port.
        public var port = 0
        /// An unfinished, running workflow whose state has not changed for this long (and that is
        /// not waiting for a timer, a signal or a retry) counts as stuck and fails `/readyz`.
        public var stuckAfter: Duration = .seconds(600)

        public init() {}
        public static var defaults: Configuration { Configuration() }
    }

    struct Response: Sendable {
        var status: HTTPResponseStatus
        var contentType: String
        var body: String
    }

    private let configuration: Configuration
    private let metrics: BatonMetrics
    private let engine: WorkflowEngine
    private let clock: any WorkflowClock
    private let logger: Logger
    private let address = Mutex<(SocketAddress?, [CheckedContinuation<SocketAddress, any Error>])>((nil, []))

    public init(configuration: Configuration, metrics: BatonMetrics, engine: WorkflowEngine, clock: any WorkflowClock, logger: Logger) {
        self.configuration = configuration
        self.metrics = metrics
        self.engine = engine
        self.clock = clock
        self.logger = logger
    }

    /// The bound address, once the server listens.
    public var listeningAddress: SocketAddress {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                address.withLock { state in
                    if let bound = state.0 { continuation.resume(returning: bound) } else { state.1.append(continuation) }
                }
            }
        }
    }

    public func run() async throws {
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.pipeline.configureHTTPServerPipeline().flatMap {
                        channel.pipeline.addHandler(OperationsHTTPHandler(server: self))
                    }
                }
                .bind(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            for waiter in address.withLock({ state in defer { state.1 = [] }; return state.1 }) { waiter.resume(throwing: error) }
            throw error
        }
        let bound = channel.localAddress!
        for waiter in address.withLock({ state in defer { state = (bound, []) }; return state.1 }) { waiter.resume(returning: bound) }
        logger.info("operations endpoint listening", metadata: ["address": "\(bound)"])
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }

    func respond(method: HTTPMethod, path: String) async -> Response {
        guard method == .GET || method == .HEAD else {
            return Response(status: .methodNotAllowed, contentType: "text/plain", body: "only GET\n")
        }
        switch path.split(separator: "?").first.map(String.init) ?? path {
        case "/metrics":
            return Response(status: .ok, contentType: "text/plain; version=0.0.4", body: await metrics.exposition())
        case "/healthz":
            return Response(status: .ok, contentType: "text/plain", body: "ok\n")
        case "/readyz":
            return await readiness()
        default:
            return Response(status: .notFound, contentType: "text/plain", body: "not found: /metrics, /healthz, /readyz\n")
        }
    }

    private func readiness() async -> Response {
        let running: [WorkflowSnapshot]
        do {
            running = try await engine.list(WorkflowQuery(status: .running, limit: 1000))
                + engine.list(WorkflowQuery(status: .compensating, limit: 1000))
        } catch {
            return Response(status: .serviceUnavailable, contentType: "text/plain", body: "store unreachable: \(error)\n")
        }
        let now = clock.now()
        let stuck = running.filter { workflow in
            workflow.inFlight == nil && workflow.branchesInFlight.isEmpty && workflow.retryAt == nil && workflow.waitUntil == nil
                && workflow.updatedAt.advanced(by: configuration.stuckAfter) < now
                && workflow.steps.allSatisfy { $0.status != .waiting }
        }
        guard stuck.isEmpty else {
            let ids = stuck.prefix(10).map(\.id).joined(separator: ", ")
            return Response(status: .serviceUnavailable, contentType: "text/plain", body: "\(stuck.count) stuck workflows: \(ids)\n")
        }
        return Response(status: .ok, contentType: "text/plain", body: "ready\n")
    }
}

/// One HTTP/1.1 connection: answers each request, then closes.
private final class OperationsHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: OperationsHTTPServer
    private var head: HTTPRequestHead?

    init(server: OperationsHTTPServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            let server = self.server
            let promise = context.eventLoop.makePromise(of: OperationsHTTPServer.Response.self)
            promise.completeWithTask { await server.respond(method: head.method, path: head.uri) }
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            promise.futureResult.whenSuccess { response in
                let context = loopBound.value
                var headers = HTTPHeaders()
                headers.add(name: "content-type", value: response.contentType)
                headers.add(name: "content-length", value: String(response.body.utf8.count))
                headers.add(name: "connection", value: "close")
                context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers))), promise: nil)
                if head.method != .HEAD {
                    context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                }
                context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
            }
        }
    }
}
