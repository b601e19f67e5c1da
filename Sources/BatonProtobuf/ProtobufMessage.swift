public import CProtobufC

/// A protobuf message generated from `proto/` by `dev/generate-protos`.
///
/// Generated types are plain Swift values. Encoding and decoding go through libprotobuf-c:
/// a message is *lowered* into protobuf-c's C structure (memory owned by a ``ProtobufArena``)
/// and packed, or unpacked by protobuf-c and *lifted* back into Swift.
///
/// Strings are carried as bytes on the C side, so they round-trip byte-exactly (an embedded
/// NUL included) and decoding rejects invalid UTF-8 with ``ProtobufDecodingError``.
public protocol ProtobufMessage: Sendable, Hashable {
    /// A message with every field at its default value.
    init()

    /// The protobuf-c descriptor of the C structure this message lowers to.
    static var protobufCDescriptor: ProtobufCDescriptor { get }

    /// The fully qualified protobuf name, e.g. `grpc.testing.SimpleRequest`.
    static var protoMessageName: String { get }

    /// Writes this message into a freshly allocated C structure owned by `arena`.
    func lower(in arena: ProtobufArena) -> UnsafeMutablePointer<ProtobufCMessage>

    /// Reads a message from a C structure produced by `protobuf_c_message_unpack`.
    ///
    /// - Throws: ``ProtobufDecodingError`` when a string field holds invalid UTF-8.
    init(lifting message: UnsafePointer<ProtobufCMessage>) throws(ProtobufDecodingError)
}

/// The address of a protobuf-c message descriptor (a C global that lives forever).
public struct ProtobufCDescriptor: @unchecked Sendable {
    public let pointer: UnsafePointer<ProtobufCMessageDescriptor>

    public init(_ pointer: UnsafePointer<ProtobufCMessageDescriptor>) {
        self.pointer = pointer
    }
}

/// A message lowered into protobuf-c's C structure, ready to pack. Only valid inside the
/// closure of ``ProtobufMessage/withLowered(_:)``.
public struct LoweredMessage: ~Copyable {
    @usableFromInline let message: UnsafeMutablePointer<ProtobufCMessage>

    @usableFromInline init(message: UnsafeMutablePointer<ProtobufCMessage>) {
        self.message = message
    }

    /// The exact number of bytes ``pack(into:)`` writes.
    @inlinable public var packedSize: Int {
        protobuf_c_message_get_packed_size(message)
    }

    /// Packs the message into `buffer`, which holds at least ``packedSize`` bytes.
    /// - Returns: the number of bytes written.
    @inlinable @discardableResult
    public func pack(into buffer: UnsafeMutableRawPointer) -> Int {
        protobuf_c_message_pack(message, buffer.assumingMemoryBound(to: UInt8.self))
    }
}

extension ProtobufMessage {
    /// Lowers the message once and hands it to `body`, which may size and pack it.
    @inlinable
    public func withLowered<R, E: Error>(_ body: (borrowing LoweredMessage) throws(E) -> R) throws(E) -> R {
        let arena = ProtobufArena.make()
        defer { arena.deallocateAll() }
        return try body(LoweredMessage(message: self.lower(in: arena)))
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        withLowered { lowered in
            let size = lowered.packedSize
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = size == 0 ? 0 : lowered.pack(into: buffer.baseAddress!)
            }
        }
    }

    /// Decodes a message from its protobuf encoding.
    ///
    /// Unknown fields are tolerated and dropped.
    /// - Throws: ``ProtobufDecodingError`` when the bytes are not a valid encoding of this
    ///   message, or a string field holds invalid UTF-8.
    public init(serializedBytes bytes: UnsafeRawBufferPointer) throws(ProtobufDecodingError) {
        // The unpacked structure lives in an arena, freed as a whole once lifted.
        let arena = ProtobufArena.make()
        defer { arena.deallocateAll() }
        // protobuf-c wants a non-null pointer even for an empty message.
        var empty: UInt8 = 0
        var allocator = arena.protobufCAllocator
        let unpacked: UnsafeMutablePointer<ProtobufCMessage>? = withUnsafeMutablePointer(to: &empty) { emptyPointer in
            let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(emptyPointer)
            return protobuf_c_message_unpack(Self.protobufCDescriptor.pointer, &allocator, bytes.count, base)
        }
        guard let unpacked else {
            throw ProtobufDecodingError(
                code: .malformed,
                message: "invalid protobuf encoding of \(Self.protoMessageName) (\(bytes.count) bytes)"
            )
        }
        try self.init(lifting: unpacked)
    }

    /// Decodes a message from its protobuf encoding.
    public init(serializedBytes bytes: some Collection<UInt8>) throws(ProtobufDecodingError) {
        let result: Result<Self, ProtobufDecodingError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(ProtobufDecodingError) in try Self(serializedBytes: UnsafeRawBufferPointer(buffer)) }
        }
        if let result {
            self = try result.get()
        } else {
            let array = Array(bytes)
            let result = array.withUnsafeBytes { buffer in
                Result { () throws(ProtobufDecodingError) in try Self(serializedBytes: buffer) }
            }
            self = try result.get()
        }
    }
}
