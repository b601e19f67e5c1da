/// The error of a failed RPC: a gRPC status code, a message and optional metadata.
///
/// Thrown by clients when a call ends with a non-OK status; thrown by server handlers to end
/// a call with that status (any other error a handler throws becomes `UNKNOWN`).
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A gRPC status code. Only the codes gRPC defines exist; an unknown wire value reads as
    /// ``unknown``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int

        private init(_ rawValue: Int) { self.rawValue = rawValue }

        /// The code for a wire value; values outside 1...16 are ``unknown``. OK is not an error.
        public init?(rawValue: Int) {
            guard rawValue != 0 else { return nil }
            self.init((1...16).contains(rawValue) ? rawValue : 2)
        }

        public static let cancelled = Code(1)
        public static let unknown = Code(2)
        public static let invalidArgument = Code(3)
        public static let deadlineExceeded = Code(4)
        public static let notFound = Code(5)
        public static let alreadyExists = Code(6)
        public static let permissionDenied = Code(7)
        public static let resourceExhausted = Code(8)
        public static let failedPrecondition = Code(9)
        public static let aborted = Code(10)
        public static let outOfRange = Code(11)
        public static let unimplemented = Code(12)
        public static let `internal` = Code(13)
        public static let unavailable = Code(14)
        public static let dataLoss = Code(15)
        public static let unauthenticated = Code(16)

        private static let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
            "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
            "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
            "UNAUTHENTICATED",
        ]

        /// The upper-case gRPC name, e.g. `NOT_FOUND`.
        public var description: String { Self.names[rawValue] }

        /// The code with the upper-case gRPC name `name` (`OK` has none: it is no error).
        public init?(name: String) {
            guard let index = Self.names.firstIndex(of: name), index > 0 else { return nil }
            self.init(index)
        }
    }

    public var code: Code
    public var message: String
    /// Metadata sent with the status (server: trailers to send; client: trailers received).
    public var metadata: Metadata
    /// The underlying error, if this one wraps another (never sent on the wire).
    public var cause: (any Error & Sendable)?

    public init(code: Code, message: String, metadata: Metadata = [:], cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.metadata = metadata
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" }

    public static func == (lhs: RPCError, rhs: RPCError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.metadata == rhs.metadata
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
