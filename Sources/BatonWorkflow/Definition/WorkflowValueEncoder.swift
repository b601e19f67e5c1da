#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes an `Encodable` straight into a ``WorkflowValue`` tree, with the tree `JSONEncoder`'s
/// default strategies would give once their JSON text is read back as a `WorkflowValue`,
/// without the text: every typed step hands its output over this way.
///
/// The JSON rules it keeps: a number that is a whole number within `Int64` is an `.int` (so
/// `2.0` becomes `2`), other numbers `.double`, a `Float` as its shortest decimal form; NaN and
/// infinities are refused; `Data` is a Base64 string, `URL` its absolute string, `Decimal` a
/// number, `Date` seconds since 2001 (its own `Codable`); nil optionals are left out of objects.
final class WorkflowValueEncoder: Encoder {
    /// A value under construction: containers hand out children that are filled in later.
    final class Node {
        enum Content {
            case empty
            case value(WorkflowValue)
            case object([String: Node])
            case array([Node])
        }

        var content = Content.empty

        func build() -> WorkflowValue {
            switch content {
            case .empty: return .object([:])
            case .value(let value): return value
            case .object(let children): return .object(children.mapValues { $0.build() })
            case .array(let children): return .array(children.map { $0.build() })
            }
        }

        // The children are taken out of `content` before they change, so that they stay uniquely
        // referenced and grow in place rather than being copied for every key or element.

        func child(forKey key: String) -> Node {
            let node = Node()
            if case .object(var children) = content {
                content = .empty
                children[key] = node
                content = .object(children)
            } else {
                content = .object([key: node])
            }
            return node
        }

        func appendChild() -> Node {
            let node = Node()
            if case .array(var children) = content {
                content = .empty
                children.append(node)
                content = .array(children)
            } else {
                content = .array([node])
            }
            return node
        }
    }

    /// Where a nested encoder sits in its parent's value.
    enum Position {
        case key(any CodingKey)
        case index(Int)
    }

    let node: Node
    /// The encoder this one is nested in, and where: the coding path is built from them only when
    /// asked for (by an error), instead of an array and a key for every value encoded.
    private let parent: WorkflowValueEncoder?
    private let position: Position?
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: Node = Node(), parent: WorkflowValueEncoder? = nil, position: Position? = nil) {
        self.node = node
        self.parent = parent
        self.position = position
    }

    var codingPath: [any CodingKey] {
        guard let parent, let position else { return [] }
        switch position {
        case .key(let key): return parent.codingPath + [key]
        case .index(let index): return parent.codingPath + [WorkflowValueKey(index: index)]
        }
    }

    /// The tree of `value`.
    static func encode<T: Encodable>(_ value: T) throws -> WorkflowValue {
        let encoder = WorkflowValueEncoder()
        try encoder.encodeValue(value)
        if case .empty = encoder.node.content {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return encoder.node.build()
    }

    /// Encodes `value` into this encoder's node, with the JSON special cases.
    func encodeValue<T: Encodable>(_ value: T) throws {
        // Compared by type first: a dynamic cast for each of the four, on every value encoded,
        // cost more than encoding most values.
        if T.self == Data.self {
            node.content = .value(.string((value as! Data).base64EncodedString()))
        } else if T.self == URL.self {
            node.content = .value(.string((value as! URL).absoluteString))
        } else if T.self == Decimal.self {
            node.content = .value(try number(Double("\(value as! Decimal)"), value))
        } else if T.self == WorkflowValue.self {
            node.content = .value(Self.normalized(value as! WorkflowValue))
        } else {
            try value.encode(to: self)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([:]) }
        return KeyedEncodingContainer(Keyed<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return Unkeyed(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    /// A number as JSON text would carry it.
    func number(_ double: Double?, _ original: Any) throws -> WorkflowValue {
        guard let double, double.isFinite else {
            throw EncodingError.invalidValue(original, .init(codingPath: codingPath, debugDescription: "Unable to encode \(original) directly in JSON."))
        }
        if double == double.rounded(), let int = Int64(exactly: double) { return .int(int) }
        return .double(double)
    }

    /// `tree` as it reads back from its JSON text (whole doubles become ints).
    static func normalized(_ tree: WorkflowValue) -> WorkflowValue {
        switch tree {
        case .double(let double) where double == double.rounded(): return Int64(exactly: double).map(WorkflowValue.int) ?? tree
        case .array(let array): return .array(array.map(normalized))
        case .object(let object): return .object(object.mapValues(normalized))
        default: return tree
        }
    }

    func nested(_ node: Node, at position: Position) -> WorkflowValueEncoder {
        WorkflowValueEncoder(node: node, parent: self, position: position)
    }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: WorkflowValueEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        func child(_ key: Key) -> WorkflowValueEncoder {
            encoder.nested(encoder.node.child(forKey: key.stringValue), at: .key(key))
        }

        func encodeNil(forKey key: Key) throws { child(key).node.content = .value(.null) }

        func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try child(key).encodeValue(value) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            child(key).container(keyedBy: keyType)
        }

        func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { child(key).unkeyedContainer() }

        func superEncoder() -> any Encoder {
            encoder.nested(encoder.node.child(forKey: "super"), at: .key(WorkflowValueKey("super")))
        }

        func superEncoder(forKey key: Key) -> any Encoder { child(key) }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let encoder: WorkflowValueEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }
        var count: Int {
            if case .array(let children) = encoder.node.content { return children.count }
            return 0
        }

        func next() -> WorkflowValueEncoder {
            let index = count
            return encoder.nested(encoder.node.appendChild(), at: .index(index))
        }

        mutating func encodeNil() throws { next().node.content = .value(.null) }

        mutating func encode<T: Encodable>(_ value: T) throws { try next().encodeValue(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            next().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { next().unkeyedContainer() }

        mutating func superEncoder() -> any Encoder { next() }
    }
}

extension WorkflowValueEncoder: SingleValueEncodingContainer {
    func encodeNil() throws { node.content = .value(.null) }
    func encode(_ value: Bool) throws { node.content = .value(.bool(value)) }
    func encode(_ value: String) throws { node.content = .value(.string(value)) }
    func encode(_ value: Double) throws { node.content = .value(try number(value, value)) }
    func encode(_ value: Float) throws { node.content = .value(try number(value.isFinite ? Double("\(value)") : nil, value)) }
    func encode(_ value: Int) throws { node.content = .value(.int(Int64(value))) }
    func encode(_ value: Int8) throws { node.content = .value(.int(Int64(value))) }
    func encode(_ value: Int16) throws { node.content = .value(.int(Int64(value))) }
    func encode(_ value: Int32) throws { node.content = .value(.int(Int64(value))) }
    func encode(_ value: Int64) throws { node.content = .value(.int(value)) }
    func encode(_ value: UInt) throws { try encode(UInt64(value)) }
    func encode(_ value: UInt8) throws { node.content = .value(.int(Int64(value))) }
    func encode(_ value: UInt16) throws { node.content = .value(.int(Int64(value))) }
    func encode(_ value: UInt32) throws { node.content = .value(.int(Int64(value))) }
    func encode(_ value: UInt64) throws { node.content = .value(Int64(exactly: value).map(WorkflowValue.int) ?? .double(Double(value))) }
    func encode<T: Encodable>(_ value: T) throws { try encodeValue(value) }
}
