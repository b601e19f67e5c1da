public import BatonProtobuf
public import NIOCore
import NIOPosix
import Synchronization

/// A gRPC client for any gRPC server, over one HTTP/2 connection (libnghttp2 on SwiftNIO).
///
/// Calls are multiplexed on the connection. The connection is opened by the first call and
/// re-opened by the next call after it drops; a call that cannot connect fails with
/// `UNAVAILABLE`. Failed calls throw ``RPCError`` with the server's status and message.
public final class RPCClient: Sendable {
    public struct Configuration: Sendable {
        /// Largest response message accepted (checked from its length prefix).
        public var maxReceiveMessageSize: Int = 4 * 1024 * 1024
        /// How long to wait for a TCP connection.
        public var connectTimeout: Duration = .seconds(5)

        public init() {}

        public static var defaults: Configuration { Configuration() }

        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration()
            configure(&configuration)
            return configuration
        }
    }

    private struct Connection: @unchecked Sendable {
        let channel: any Channel
        let handler: ClientConnectionHandler
    }

    private enum State {
        case idle
        case connecting(EventLoopFuture<Connection>)
        case ready(Connection)
        case closed
    }

    public let host: String
    public let port: Int
    public let configuration: Configuration
    private let group: any EventLoopGroup
    private let state = Mutex(State.idle)

    public init(
        host: String,
        port: Int,
        configuration: Configuration = .defaults,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.host = host
        self.port = port
        self.configuration = configuration
        self.group = eventLoopGroup
    }

    /// Closes the connection; later calls fail with `UNAVAILABLE`.
    public func close() async {
        let connection = state.withLock { state -> Connection? in
            defer { state = .closed }
            if case .ready(let connection) = state { return connection }
            return nil
        }
        if let connection {
            connection.channel.eventLoop.execute { connection.handler.close() }
            try? await connection.channel.closeFuture.get()
        }
    }

    // MARK: Calls

    /// A unary call.
    public func unary<Request: ProtobufMessage, Response: ProtobufMessage>(
        _ method: MethodDescriptor,
        request: Request,
        responseType: Response.Type = Response.self,
        options: CallOptions = .defaults
    ) async throws -> RPCResponse<Response> {
        try await withStream(method, options: options, request: request) { stream in
            let message = try await stream.inbound.single(Response.self)
            return RPCResponse(
                message: message,
                initialMetadata: try await stream.initialMetadata(),
                trailingMetadata: stream.trailingMetadata
            )
        }
    }

    /// A server-streaming call: `handler` reads the responses.
    public func serverStreaming<Request: ProtobufMessage, Response: ProtobufMessage, Result: Sendable>(
        _ method: MethodDescriptor,
        request: Request,
        responseType: Response.Type = Response.self,
        options: CallOptions = .defaults,
        handler: (RPCResponseStream<Response>) async throws -> Result
    ) async throws -> Result {
        try await withStream(method, options: options, request: request) { stream in
            try await handler(RPCResponseStream(stream))
        }
    }

    /// A client-streaming call: `requests` writes the requests; the request stream ends when
    /// it returns.
    public func clientStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
        _ method: MethodDescriptor,
        requestType: Request.Type = Request.self,
        responseType: Response.Type = Response.self,
        options: CallOptions = .defaults,
        requests: (RPCRequestWriter<Request>) async throws -> Void
    ) async throws -> RPCResponse<Response> {
        try await withStream(method, options: options) { stream in
            try await requests(RPCRequestWriter(stream))
            stream.halfClose()
            let message = try await stream.inbound.single(Response.self)
            return RPCResponse(
                message: message,
                initialMetadata: try await stream.initialMetadata(),
                trailingMetadata: stream.trailingMetadata
            )
        }
    }

    /// A bidirectional-streaming call: `handler` writes requests and reads responses in any
    /// order; the request stream ends at ``RPCRequestWriter/finish()`` or when it returns.
    public func bidirectionalStreaming<Request: ProtobufMessage, Response: ProtobufMessage, Result: Sendable>(
        _ method: MethodDescriptor,
        requestType: Request.Type = Request.self,
        responseType: Response.Type = Response.self,
        options: CallOptions = .defaults,
        handler: (RPCRequestWriter<Request>, RPCResponseStream<Response>) async throws -> Result
    ) async throws -> Result {
        try await withStream(method, options: options) { stream in
            let result = try await handler(RPCRequestWriter(stream), RPCResponseStream(stream))
            stream.halfClose()
            return result
        }
    }

    /// Opens a stream, runs `body`, and cancels the stream if it has not ended by then (or
    /// when the calling task is cancelled).
    ///
    /// With a `request` (unary and server-streaming calls), the stream opens with that one
    /// message and its end: headers, message and END_STREAM go out in the same hop to the
    /// event loop, and the caller's task does not wait for the write.
    private func withStream<Result>(
        _ method: MethodDescriptor,
        options: CallOptions,
        request: (any ProtobufMessage)? = nil,
        _ body: (ClientStream) async throws -> Result
    ) async throws -> Result {
        let connection = try await connection()
        let eventLoop = connection.channel.eventLoop
        let stream = ClientStream(
            method: method,
            connection: connection.handler,
            eventLoop: eventLoop,
            maxMessageSize: configuration.maxReceiveMessageSize
        )
        stream.onLoop {
            if let request { stream.enqueueOnly(request) }
            connection.handler.open(stream, options: options)
        }
        return try await withTaskCancellationHandler {
            do {
                let result = try await body(stream)
                stream.cancel(RPCError(code: .cancelled, message: "the caller finished with \(method) before it ended"))
                return result
            } catch is CancellationError {
                let error = RPCError(code: .cancelled, message: "the call to \(method) was cancelled")
                stream.cancel(error)
                throw error
            } catch {
                stream.cancel(RPCError(code: .cancelled, message: "the caller abandoned \(method)"))
                throw error
            }
        } onCancel: {
            stream.cancel(RPCError(code: .cancelled, message: "the call to \(method) was cancelled"))
        }
    }

    private func connection() async throws -> Connection {
        // The usual case, an open connection, needs no future (whose `get` would suspend).
        if let ready = state.withLock({ state -> Connection? in
            if case .ready(let connection) = state, connection.channel.isActive { return connection }
            return nil
        }) {
            return ready
        }
        let (future, connect) = state.withLock { state -> (EventLoopFuture<Connection>?, Bool) in
            switch state {
            case .ready(let connection) where connection.channel.isActive:
                return (connection.channel.eventLoop.makeSucceededFuture(connection), false)
            case .connecting(let future):
                return (future, false)
            case .closed:
                return (nil, false)
            case .idle, .ready:
                let future = makeConnection()
                state = .connecting(future)
                return (future, true)
            }
        }
        guard let future else {
            throw RPCError(code: .unavailable, message: "the client is closed")
        }
        do {
            let connection = try await future.get()
            if connect {
                state.withLock { state in
                    if case .connecting = state { state = .ready(connection) }
                }
            }
            return connection
        } catch {
            if connect {
                state.withLock { state in
                    if case .connecting = state { state = .idle }
                }
            }
            throw RPCError(code: .unavailable, message: "cannot connect to \(host):\(port): \(error)", cause: error)
        }
    }

    private func makeConnection() -> EventLoopFuture<Connection> {
        let authority = "\(host):\(port)"
        let timeout = TimeAmount(configuration.connectTimeout)
        return ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture { [weak self] in
                    let handler = ClientConnectionHandler(authority: authority) { [weak self] in
                        self?.connectionClosed(channel)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: port)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
                return Connection(channel: channel, handler: handler)
            }
    }

    private func connectionClosed(_ channel: any Channel) {
        state.withLock { state in
            if case .ready(let connection) = state, connection.channel === channel { state = .idle }
        }
    }
}

/// The responses of a streaming call, in order. Ends normally when the server sends an OK
/// status; throws ``RPCError`` otherwise.
public struct RPCResponseStream<Message: ProtobufMessage>: AsyncSequence, Sendable {
    public typealias Element = Message
    let stream: ClientStream

    init(_ stream: ClientStream) { self.stream = stream }

    /// The metadata of the response headers.
    public var initialMetadata: Metadata {
        get async throws { try await stream.initialMetadata() }
    }

    /// The metadata of the trailers; complete once iteration has finished.
    public var trailingMetadata: Metadata { stream.trailingMetadata }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: ClientStream
        public mutating func next() async throws -> Message? {
            try await stream.inbound.next(Message.self)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: stream) }
}

/// Writes the requests of a client- or bidirectional-streaming call.
public struct RPCRequestWriter<Message: ProtobufMessage>: Sendable {
    let stream: ClientStream

    init(_ stream: ClientStream) { self.stream = stream }

    /// Sends one request; suspends while the server is not reading fast enough.
    public func write(_ message: Message) async throws {
        try await stream.write(message)
    }

    /// Ends the request stream (half-close). Later writes fail.
    public func finish() {
        stream.halfClose()
    }
}
