/// An error thrown by the workflow engine's public API and by stores.
///
/// The set of codes is open: new codes may be added without breaking callers
/// (the same shape as `RPCError` and `ServiceGroupError`). At the wire it maps to
/// the gRPC status with the same name.
public struct WorkflowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }

        /// No workflow (or definition) with that identity exists.
        public static let notFound = Code("NOT_FOUND")
        /// The workflow already exists with a different type.
        public static let alreadyExists = Code("ALREADY_EXISTS")
        /// The request is not legal in the workflow's current state (e.g. resume of a running workflow).
        public static let illegalTransition = Code("FAILED_PRECONDITION")
        /// The request or definition is malformed.
        public static let invalidArgument = Code("INVALID_ARGUMENT")
        /// A fenced write lost: another owner or a newer version wrote the workflow first.
        public static let conflict = Code("ABORTED")
        /// The store file is not a Baton store, is corrupt, or has a newer schema.
        public static let incompatibleStore = Code("DATA_LOSS")
        /// The store failed to read or write.
        public static let storageFailure = Code("UNAVAILABLE")
        /// The engine is shutting down and takes no new work.
        public static let shuttingDown = Code("UNAVAILABLE_SHUTTING_DOWN")

        public var description: String { name }
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?

    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(code): \(message) (cause: \(cause))" }
        return "\(code): \(message)"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
