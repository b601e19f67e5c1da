/// gRPC metadata: ordered key/value pairs sent as HTTP/2 headers or trailers.
///
/// Keys are lower-cased ASCII. Keys ending in `-bin` carry binary values (base64 on the wire);
/// all others carry printable ASCII strings.
public struct Metadata: Hashable, Sendable, ExpressibleByDictionaryLiteral, Sequence {
    public enum Value: Hashable, Sendable {
        case string(String)
        case binary([UInt8])
    }

    public typealias Element = (key: String, value: Value)

    private var storage: [(key: String, value: Value)] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, Value)...) {
        for (key, value) in elements { append(key, value) }
    }

    public var isEmpty: Bool { storage.isEmpty }
    public var count: Int { storage.count }

    /// Appends a value; keys are lower-cased.
    public mutating func append(_ key: String, _ value: Value) {
        storage.append((Self.normalized(key), value))
    }

    /// Appends an entry whose key is lower-case already: a received header name (nghttp2
    /// refuses upper-case ones).
    mutating func append(lowercasedKey key: String, _ value: Value) {
        storage.append((key, value))
    }

    /// Appends a string value.
    public mutating func append(_ key: String, _ value: String) {
        append(key, .string(value))
    }

    /// Appends a binary value; `key` must end in `-bin`.
    public mutating func append(_ key: String, binary value: [UInt8]) {
        append(key, .binary(value))
    }

    /// Every value under `key`.
    public func values(for key: String) -> [Value] {
        let key = Self.normalized(key)
        return storage.filter { $0.key == key }.map(\.value)
    }

    /// The first string value under `key`.
    public subscript(string key: String) -> String? {
        let key = Self.normalized(key)
        for case (key, .string(let value)) in storage { return value }
        return nil
    }

    /// The first binary value under `key`.
    public subscript(binary key: String) -> [UInt8]? {
        let key = Self.normalized(key)
        for case (key, .binary(let value)) in storage { return value }
        return nil
    }

    /// `key` lower-cased; the same string (no copy) when it is lower-case ASCII already, as
    /// keys almost always are.
    private static func normalized(_ key: String) -> String {
        func needsLowering(_ byte: UInt8) -> Bool { (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte >= 0x80 }
        // Scanned as contiguous bytes: iterating the UTF-8 view byte by byte cost more than the
        // lookup it serves.
        let lower = key.utf8.withContiguousStorageIfAvailable { !$0.contains(where: needsLowering) }
            ?? !key.utf8.contains(where: needsLowering)
        return lower ? key : key.lowercased()
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: Value)]> {
        storage.makeIterator()
    }

    public static func == (lhs: Metadata, rhs: Metadata) -> Bool {
        lhs.storage.elementsEqual(rhs.storage) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for (key, value) in storage {
            hasher.combine(key)
            hasher.combine(value)
        }
    }
}
