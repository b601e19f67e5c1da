@testable import BatonRPC
import Testing

@Suite("Wire format helpers")
struct WireFormatTests {
    @Test("grpc-message percent-encoding round-trips and never fails to decode")
    func statusMessage() {
        let message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n 100%"
        let encoded = StatusMessage.encode(message)
        #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        #expect(StatusMessage.decode(Array(encoded.utf8)) == message)
        #expect(StatusMessage.decode(Array("bad %G1 %".utf8)) == "bad %G1 %")
    }

    @Test("a grpc-message longer than its limit is cut at a character and says how long it was")
    func statusMessageLimit() {
        let short = String(repeating: "é", count: 300)  // 600 bytes, 1,800 encoded: sent whole
        #expect(StatusMessage.decode(Array(StatusMessage.encode(short).utf8)) == short)
        let long = String(repeating: "é", count: 40_000)
        let encoded = StatusMessage.encode(long)
        #expect(encoded.utf8.count <= StatusMessage.maximumEncodedLength)
        let decoded = StatusMessage.decode(Array(encoded.utf8))
        #expect(decoded.hasSuffix("... (cut from a message of 80000 bytes)"))
        let kept = decoded.dropLast("... (cut from a message of 80000 bytes)".count)
        #expect(!kept.isEmpty && kept.allSatisfy { $0 == "é" })
    }

    @Test("grpc-timeout parses every unit and rejects malformed values", arguments: [
        ("1H", Duration.seconds(3600)), ("2M", .seconds(120)), ("3S", .seconds(3)),
        ("4m", .milliseconds(4)), ("5u", .microseconds(5)), ("6n", .nanoseconds(6)),
    ])
    func timeoutParse(_ value: String, _ expected: Duration) {
        #expect(Timeout.parse(Array(value.utf8)) == expected)
    }

    @Test("malformed grpc-timeout values are rejected", arguments: ["", "S", "123456789S", "1x", "-1S", "1.5S"])
    func timeoutMalformed(_ value: String) {
        #expect(Timeout.parse(Array(value.utf8)) == nil)
    }

    @Test("grpc-timeout encoding uses at most 8 digits")
    func timeoutEncode() {
        #expect(Timeout.encode(.milliseconds(1)) == "1000000n")
        #expect(Timeout.encode(.seconds(30)) == "30000000u")
        #expect(Timeout.parse(Array(Timeout.encode(.seconds(86_400)).utf8))! >= .seconds(86_400))
    }

    @Test("base64 accepts padded and unpadded input and emits unpadded")
    func base64() {
        let bytes: [UInt8] = [0xAB, 0xAB, 0xAB, 0x01]
        #expect(Base64.encode(bytes) == "q6urAQ")
        #expect(Base64.decode(Array("q6urAQ".utf8)) == bytes)
        #expect(Base64.decode(Array("q6urAQ==".utf8)) == bytes)
        #expect(Base64.decode(Array("q6u*AQ".utf8)) == nil)
    }
}
