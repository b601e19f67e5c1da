/// Header names handled by the transport rather than surfaced as metadata.
enum ReservedHeaders {
    static func isReserved(_ name: some Collection<UInt8>) -> Bool {
        guard let first = name.first else { return true }
        if first == UInt8(ascii: ":") { return true }
        let text = String(decoding: name, as: UTF8.self)
        switch text {
        case "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding",
             "grpc-status", "grpc-message", "grpc-status-details-bin", "content-length":
            return true
        default:
            return false
        }
    }

    /// Decodes one metadata entry as received; `-bin` values are base64.
    static func metadataValue(name: String, value: UnsafeRawBufferPointer) -> Metadata.Value? {
        if name.hasSuffix("-bin") {
            guard let bytes = Base64.decode(value) else { return nil }
            return .binary(bytes)
        }
        return .string(String(decoding: value, as: UTF8.self))
    }
}
