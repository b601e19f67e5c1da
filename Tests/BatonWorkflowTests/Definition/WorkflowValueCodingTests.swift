import BatonWorkflow
import Foundation
import Testing

@Suite("WorkflowValue from and to typed values, straight, with JSONEncoder's and JSONDecoder's results")
struct WorkflowValueCodingTests {
    enum Kind: String, Codable, Equatable { case express, standard }

    struct Line: Codable, Equatable {
        var sku: String
        var quantity: Int
        var price: Double?
        var note: String?
        var tags: [String]
    }

    struct Order: Codable, Equatable {
        var id: UUID
        var kind: Kind
        var lines: [Line]
        var placed: Date
        var receipt: Data
        var site: URL
        var amount: Decimal
        var counts: [String: Int]
        var byNumber: [Int: String]
        var grid: [[Int]]
        var small: UInt8
        var ratio: Float
        var optionalKind: Kind?
    }

    /// What `JSONDecoder` makes of `value`'s JSON text.
    static func viaJSON<T: Decodable>(_ value: WorkflowValue, as type: T.Type) -> Result<T, any Error> {
        Result { try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value)) }
    }

    /// The straight conversion and the one through JSON text give equal values, or both refuse.
    static func expectSame<V: Equatable>(_ tree: Result<V, any Error>, _ json: Result<V, any Error>, _ what: String, sourceLocation: SourceLocation) {
        switch (tree, json) {
        case (.success(let a), .success(let b)):
            #expect(a == b, "\(what)", sourceLocation: sourceLocation)
        case (.failure, .failure):
            break
        case (let a, let b):
            Issue.record("\(what): tree \(a), JSON \(b)", sourceLocation: sourceLocation)
        }
    }

    /// Both decode `value` as `T` to equal values, or both refuse it.
    static func agree<T: Decodable & Equatable>(_ value: WorkflowValue, _ type: T.Type, sourceLocation: SourceLocation = #_sourceLocation) {
        expectSame(Result { try value.decode(T.self) }, viaJSON(value, as: T.self), "\(value) as \(T.self)", sourceLocation: sourceLocation)
    }

    @Test("a typed value encoded into a tree decodes back to itself")
    func roundTrip() throws {
        let order = Order(
            id: UUID(),
            kind: .express,
            lines: [Line(sku: "A-1", quantity: 2, price: 12.5, note: nil, tags: ["gift"]), Line(sku: "B\u{0}é", quantity: 0, price: nil, note: "n", tags: [])],
            placed: Date(timeIntervalSinceReferenceDate: 123_456.25),
            receipt: Data([0, 1, 2, 250]),
            site: URL(string: "https://example.com/a?b=c")!,
            amount: Decimal(string: "12.34")!,
            counts: ["a": 1, "b": -2],
            byNumber: [1: "one", 20: "twenty"],
            grid: [[1, 2], [], [3]],
            small: 255,
            ratio: 0.5,
            optionalKind: nil
        )
        let value = try WorkflowValue(encoding: order)
        #expect(try value.decode(Order.self) == order)
        #expect(try Self.viaJSON(value, as: Order.self).get() == order)
    }

    static let values: [WorkflowValue] = [
        .null, .bool(true), .int(0), .int(2), .int(-1), .int(255), .int(256), .int(.max), .int(.min),
        .double(2.0), .double(2.5), .double(-0.5), .double(1e300), .double(3e38), .string(""), .string("x"),
        .string("aGVsbG8="), .string("https://example.com"), .string("express"), .array([]), .array([.int(1), .null]),
        .array([.int(1), .int(2)]), .object([:]), .object(["a": .int(1)]), .object(["1": .string("x")]),
    ]

    @Test("every value decodes as every common type exactly as JSONDecoder decodes its JSON", arguments: values)
    func agreesWithJSONDecoder(value: WorkflowValue) throws {
        Self.agree(value, Bool.self)
        Self.agree(value, String.self)
        Self.agree(value, Int.self)
        Self.agree(value, Int8.self)
        Self.agree(value, UInt8.self)
        Self.agree(value, Int64.self)
        Self.agree(value, UInt64.self)
        Self.agree(value, Double.self)
        Self.agree(value, Float.self)
        Self.agree(value, Decimal.self)
        Self.agree(value, Data.self)
        Self.agree(value, URL.self)
        Self.agree(value, Date.self)
        Self.agree(value, Kind.self)
        Self.agree(value, Int?.self)
        Self.agree(value, [Int].self)
        Self.agree(value, [Int?].self)
        Self.agree(value, [String: Int].self)
        Self.agree(value, [Int: String].self)
        Self.agree(value, Line.self)
        // The one deliberate difference: a tree decodes as itself, where a trip through JSON
        // text would turn 2.0 into 2.
        #expect(try value.decode(WorkflowValue.self) == value)
    }

    /// `JSONEncoder`'s text of `value`, read back as a tree.
    static func encodedViaJSON<T: Encodable>(_ value: T) -> Result<WorkflowValue, any Error> {
        Result { try JSONDecoder().decode(WorkflowValue.self, from: JSONEncoder().encode(value)) }
    }

    /// Both encode `value` into equal trees, or both refuse it.
    static func agreeEncoding<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) {
        expectSame(Result { try WorkflowValue(encoding: value) }, encodedViaJSON(value), "\(value)", sourceLocation: sourceLocation)
    }

    @Test("every value encodes into the tree JSONEncoder's text reads back as")
    func encodingAgreesWithJSONEncoder() {
        Self.agreeEncoding(Order(
            id: UUID(), kind: .standard, lines: [Line(sku: "A", quantity: -3, price: 2.0, note: nil, tags: ["x", ""])],
            placed: Date(timeIntervalSinceReferenceDate: 10), receipt: Data("hello".utf8), site: URL(string: "https://example.com/p?q=1#f")!,
            amount: Decimal(string: "-12.340")!, counts: [:], byNumber: [-1: "minus", 3: "three"], grid: [[], [0]], small: 0, ratio: 0.1,
            optionalKind: .express
        ))
        Self.agreeEncoding(true)
        Self.agreeEncoding("text \u{0} é")
        Self.agreeEncoding(Int.max)
        Self.agreeEncoding(Int64.min)
        Self.agreeEncoding(UInt64.max)
        Self.agreeEncoding(UInt8(200))
        Self.agreeEncoding(2.0)
        Self.agreeEncoding(2.5)
        Self.agreeEncoding(-0.0)
        Self.agreeEncoding(1e300)
        Self.agreeEncoding(9.3e18)
        Self.agreeEncoding(Float(0.1))
        Self.agreeEncoding(Float(3e38))
        Self.agreeEncoding(Double.nan)
        Self.agreeEncoding(Double.infinity)
        Self.agreeEncoding(Float.nan)
        Self.agreeEncoding(Decimal(string: "1.5")!)
        Self.agreeEncoding(Decimal(7))
        Self.agreeEncoding(Date(timeIntervalSinceReferenceDate: 0.5))
        Self.agreeEncoding(Data())
        Self.agreeEncoding([Int?.none, 1])
        Self.agreeEncoding([String: Double]())
        Self.agreeEncoding(["a": [1.0, 1.5]])
        Self.agreeEncoding(Kind.express)
        Self.agreeEncoding(Int?.none)
        Self.agreeEncoding(WorkflowValue.object(["n": .double(2.0), "m": .array([.double(0.5), .null])]))
    }

    @Test("a value JSON cannot hold is refused with the path JSONEncoder gives it")
    func encodingRefusalPath() {
        struct Basket: Encodable { var lines: [Line] }
        let basket = Basket(lines: [
            Line(sku: "A", quantity: 1, price: 1.5, note: nil, tags: []),
            Line(sku: "B", quantity: 2, price: .nan, note: nil, tags: []),
        ])
        func path(_ encode: () throws -> Void) -> [String]? {
            do { try encode() } catch EncodingError.invalidValue(_, let context) { return context.codingPath.map(\.stringValue) } catch {}
            return nil
        }
        let expected = path { _ = try JSONEncoder().encode(basket) }
        #expect(expected == ["lines", "Index 1", "price"])
        #expect(path { _ = try WorkflowValue(encoding: basket) } == expected)
    }

    @Test("a refusal names where in the value it happened")
    func refusalPath() {
        let value: WorkflowValue = ["sku": "A", "quantity": "two", "tags": []]
        #expect {
            try value.decode(Line.self)
        } throws: { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return false }
            return context.codingPath.map(\.stringValue) == ["quantity"]
        }
    }
}
