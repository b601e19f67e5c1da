public import BatonProtobuf

/// A gRPC service that a ``RPCServer`` hosts.
///
/// Generated service protocols (`<Service>Handler`) conform to it and register their methods;
/// hand-written services may conform directly.
public protocol RPCService: Sendable {
    /// Registers every method of this service with `router`.
    func registerMethods(with router: inout RPCRouter)
}

/// Maps `:path` to the handlers of the services a server hosts.
public struct RPCRouter: Sendable {
    var handlers: [String: ServerMethodHandler] = [:] {
        didSet { table = MethodTable(handlers) }
    }
    /// `handlers` again, for lookups by the raw bytes of `:path`.
    private(set) var table = MethodTable([:])

    public init() {}

    /// The methods registered so far, e.g. for reflection and health.
    public var methods: [String] { handlers.keys.sorted() }

    /// The services registered so far.
    public var services: [String] {
        Array(Set(handlers.values.map(\.descriptor.service))).sorted()
    }

    /// A unary method: one request in, one response out.
    public mutating func registerUnary<Request: ProtobufMessage, Response: ProtobufMessage>(
        _ method: MethodDescriptor,
        request: Request.Type = Request.self,
        response: Response.Type = Response.self,
        handler: nonisolated(nonsending) @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        handlers[method.path] = ServerMethodHandler(descriptor: method, kind: .unary) { call in
            let request: Request = try await call.requests.single()
            let response = try await handler(request, call.context)
            try await call.writer.write(response)
        }
    }

    /// A server-streaming method: one request in, any number of responses out.
    public mutating func registerServerStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
        _ method: MethodDescriptor,
        request: Request.Type = Request.self,
        response: Response.Type = Response.self,
        handler: nonisolated(nonsending) @escaping @Sendable (Request, RPCWriter<Response>, ServerContext) async throws -> Void
    ) {
        handlers[method.path] = ServerMethodHandler(descriptor: method, kind: .serverStreaming) { call in
            let request: Request = try await call.requests.single()
            try await handler(request, RPCWriter(call.writer), call.context)
        }
    }

    /// A client-streaming method: any number of requests in, one response out.
    public mutating func registerClientStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
        _ method: MethodDescriptor,
        request: Request.Type = Request.self,
        response: Response.Type = Response.self,
        handler: nonisolated(nonsending) @escaping @Sendable (RPCRequestStream<Request>, ServerContext) async throws -> Response
    ) {
        handlers[method.path] = ServerMethodHandler(descriptor: method, kind: .clientStreaming) { call in
            let response = try await handler(RPCRequestStream(call.requests), call.context)
            try await call.writer.write(response)
        }
    }

    /// A bidirectional-streaming method: requests and responses flow independently.
    public mutating func registerBidirectionalStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
        _ method: MethodDescriptor,
        request: Request.Type = Request.self,
        response: Response.Type = Response.self,
        handler: nonisolated(nonsending) @escaping @Sendable (RPCRequestStream<Request>, RPCWriter<Response>, ServerContext) async throws -> Void
    ) {
        handlers[method.path] = ServerMethodHandler(descriptor: method, kind: .bidirectionalStreaming) { call in
            try await handler(RPCRequestStream(call.requests), RPCWriter(call.writer), call.context)
        }
    }

    /// Registers every method of `service`.
    public mutating func register(_ service: some RPCService) {
        service.registerMethods(with: &self)
    }
}

/// The four shapes of an RPC.
public enum RPCKind: Sendable, Hashable {
    case unary, serverStreaming, clientStreaming, bidirectionalStreaming
}

/// The handlers by `:path`, found from the header's bytes without building a String (this runs
/// for every call).
struct MethodTable: Sendable {
    private var buckets: [UInt64: [ServerMethodHandler]] = [:]

    init(_ handlers: [String: ServerMethodHandler]) {
        for handler in handlers.values {
            buckets[handler.pathBytes.withUnsafeBytes(Self.hash), default: []].append(handler)
        }
    }

    func handler(forPath path: UnsafeRawBufferPointer) -> ServerMethodHandler? {
        buckets[Self.hash(path)]?.first { $0.matches(path: path) }
    }

    /// FNV-1a: cheap, and enough to spread a server's few hundred paths.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
