import BatonProtobuf
import BatonTestProtos
import Testing

@Suite("Protobuf messages (libprotobuf-c)")
struct ProtobufMessageTests {
    @Test("every sample round-trips", arguments: ProtobufSamples.all)
    func roundTrip(sample: ProtobufSample) throws {
        let bytes = sample.message.serializedBytes()
        let decoded = try sample.decode(bytes)
        #expect(sample.equals(decoded))
        // Encoding is deterministic (maps are lowered in key order).
        #expect(decoded.serializedBytes() == bytes)
    }

    /// Lowering and unpacking allocate from an arena: its own first block, then heap blocks, and
    /// a block of its own for a large value. A message far larger than the first block, with
    /// values of every size and alignment in between, must come back intact.
    @Test("a message that overflows the arena's first block into several heap blocks round-trips")
    func largeMessageRoundTrip() throws {
        var message = Baton_Testing_V1_Repeated()
        message.rString = (0..<3_000).map { String(repeating: "s", count: $0 % 37) + "\($0)" }
        message.rBytes = (0..<200).map { index in (0..<(index * 53 % 4_099)).map { UInt8(truncatingIfNeeded: $0 &+ index) } }
        message.rBytes.append([UInt8](repeating: 7, count: 300_000))
        message.rDouble = (0..<5_000).map { Double($0) / 7 }
        message.rFixed64 = (0..<777).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        message.rNested = (0..<500).map { index in
            var nested = Baton_Testing_V1_Nested()
            nested.value = Int32(index)
            nested.label = "nested \(index)"
            return nested
        }
        let bytes = message.serializedBytes()
        #expect(bytes.count > 400_000)
        let decoded = try Baton_Testing_V1_Repeated(serializedBytes: bytes)
        #expect(decoded == message)
        #expect(decoded.serializedBytes() == bytes)
    }

    @Test("messages at their defaults encode to zero bytes")
    func defaultsEncodeToNothing() throws {
        #expect(Baton_Testing_V1_Scalars().serializedBytes().isEmpty)
        #expect(Baton_Testing_V1_Repeated().serializedBytes().isEmpty)
        #expect(Baton_Testing_V1_Maps().serializedBytes().isEmpty)
        #expect(Baton_Testing_V1_Everything().serializedBytes().isEmpty)
        #expect(Baton_Testing_V1_HTTPRequest2Thing().serializedBytes().isEmpty)
        #expect(try Baton_Testing_V1_Everything(serializedBytes: [UInt8]()) == Baton_Testing_V1_Everything())
    }

    @Test("presence: zero values of optional and oneof fields are encoded")
    func presence() throws {
        var e = Baton_Testing_V1_Everything()
        e.optInt32 = 0
        #expect(e.serializedBytes() == [0x58, 0x00])  // field 11, varint 0
        e = Baton_Testing_V1_Everything()
        e.choice = .choiceFlag(false)
        #expect(e.serializedBytes() == [0x50, 0x00])  // field 10, varint 0
        let decoded = try Baton_Testing_V1_Everything(serializedBytes: [0x50, 0x00])
        #expect(decoded.choice == .choiceFlag(false))
        #expect(decoded.optInt32 == nil)
    }

    @Test("strings with NUL and non-ASCII round-trip byte-exactly")
    func trickyStrings() throws {
        let strings = ["\u{0}", "a\u{0}b", "\u{0}\u{0}", ProtobufSamples.tricky, "\u{10FFFF}", "e\u{301}"]
        for string in strings {
            var s = Baton_Testing_V1_Scalars()
            s.fString = string
            let bytes = s.serializedBytes()
            // tag 14/LEN, length, then exactly the UTF-8 bytes
            #expect(bytes == [0x72, UInt8(string.utf8.count)] + Array(string.utf8))
            let decoded = try Baton_Testing_V1_Scalars(serializedBytes: bytes)
            #expect(Array(decoded.fString.utf8) == Array(string.utf8))
        }
    }

    @Test(
        "invalid UTF-8 in a string field is rejected",
        arguments: [
            ("Scalars.f_string", [0x72, 0x02, 0xC3, 0x28] as [UInt8]),
            ("Scalars.f_string lone continuation", [0x72, 0x01, 0x80]),
            ("Scalars.f_string surrogate", [0x72, 0x03, 0xED, 0xA0, 0x80]),
            ("Repeated.r_string", [0x72, 0x01, 0x61, 0x72, 0x01, 0xFF]),
            ("Maps.string_to_string key", [0x0A, 0x05, 0x0A, 0x01, 0xFF, 0x12, 0x00]),
            ("Maps.string_to_string value", [0x0A, 0x05, 0x0A, 0x00, 0x12, 0x01, 0xFE]),
            ("Everything.choice_text", [0x2A, 0x01, 0xC0]),
            ("Everything.opt_string", [0x62, 0x01, 0xC1]),
            ("Everything.nested.label", [0x22, 0x03, 0x12, 0x01, 0xFF]),
        ]
    )
    func invalidUTF8(label: String, bytes: [UInt8]) throws {
        let error = #expect(throws: ProtobufDecodingError.self) {
            switch label.split(separator: ".").first {
            case "Scalars": _ = try Baton_Testing_V1_Scalars(serializedBytes: bytes)
            case "Repeated": _ = try Baton_Testing_V1_Repeated(serializedBytes: bytes)
            case "Maps": _ = try Baton_Testing_V1_Maps(serializedBytes: bytes)
            default: _ = try Baton_Testing_V1_Everything(serializedBytes: bytes)
            }
        }
        #expect(error?.code == .invalidUTF8)
    }

    @Test(
        "malformed bytes are rejected",
        arguments: [
            [0x72, 0x05, 0x61] as [UInt8],  // length past the end
            [0x18],  // tag without its varint
            [0x18, 0x80],  // truncated varint
            [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // 11-byte varint
            [0x09, 0x00, 0x00],  // fixed64 cut short
            [0x00, 0x00],  // field number 0
            [0x0F],  // wire type 7
        ]
    )
    func malformed(bytes: [UInt8]) throws {
        let error = #expect(throws: ProtobufDecodingError.self) {
            _ = try Baton_Testing_V1_Scalars(serializedBytes: bytes)
        }
        #expect(error?.code == .malformed)
    }

    @Test("unknown fields are tolerated")
    func unknownFields() throws {
        var newer = Baton_Testing_V1_ScalarsWithExtra()
        newer.fDouble = 2.5
        newer.fInt32 = -9
        newer.extraText = "from the future"
        newer.extraNumbers = [1, 2, 3]
        let older = try Baton_Testing_V1_Scalars(serializedBytes: newer.serializedBytes())
        var expected = Baton_Testing_V1_Scalars()
        expected.fDouble = 2.5
        expected.fInt32 = -9
        #expect(older == expected)
        // fixed32, fixed64 and varint fields with unknown numbers are skipped too. (Groups,
        // wire types 3/4, are not: libprotobuf-c rejects them; proto3 cannot declare them.)
        let unknown: [UInt8] = [0xAD, 0x06, 1, 2, 3, 4, 0xA9, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0xA0, 0x06, 0x96, 0x01, 0x18, 0x05]
        #expect(try Baton_Testing_V1_Scalars(serializedBytes: unknown).fInt32 == 5)
    }

    @Test("negative zero in a proto3 float/double is encoded as absent (libprotobuf-c 1.4)")
    func negativeZero() throws {
        // Known difference: other runtimes keep the sign bit; protobuf-c treats -0.0 as the
        // default value and omits it, so it reads back as +0.0. Optional fields keep it.
        var s = Baton_Testing_V1_Scalars()
        s.fDouble = -0.0
        s.fFloat = -0.0
        #expect(s.serializedBytes().isEmpty)
        var e = Baton_Testing_V1_Everything()
        e.optDouble = -0.0
        let decoded = try Baton_Testing_V1_Everything(serializedBytes: e.serializedBytes())
        #expect(decoded.optDouble?.sign == .minus)
    }

    @Test("enum values this build does not know are preserved")
    func unrecognizedEnums() throws {
        var s = Baton_Testing_V1_Scalars()
        s.fColor = .unrecognized(-77)
        let decoded = try Baton_Testing_V1_Scalars(serializedBytes: s.serializedBytes())
        #expect(decoded.fColor == .unrecognized(-77))
        #expect(decoded.fColor.rawValue == -77)
        #expect(Baton_Testing_V1_Color(rawValue: -1) == .negative)
        #expect(Baton_Testing_V1_Color(rawValue: 3) == .unrecognized(3))
        #expect(Baton_Testing_V1_Color.min.rawValue == Int32.min)
        #expect(Baton_Testing_V1_Color() == .unspecified)

        var r = Baton_Testing_V1_Repeated()
        r.rColor = [.unrecognized(1000), .green, .unrecognized(-5)]
        #expect(try Baton_Testing_V1_Repeated(serializedBytes: r.serializedBytes()).rColor == r.rColor)
    }

    @Test("map entries are encoded in key order")
    func mapOrder() throws {
        var m = Baton_Testing_V1_Maps()
        m.int32ToInt64 = [3: 30, -1: 10, 2: 20]
        m.boolToString = [true: "t", false: "f"]
        let bytes = m.serializedBytes()
        let decoded = try Baton_Testing_V1_Maps(serializedBytes: bytes)
        #expect(decoded == m)
        // int32 key -1 (10-byte varint) first, then 2, then 3.
        let firstEntryKey = Array(bytes[3..<13])  // tag, entry length, key tag, key
        #expect(firstEntryKey == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        var again = Baton_Testing_V1_Maps()
        again.int32ToInt64 = [2: 20, 3: 30, -1: 10]
        again.boolToString = [false: "f", true: "t"]
        #expect(again.serializedBytes() == bytes)
    }

    @Test("the registry carries each file's serialized descriptor")
    func protoFiles() throws {
        let files = BatonTestProtosProtoFiles.all
        #expect(files.map(\.name) == ["baton/testing/shared/v1/shared.proto", "baton/testing/v1/coverage.proto"])
        let coverage = try #require(files.last)
        #expect(coverage.dependencies == ["baton/testing/shared/v1/shared.proto"])
        #expect(coverage.symbols.contains("baton.testing.v1.Nested.Inner"))
        #expect(coverage.symbols.contains("baton.testing.v1.Color"))
        let bytes = coverage.serializedFileDescriptor
        // field 1 (name) comes first: 0x0A, length, "baton/testing/v1/coverage.proto"
        let name = Array("baton/testing/v1/coverage.proto".utf8)
        #expect(Array(bytes.prefix(2 + name.count)) == [0x0A, UInt8(name.count)] + name)
    }
}
