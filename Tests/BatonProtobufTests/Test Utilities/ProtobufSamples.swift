import BatonProtobuf
import BatonTestProtos
import Testing

/// The sample messages of the cross-runtime tests, built in Swift. The same samples are built
/// in Python by `Tests/Interop/protobuf_samples.py`; keep the two lists in step.
struct ProtobufSample: Sendable, CustomTestStringConvertible {
    let name: String
    /// Both runtimes must produce identical bytes (not just equal values).
    let canonical: Bool
    let message: any ProtobufMessage
    /// Decodes bytes as the sample's message type.
    let decode: @Sendable ([UInt8]) throws -> any ProtobufMessage
    /// Whether `other` is equal to the sample message.
    let equals: @Sendable (any ProtobufMessage) -> Bool

    init<M: ProtobufMessage>(_ name: String, canonical: Bool = true, _ message: M) {
        self.name = name
        self.canonical = canonical
        self.message = message
        self.decode = { try M(serializedBytes: $0) }
        self.equals = { ($0 as? M) == message }
    }

    var testDescription: String { name }
}

enum ProtobufSamples {
    static let tricky = "h\u{E9}llo\u{0}w\u{F6}rld \u{2713} \u{1D11E}"

    static let all: [ProtobufSample] = [
        ProtobufSample("scalars_default", Baton_Testing_V1_Scalars()),
        ProtobufSample("scalars_min", {
            var s = Baton_Testing_V1_Scalars()
            s.fDouble = -1234.5678
            s.fFloat = 3.25
            s.fInt32 = .min
            s.fInt64 = .min
            s.fUint32 = .max
            s.fUint64 = .max
            s.fSint32 = -1
            s.fSint64 = .min
            s.fFixed32 = 0xDEAD_BEEF
            s.fFixed64 = 0x0123_4567_89AB_CDEF
            s.fSfixed32 = -2
            s.fSfixed64 = -3
            s.fBool = true
            s.fString = tricky
            s.fBytes = [0, 1, 2, 255, 0]
            s.fColor = .negative
            return s
        }()),
        ProtobufSample("scalars_max", {
            var s = Baton_Testing_V1_Scalars()
            s.fDouble = .infinity
            s.fFloat = -8.5
            s.fInt32 = .max
            s.fInt64 = .max
            s.fUint32 = 1
            s.fUint64 = 1 << 63
            s.fSint32 = .min
            s.fSint64 = .max
            s.fFixed32 = .max
            s.fFixed64 = .max
            s.fSfixed32 = .min
            s.fSfixed64 = .min
            s.fString = "\u{0}"
            s.fBytes = [0]
            s.fColor = .min
            return s
        }()),
        ProtobufSample("scalars_unknown_enum", {
            var s = Baton_Testing_V1_Scalars()
            s.fColor = .unrecognized(12345)
            s.fString = "plain ascii"
            return s
        }()),
        ProtobufSample("repeated_all", {
            var r = Baton_Testing_V1_Repeated()
            r.rDouble = [1.5, -2.25, 0.0]
            r.rFloat = [0.5, -8.0]
            r.rInt32 = [0, -1, .max, .min]
            r.rInt64 = [.min, 7]
            r.rUint32 = [.max, 0, 300]
            r.rUint64 = [.max, 1]
            r.rSint32 = [-64, 63, .min]
            r.rSint64 = [.min, .max, -1]
            r.rFixed32 = [1, 2]
            r.rFixed64 = [3]
            r.rSfixed32 = [-5, 5]
            r.rSfixed64 = [-6]
            r.rBool = [true, false, true]
            r.rString = ["", tricky, "z"]
            r.rBytes = [[], [0xFF, 0]]
            r.rColor = [.red, .negative, .unrecognized(7), .unspecified]
            var n = Baton_Testing_V1_Nested()
            n.value = 42
            n.label = "first"
            var inner = Baton_Testing_V1_Nested.Inner()
            inner.points = [-1, 0, 1]
            inner.note = "inner"
            n.inner = inner
            n.level = .high
            r.rNested = [n, Baton_Testing_V1_Nested()]
            r.rUnpacked = [1, -1, 300]
            var t = Baton_Testing_Shared_V1_SharedThing()
            t.id = "shared-1"
            t.tags = ["a", "b"]
            t.kind = .two
            r.rShared = [t]
            return r
        }()),
        // Not canonical: Python's "deterministic" order for integer keys is not numeric order.
        ProtobufSample("maps_all", canonical: false, {
            var m = Baton_Testing_V1_Maps()
            m.stringToString = ["b": "2", "a": "1", "\u{E9}t\u{E9}": tricky]
            m.int32ToInt64 = [-1: .min, 5: 6, .max: 1]
            m.int64ToString = [.min: "min", 3: "three"]
            m.uint32ToBytes = [.max: [0, 1], 9: Array("x".utf8)]
            m.uint64ToDouble = [.max: 0.5, 2: -1.0]
            m.sint32ToColor = [-2: .negative, 4: .green, 8: .unrecognized(99)]
            m.sint64ToFloat = [-9: 1.25]
            m.fixed32ToBool = [11: true]
            m.fixed64ToUint32 = [12: 13]
            m.sfixed32ToSfixed64 = [-14: -15]
            m.boolToString = [true: "yes"]
            var n1 = Baton_Testing_V1_Nested()
            n1.value = 1
            n1.label = "one"
            var n2 = Baton_Testing_V1_Nested()
            var inner = Baton_Testing_V1_Nested.Inner()
            inner.points = [2]
            n2.inner = inner
            m.stringToNested = ["n1": n1, "n2": n2]
            var s = Baton_Testing_Shared_V1_SharedThing()
            s.id = "sid"
            s.kind = .one
            m.stringToShared = ["s": s]
            return m
        }()),
        ProtobufSample("maps_string_keys", {
            var m = Baton_Testing_V1_Maps()
            m.stringToString = ["c": "3", "a": "1", "b": "2", "\u{E9}": "e"]
            var z = Baton_Testing_V1_Nested()
            z.value = 26
            var y = Baton_Testing_V1_Nested()
            y.label = "y"
            m.stringToNested = ["z": z, "y": y]
            m.int32ToInt64 = [-5: 5]
            return m
        }()),
        ProtobufSample("maps_default_entries", canonical: false, {
            var m = Baton_Testing_V1_Maps()
            m.stringToString = ["": ""]
            m.int32ToInt64 = [0: 0]
            m.boolToString = [false: "", true: "t"]
            m.stringToNested = ["empty": Baton_Testing_V1_Nested()]
            return m
        }()),
        ProtobufSample("everything_zero_presence", {
            var e = Baton_Testing_V1_Everything()
            var scalars = Baton_Testing_V1_Scalars()
            scalars.fInt32 = 1
            e.scalars = scalars
            var repeated = Baton_Testing_V1_Repeated()
            repeated.rString = ["r"]
            e.repeated = repeated
            var maps = Baton_Testing_V1_Maps()
            maps.stringToString = ["k": "v"]
            e.maps = maps
            var nested = Baton_Testing_V1_Nested()
            nested.value = 3
            e.nested = nested
            e.choice = .choiceText("choice\u{0}text")
            e.optInt32 = 0
            e.optString = ""
            e.optNested = Baton_Testing_V1_Nested()
            e.optColor = .unspecified
            e.optBool = false
            e.optBytes = []
            e.optDouble = 0.0
            var shared = Baton_Testing_Shared_V1_SharedThing()
            shared.id = "x"
            e.shared = shared
            e.sharedKind = .two
            e.level = .high
            return e
        }()),
        ProtobufSample("everything_choice_number", {
            var e = Baton_Testing_V1_Everything()
            e.choice = .choiceNumber(.min)
            e.optInt32 = -7
            e.optString = tricky
            var nested = Baton_Testing_V1_Nested()
            nested.label = "opt"
            e.optNested = nested
            e.optColor = .unrecognized(321)
            e.optBool = true
            e.optBytes = [1]
            e.optDouble = -0.5
            return e
        }()),
        ProtobufSample("everything_choice_nested", {
            var e = Baton_Testing_V1_Everything()
            var nested = Baton_Testing_V1_Nested()
            nested.value = -1
            var inner = Baton_Testing_V1_Nested.Inner()
            inner.note = "deep"
            nested.inner = inner
            e.choice = .choiceNested(nested)
            return e
        }()),
        ProtobufSample("everything_choice_color", {
            var e = Baton_Testing_V1_Everything()
            e.choice = .choiceColor(.max)
            return e
        }()),
        ProtobufSample("everything_choice_empty_bytes", {
            var e = Baton_Testing_V1_Everything()
            e.choice = .choiceBytes([])
            return e
        }()),
        ProtobufSample("everything_choice_false", {
            var e = Baton_Testing_V1_Everything()
            e.choice = .choiceFlag(false)
            return e
        }()),
        ProtobufSample("names", {
            var h = Baton_Testing_V1_HTTPRequest2Thing()
            h.aB = 5
            h.class = "klass"
            h.default = -3
            h.in = true
            h.serverID = "sid"
            h.requestURL = "https://example.com/"
            h.type = 9
            h.myChoiceX = .protocol("h2")
            return h
        }()),
        ProtobufSample("names_first_option_zero", {
            var h = Baton_Testing_V1_HTTPRequest2Thing()
            h.myChoiceX = .firstOption(0)
            return h
        }()),
    ]
}
