#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes a `Decodable` straight from a ``WorkflowValue`` tree, with the results (and
/// refusals) of encoding the tree to JSON and decoding that with `JSONDecoder`'s default
/// strategies, without the bytes in between: every typed step reads its input this way.
///
/// The JSON rules it keeps: a number converts to any numeric type that holds it exactly
/// (`2.0` is an `Int`, `2` a `Double`, either a `Decimal`); `Data` is a Base64 string; `Date` is seconds since
/// 2001 (its own `Codable`); `URL` is a string; a missing key and `null` both decode as nil.
/// One difference, on purpose: a `WorkflowValue` inside decodes as itself (JSON text would
/// turn `2.0` into `2`).
struct WorkflowValueDecoder: Decoder {
    let value: WorkflowValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: WorkflowValue, codingPath: [any CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is Data.Type:
            guard case .string(let base64) = value, let data = Data(base64Encoded: base64) else {
                throw mismatch(type, "a Base64 string")
            }
            return data as! T
        case is Decimal.Type:
            switch value {
            case .int(let int): return Decimal(int) as! T
            case .double(let double):
                guard let decimal = Decimal(string: "\(double)") else { throw mismatch(type, "a number") }
                return decimal as! T
            default: throw mismatch(type, "a number")
            }
        case is URL.Type:
            guard case .string(let string) = value, let url = URL(string: string) else { throw mismatch(type, "a URL string") }
            return url as! T
        case is WorkflowValue.Type:
            return value as! T
        default:
            return try T(from: self)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch([String: WorkflowValue].self, "an object") }
        return KeyedDecodingContainer(Keyed<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = value else { throw mismatch([WorkflowValue].self, "an array") }
        return Unkeyed(array: array, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func mismatch(_ type: Any.Type, _ expected: String) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.kind)"))
    }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: [String: WorkflowValue]
        let codingPath: [any CodingKey]

        var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }
        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

        func decoder(for key: Key) throws -> WorkflowValueDecoder {
            guard let value = object[key.stringValue] else {
                throw DecodingError.keyNotFound(
                    key,
                    .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)")
                )
            }
            return WorkflowValueDecoder(value, codingPath: codingPath + [key])
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            (object[key.stringValue] ?? .null) == .null
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try decoder(for: key).decode(type)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let value = object[key.stringValue], value != .null else { return nil }
            return try WorkflowValueDecoder(value, codingPath: codingPath + [key]).decode(type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try decoder(for: key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try decoder(for: key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            WorkflowValueDecoder(object["super"] ?? .null, codingPath: codingPath + [WorkflowValueKey("super")])
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            WorkflowValueDecoder(object[key.stringValue] ?? .null, codingPath: codingPath + [key])
        }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        let array: [WorkflowValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0

        init(array: [WorkflowValue], codingPath: [any CodingKey]) {
            self.array = array
            self.codingPath = codingPath
        }

        var count: Int? { array.count }
        var isAtEnd: Bool { currentIndex >= array.count }

        mutating func next(_ type: Any.Type) throws -> WorkflowValueDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(
                    type,
                    .init(codingPath: codingPath + [WorkflowValueKey(index: currentIndex)], debugDescription: "Unkeyed container is at end.")
                )
            }
            defer { currentIndex += 1 }
            return WorkflowValueDecoder(array[currentIndex], codingPath: codingPath + [WorkflowValueKey(index: currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, array[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try next(type).decode(type)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next([String: WorkflowValue].self).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next([WorkflowValue].self).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder {
            try next(WorkflowValue.self)
        }
    }
}

extension WorkflowValueDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let bool) = value else { throw mismatch(type, "a boolean") }
        return bool
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let string) = value else { throw mismatch(type, "a string") }
        return string
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .double(let double): return double
        case .int(let int): return Double(int)
        default: throw mismatch(type, "a number")
        }
    }

    func decode(_ type: Float.Type) throws -> Float {
        let double = try decode(Double.self)
        guard double.isFinite, abs(double) <= Double(Float.greatestFiniteMagnitude) else { throw notRepresentable(type) }
        return Float(double)
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        switch value {
        case .int(let int):
            guard let exact = I(exactly: int) else { throw notRepresentable(type) }
            return exact
        case .double(let double):
            guard let exact = I(exactly: double) else { throw notRepresentable(type) }
            return exact
        default:
            throw mismatch(type, "a number")
        }
    }

    private func notRepresentable(_ type: Any.Type) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Number \(value) does not fit in \(type)."))
    }
}

/// A coding key for array positions and `super`.
struct WorkflowValueKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init(index: Int) {
        stringValue = "Index \(index)"
        intValue = index
    }

    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { self.init(index: intValue) }
}

extension WorkflowValue {
    /// The kind of value, for error messages.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension DecodingError {
    /// Where in the value decoding failed and why, in one line for a status message:
    /// `at lines[0].quantity: expected a number, found a string`.
    public var summary: String {
        let context: Context
        let reason: String
        switch self {
        case .typeMismatch(_, let c): (context, reason) = (c, c.debugDescription)
        case .valueNotFound(let type, let c): (context, reason) = (c, "no value of type \(type)")
        case .keyNotFound(let key, let c): (context, reason) = (c, "the key '\(key.stringValue)' is missing")
        case .dataCorrupted(let c): (context, reason) = (c, c.debugDescription)
        @unknown default: return String(describing: self)
        }
        var path = ""
        for key in context.codingPath {
            if let index = key.intValue { path += "[\(index)]" } else { path += path.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return path.isEmpty ? reason : "at \(path): \(reason)"
    }
}
