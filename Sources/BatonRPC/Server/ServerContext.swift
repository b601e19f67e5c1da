import Synchronization

/// What a server handler knows about its call, and how it sets response metadata.
public struct ServerContext: Sendable {
    /// The method being called.
    public let method: MethodDescriptor
    /// The client's custom metadata (reserved `grpc-*` and pseudo headers removed).
    public let requestMetadata: Metadata
    /// When the client's `grpc-timeout` expires; nil when the client set none. The server
    /// cancels the handler and answers `DEADLINE_EXCEEDED` at that instant.
    public let deadline: ContinuousClock.Instant?
    /// The client's address, e.g. `127.0.0.1:53422`.
    public let peer: String

    let responseMetadata: ResponseMetadata

    init(method: MethodDescriptor, requestMetadata: Metadata, deadline: ContinuousClock.Instant?, peer: String) {
        self.method = method
        self.requestMetadata = requestMetadata
        self.deadline = deadline
        self.peer = peer
        self.responseMetadata = ResponseMetadata()
    }

    /// Adds metadata to the response headers. Takes effect only before the first response
    /// message is written (or before the handler returns, for a response with no message).
    public func addInitialMetadata(_ metadata: Metadata) {
        responseMetadata.state.withLock { for (key, value) in metadata { $0.initial.append(key, value) } }
    }

    /// Adds metadata to the trailers sent with the status.
    public func addTrailingMetadata(_ metadata: Metadata) {
        responseMetadata.state.withLock { for (key, value) in metadata { $0.trailing.append(key, value) } }
    }
}

/// Response metadata a handler accumulates; read by the connection when it sends headers
/// and trailers.
final class ResponseMetadata: Sendable {
    struct State {
        var initial = Metadata()
        var trailing = Metadata()
    }
    let state = Mutex(State())
}
