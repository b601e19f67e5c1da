import Synchronization

/// What a server handler knows about its call, and how it sets response metadata.
///
/// A class, immutable but for the response metadata the handler adds: a call's context is
/// handed from the connection to the handler's task and kept by the stream, and each of those
/// copies is one reference rather than every field.
public final class ServerContext: Sendable {
    /// The method being called.
    public let method: MethodDescriptor
    /// The client's custom metadata (reserved `grpc-*` and pseudo headers removed).
    public let requestMetadata: Metadata
    /// When the client's `grpc-timeout` expires; nil when the client set none. The server
    /// cancels the handler and answers `DEADLINE_EXCEEDED` at that instant.
    public let deadline: ContinuousClock.Instant?
    /// The client's address, e.g. `127.0.0.1:53422`.
    public let peer: String

    /// Response metadata the handler accumulates; read by the connection when it sends
    /// headers and trailers.
    let responseMetadata = Mutex(ResponseMetadata())

    init(method: MethodDescriptor, requestMetadata: Metadata, deadline: ContinuousClock.Instant?, peer: String) {
        self.method = method
        self.requestMetadata = requestMetadata
        self.deadline = deadline
        self.peer = peer
    }

    /// Adds metadata to the response headers. Takes effect only before the first response
    /// message is written (or before the handler returns, for a response with no message).
    public func addInitialMetadata(_ metadata: Metadata) {
        responseMetadata.withLock { for (key, value) in metadata { $0.initial.append(key, value) } }
    }

    /// Adds metadata to the trailers sent with the status.
    public func addTrailingMetadata(_ metadata: Metadata) {
        responseMetadata.withLock { for (key, value) in metadata { $0.trailing.append(key, value) } }
    }
}

/// The metadata a handler adds to its response.
struct ResponseMetadata {
    var initial = Metadata()
    var trailing = Metadata()
}
