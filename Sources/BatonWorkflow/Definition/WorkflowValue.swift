#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A JSON-shaped value: workflow inputs, step outputs and signal payloads.
///
/// Everything a workflow remembers must survive a restart, so the engine keeps values in
/// this persistable form. Typed values go in and out through `Codable`
/// (``init(encoding:)`` and ``decode(_:)``).
public enum WorkflowValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([WorkflowValue])
    case object([String: WorkflowValue])

    /// Encodes any `Encodable` value into its JSON shape: the value `JSONEncoder`'s text would
    /// read back as (see `WorkflowValueEncoder`, which does it without the text).
    public init<T: Encodable>(encoding value: T) throws {
        self = try WorkflowValueEncoder.encode(value)
    }

    /// Decodes a typed value from this JSON shape, as `JSONDecoder` would from its JSON text
    /// (see `WorkflowValueDecoder`, which does it without the text).
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try WorkflowValueDecoder(self).decode(T.self)
    }

    public subscript(key: String) -> WorkflowValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int64(exactly: d)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? container.decode(Double.self) {
            self = .double(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([WorkflowValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: WorkflowValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}

extension WorkflowValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, WorkflowValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(arrayLiteral elements: WorkflowValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}
