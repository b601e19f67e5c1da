/// Names one RPC method: `/<service>/<method>` on the wire.
public struct MethodDescriptor: Hashable, Sendable, CustomStringConvertible {
    /// The fully qualified service name, e.g. `grpc.testing.TestService`.
    public let service: String
    /// The method name, e.g. `UnaryCall`.
    public let method: String
    /// The HTTP/2 `:path` of the method.
    public let path: String

    public init(service: String, method: String) {
        self.service = service
        self.method = method
        self.path = "/\(service)/\(method)"
    }

    public var description: String { path }
}
