/// One `.proto` file compiled into a module: its name, what it imports, the symbols it
/// defines and its serialized `google.protobuf.FileDescriptorProto` (what gRPC server
/// reflection serves). Generated registries (`<Module>ProtoFiles.all`) list these.
public struct ProtoFileDescriptor: Sendable, Hashable {
    /// The file's path relative to `proto/`, e.g. `grpc/testing/test.proto`.
    public let name: String
    /// The protobuf package, e.g. `grpc.testing`.
    public let package: String
    /// The files this one imports (names as above).
    public let dependencies: [String]
    /// Fully qualified names of the messages, enums, services and methods (`Service.Method`)
    /// the file defines.
    public let symbols: [String]
    /// The serialized `FileDescriptorProto`, base64-encoded (cheap to compile as a literal).
    public let serializedBase64: String

    public init(name: String, package: String, dependencies: [String], symbols: [String], serializedBase64: String) {
        self.name = name
        self.package = package
        self.dependencies = dependencies
        self.symbols = symbols
        self.serializedBase64 = serializedBase64
    }

    /// The serialized `FileDescriptorProto`.
    public var serializedFileDescriptor: [UInt8] {
        ProtoFileDescriptor.decodeBase64(serializedBase64)
    }

    /// Decodes standard base64 (the generator's output is always well formed).
    static func decodeBase64(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count / 4 * 3)
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            let value: UInt32
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(character - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(character - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(character - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            default: continue  // padding
            }
            buffer = (buffer << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return output
    }
}
