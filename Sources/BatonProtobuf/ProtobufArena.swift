public import CProtobufC

/// Owns the C memory of one message tree, lowered for packing or unpacked by protobuf-c;
/// everything is freed at once by ``deallocateAll()``. Used by generated code only, and only
/// within one call.
///
/// A bump allocator: memory is carved, in order, out of a first block allocated with the arena
/// itself (its tail) and then out of heap blocks, so a typical message costs one `malloc` where
/// one per structure, array and string used to be the rule.
public final class ProtobufArena: ManagedBuffer<ProtobufArena.Cursor, UInt8> {
    /// Where the next allocation goes, and the heap blocks to free.
    public struct Cursor {
        @usableFromInline var next: UnsafeMutableRawPointer?
        @usableFromInline var end: UnsafeMutableRawPointer?
        @usableFromInline var blocks: [UnsafeMutableRawPointer]

        @inlinable init() {
            next = nil
            end = nil
            blocks = []
        }
    }

    /// Bytes of the first block, allocated with the arena.
    @inlinable static var inlineBytes: Int { 1024 }
    /// Heap blocks are this large; a value over a quarter of it gets a block of its own.
    @inlinable static var blockBytes: Int { 8192 }
    /// Heap blocks' alignment, and the alignment protobuf-c's allocations get: malloc's.
    @inlinable static var blockAlignment: Int { 16 }

    /// A new, empty arena.
    @inlinable public static func make() -> ProtobufArena {
        let arena = unsafeDowncast(create(minimumCapacity: inlineBytes) { _ in Cursor() }, to: ProtobufArena.self)
        arena.withUnsafeMutablePointers { cursor, tail in
            cursor.pointee.next = UnsafeMutableRawPointer(tail)
            cursor.pointee.end = UnsafeMutableRawPointer(tail) + inlineBytes
        }
        return arena
    }

    /// Frees every heap block; the arena must not be used afterwards.
    @inlinable public func deallocateAll() {
        withUnsafeMutablePointerToHeader { cursor in
            for block in cursor.pointee.blocks { block.deallocate() }
            cursor.pointee = Cursor()
        }
    }

    /// `count` uninitialised bytes aligned to `alignment` (at most 16).
    @inlinable
    public func allocateBytes(_ count: Int, alignment: Int) -> UnsafeMutableRawPointer {
        withUnsafeMutablePointerToHeader { cursor in
            if let next = cursor.pointee.next, let end = cursor.pointee.end {
                let start = next.alignedUp(toMultipleOf: alignment)
                if count <= end - start {
                    cursor.pointee.next = start + count
                    return start
                }
            }
            return Self.allocateBlock(for: count, cursor)
        }
    }

    @usableFromInline
    static func allocateBlock(for count: Int, _ cursor: UnsafeMutablePointer<Cursor>) -> UnsafeMutableRawPointer {
        if count > blockBytes / 4 {
            // Its own block: the current one stays in use for the small values that follow.
            let block = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: blockAlignment)
            cursor.pointee.blocks.append(block)
            return block
        }
        let block = UnsafeMutableRawPointer.allocate(byteCount: blockBytes, alignment: blockAlignment)
        cursor.pointee.blocks.append(block)
        cursor.pointee.next = block + count
        cursor.pointee.end = block + blockBytes
        return block
    }

    /// protobuf-c's allocator interface onto this arena, for `protobuf_c_message_unpack`: its
    /// frees do nothing, ``deallocateAll()`` releases the message (no
    /// `protobuf_c_message_free_unpacked`). Valid while the arena lives.
    public var protobufCAllocator: ProtobufCAllocator {
        ProtobufCAllocator(
            alloc: { data, size in
                Unmanaged<ProtobufArena>.fromOpaque(data!)._withUnsafeGuaranteedRef {
                    $0.allocateBytes(size, alignment: ProtobufArena.blockAlignment)
                }
            },
            free: { _, _ in },
            allocator_data: Unmanaged.passUnretained(self).toOpaque()
        )
    }

    /// Uninitialised memory for one `T` (generated code then calls protoc-c's `…__init`).
    @inlinable
    public func allocate<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        allocateBytes(MemoryLayout<T>.stride, alignment: MemoryLayout<T>.alignment).bindMemory(to: T.self, capacity: 1)
    }

    /// Uninitialised memory for `count` values of `T`, or nil when `count` is zero.
    @inlinable
    public func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T>? {
        guard count > 0 else { return nil }
        return allocateBytes(MemoryLayout<T>.stride * count, alignment: MemoryLayout<T>.alignment)
            .bindMemory(to: T.self, capacity: count)
    }

    /// A C array holding `values` (for repeated scalar fields).
    @inlinable
    public func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard let pointer = allocate(T.self, count: values.count) else { return nil }
        _ = UnsafeMutableBufferPointer(start: pointer, count: values.count).initialize(from: values)
        return pointer
    }

    /// A C array built by mapping `values` (for repeated enums, bools, messages and strings).
    @inlinable
    public func map<S, T>(_ values: [S], _ transform: (S) -> T) -> UnsafeMutablePointer<T>? {
        guard let pointer = allocate(T.self, count: values.count) else { return nil }
        for (index, value) in values.enumerated() {
            (pointer + index).initialize(to: transform(value))
        }
        return pointer
    }

    /// protobuf-c binary data holding the UTF-8 bytes of `string`, embedded NULs included.
    @inlinable
    public func binaryData(_ string: String) -> ProtobufCBinaryData {
        var string = string
        return string.withUTF8 { binaryData(UnsafeRawBufferPointer($0)) }
    }

    /// protobuf-c binary data holding a copy of `bytes`.
    @inlinable
    public func binaryData(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        bytes.withUnsafeBytes { binaryData($0) }
    }

    /// Lowers `message` (when present) into this arena, typed as its protoc-c structure `C`.
    @inlinable
    public func lower<M: ProtobufMessage, C>(_ message: M?, as type: C.Type) -> UnsafeMutablePointer<C>? {
        guard let message else { return nil }
        return UnsafeMutableRawPointer(message.lower(in: self)).assumingMemoryBound(to: C.self)
    }

    @inlinable
    func binaryData(_ bytes: UnsafeRawBufferPointer) -> ProtobufCBinaryData {
        guard bytes.count > 0, let source = bytes.baseAddress else {
            return ProtobufCBinaryData(len: 0, data: nil)
        }
        let copy = allocateBytes(bytes.count, alignment: 1)
        copy.copyMemory(from: source, byteCount: bytes.count)
        return ProtobufCBinaryData(len: bytes.count, data: copy.assumingMemoryBound(to: UInt8.self))
    }
}

/// Reading protobuf-c values back into Swift; used by generated `init(lifting:)`.
public enum ProtobufLift {
    /// The bytes of a `bytes` field.
    @inlinable
    public static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let pointer = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: data.len))
    }

    /// The text of a `string` field, which must be valid UTF-8.
    @inlinable
    public static func string(
        _ data: ProtobufCBinaryData,
        field: StaticString
    ) throws(ProtobufDecodingError) -> String {
        guard data.len > 0, let pointer = data.data else { return "" }
        let buffer = UnsafeBufferPointer(start: pointer, count: data.len)
        guard let string = String(validating: buffer, as: UTF8.self) else {
            throw ProtobufDecodingError(
                code: .invalidUTF8,
                message: "string field '\(field)' holds invalid UTF-8"
            )
        }
        return string
    }

    /// The message a protoc-c structure pointer `pointer` holds, or nil when it is null.
    @inlinable
    public static func message<M: ProtobufMessage, C>(
        _ type: M.Type,
        _ pointer: UnsafeMutablePointer<C>?
    ) throws(ProtobufDecodingError) -> M? {
        guard let pointer else { return nil }
        return try M(lifting: UnsafeRawPointer(pointer).assumingMemoryBound(to: ProtobufCMessage.self))
    }

    /// The elements of a repeated field as a Swift buffer (empty when count is zero).
    @inlinable
    public static func buffer<T>(_ pointer: UnsafeMutablePointer<T>?, count: Int) -> UnsafeBufferPointer<T> {
        UnsafeBufferPointer(start: count > 0 ? pointer : nil, count: count)
    }
}
