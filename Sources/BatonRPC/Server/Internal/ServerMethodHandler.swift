import Glibc

/// A registered method, type-erased: decodes requests, runs the typed handler, encodes
/// responses. A class: every call refers to its method, one reference rather than its fields.
final class ServerMethodHandler: Sendable {
    let descriptor: MethodDescriptor
    let kind: RPCKind
    let run: nonisolated(nonsending) @Sendable (ServerCall) async throws -> Void
    /// `descriptor.path` as bytes, to compare with a received `:path`.
    let pathBytes: [UInt8]

    init(descriptor: MethodDescriptor, kind: RPCKind, run: nonisolated(nonsending) @escaping @Sendable (ServerCall) async throws -> Void) {
        self.descriptor = descriptor
        self.kind = kind
        self.run = run
        self.pathBytes = Array(descriptor.path.utf8)
    }

    /// Whether `path` (a received `:path`) names this method.
    func matches(path: UnsafeRawBufferPointer) -> Bool {
        pathBytes.count == path.count && pathBytes.withUnsafeBytes { memcmp($0.baseAddress!, path.baseAddress!, path.count) == 0 }
    }
}

/// What a running handler talks to: the request messages, the response writer, the context.
struct ServerCall: Sendable {
    let requests: InboundMessages
    let writer: any MessageSink
    let context: ServerContext
}
