/// A registered method, type-erased: decodes requests, runs the typed handler, encodes
/// responses.
struct ServerMethodHandler: Sendable {
    let descriptor: MethodDescriptor
    let kind: RPCKind
    let run: @Sendable (ServerCall) async throws -> Void
}

/// What a running handler talks to: the request messages, the response writer, the context.
struct ServerCall: Sendable {
    let requests: InboundMessages
    let writer: any MessageSink
    let context: ServerContext
}
