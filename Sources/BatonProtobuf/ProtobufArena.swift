public import CProtobufC

/// Owns the C memory of one lowered message tree; everything is freed at once by
/// ``deallocateAll()``. Used by generated code only, and only within one call.
public final class ProtobufArena {
    @usableFromInline var allocations: [UnsafeMutableRawPointer] = []

    @inlinable public init() {
        allocations.reserveCapacity(8)
    }

    /// Frees every allocation made through this arena.
    @inlinable public func deallocateAll() {
        for allocation in allocations { allocation.deallocate() }
        allocations.removeAll(keepingCapacity: true)
    }

    /// Uninitialised memory for one `T` (generated code then calls protoc-c's `…__init`).
    @inlinable
    public func allocate<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<T>.stride,
            alignment: MemoryLayout<T>.alignment
        )
        allocations.append(raw)
        return raw.bindMemory(to: T.self, capacity: 1)
    }

    /// Uninitialised memory for `count` values of `T`, or nil when `count` is zero.
    @inlinable
    public func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T>? {
        guard count > 0 else { return nil }
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<T>.stride * count,
            alignment: MemoryLayout<T>.alignment
        )
        allocations.append(raw)
        return raw.bindMemory(to: T.self, capacity: count)
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
        let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 1)
        copy.copyMemory(from: source, byteCount: bytes.count)
        allocations.append(copy)
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
