import Glibc

/// The header fields the transport handles itself; everything else is metadata.
enum HeaderField: Equatable {
    case method, path, status, contentType, grpcTimeout, grpcEncoding, grpcStatus, grpcMessage
    /// Handled by HTTP/2 or gRPC and never surfaced as metadata.
    case reserved
    /// Custom metadata.
    case metadata

    private static let known: [(StaticString, HeaderField)] = [
        (":method", .method), (":path", .path), (":status", .status),
        ("content-type", .contentType), ("grpc-timeout", .grpcTimeout),
        ("grpc-encoding", .grpcEncoding), ("grpc-status", .grpcStatus), ("grpc-message", .grpcMessage),
        ("te", .reserved), ("grpc-accept-encoding", .reserved), ("grpc-status-details-bin", .reserved),
        ("content-length", .reserved),
    ]

    /// Classifies a received header name by its bytes (no String is built: this runs for
    /// every header of every call).
    init(_ name: UnsafeRawBufferPointer) {
        for (text, field) in Self.known where text.utf8CodeUnitCount == name.count {
            if memcmp(text.utf8Start, name.baseAddress!, name.count) == 0 {
                self = field
                return
            }
        }
        self = name.first == UInt8(ascii: ":") || name.isEmpty ? .reserved : .metadata
    }

    /// Checks a received value against the one gRPC expects: nil when `value` is `expected`
    /// (or, with `prefix`, starts with it); otherwise the value as text, for the error message.
    /// Text is built only for a refusal.
    static func mismatch(_ value: UnsafeRawBufferPointer, _ expected: StaticString, prefix: Bool = false) -> String? {
        let expected = UnsafeRawBufferPointer(start: expected.utf8Start, count: expected.utf8CodeUnitCount)
        let matches = prefix ? value.starts(with: expected) : value.elementsEqual(expected)
        return matches ? nil : String(decoding: value, as: UTF8.self)
    }
}

/// Metadata as received in headers.
enum ReceivedMetadata {
    /// Decodes one metadata entry as received; `-bin` values are base64.
    static func metadataValue(name: String, value: UnsafeRawBufferPointer) -> Metadata.Value? {
        if name.hasSuffix("-bin") {
            guard let bytes = Base64.decode(value) else { return nil }
            return .binary(bytes)
        }
        return .string(String(decoding: value, as: UTF8.self))
    }
}
