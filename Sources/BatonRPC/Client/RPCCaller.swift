public import BatonProtobuf

/// Where calls go: one connection (``RPCClient``) or several endpoints of one service behind
/// round-robin and circuit breakers (``LoadBalancedRPCClient``). Generated clients take any
/// caller, so choosing between them is a wiring decision.
public protocol RPCCaller: Sendable {
    func unary<Request: ProtobufMessage, Response: ProtobufMessage>(
        _ method: MethodDescriptor,
        request: Request,
        responseType: Response.Type,
        options: CallOptions
    ) async throws -> RPCResponse<Response>

    func serverStreaming<Request: ProtobufMessage, Response: ProtobufMessage, Result: Sendable>(
        _ method: MethodDescriptor,
        request: Request,
        responseType: Response.Type,
        options: CallOptions,
        handler: (RPCResponseStream<Response>) async throws -> Result
    ) async throws -> Result

    func clientStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
        _ method: MethodDescriptor,
        requestType: Request.Type,
        responseType: Response.Type,
        options: CallOptions,
        requests: (RPCRequestWriter<Request>) async throws -> Void
    ) async throws -> RPCResponse<Response>

    func bidirectionalStreaming<Request: ProtobufMessage, Response: ProtobufMessage, Result: Sendable>(
        _ method: MethodDescriptor,
        requestType: Request.Type,
        responseType: Response.Type,
        options: CallOptions,
        handler: (RPCRequestWriter<Request>, RPCResponseStream<Response>) async throws -> Result
    ) async throws -> Result
}

extension RPCClient: RPCCaller {}
