/// Why a protobuf message could not be decoded.
public struct ProtobufDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of failure. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case malformed
            case invalidUTF8
        }
        private let value: Value

        /// The bytes are not a valid protobuf encoding of the message.
        public static let malformed = Code(value: .malformed)
        /// A `string` field holds bytes that are not valid UTF-8.
        public static let invalidUTF8 = Code(value: .invalidUTF8)

        public var description: String {
            switch value {
            case .malformed: "malformed"
            case .invalidUTF8: "invalid UTF-8"
            }
        }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
