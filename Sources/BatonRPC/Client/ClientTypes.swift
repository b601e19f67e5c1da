/// Per-call options of ``RPCClient``.
public struct CallOptions: Sendable {
    /// The call's deadline, sent as `grpc-timeout`; the client also gives up with
    /// `DEADLINE_EXCEEDED` when it passes. Nil: no deadline.
    public var timeout: Duration?
    /// Custom request metadata.
    public var metadata: Metadata

    public init(timeout: Duration? = nil, metadata: Metadata = [:]) {
        self.timeout = timeout
        self.metadata = metadata
    }

    public static var defaults: CallOptions { CallOptions() }

    /// The defaults changed by `configure`.
    public static func defaults(_ configure: (inout CallOptions) -> Void) -> CallOptions {
        var options = CallOptions()
        configure(&options)
        return options
    }
}

/// A single response with the metadata that came with it.
public struct RPCResponse<Message: Sendable>: Sendable {
    public var message: Message
    public var initialMetadata: Metadata
    public var trailingMetadata: Metadata
}
