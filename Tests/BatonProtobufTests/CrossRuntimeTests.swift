import BatonProtobuf
import BatonTestProtos
import Foundation
import Testing

/// Baton ⇄ Python `protobuf`, through byte files under `Tests/Support/ProtobufVectors/`:
///
/// - `python/<sample>.bin` are written by Python (`python3 Tests/Interop/protobuf_samples.py`);
///   here Baton must decode them to the Swift-built sample (and, where canonical, re-encode the
///   same bytes).
/// - `baton/<sample>.bin` are Baton's encodings of the samples; here they must equal what Baton
///   produces now (run with `BATON_UPDATE_PROTOBUF_VECTORS=1` to rewrite them), and
///   `pytest Tests/Interop/test_protobuf_cross_runtime.py` decodes them with Python.
@Suite("Cross-runtime protobuf vectors")
struct CrossRuntimeTests {
    static let vectors = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Support/ProtobufVectors")

    static func read(_ folder: String, _ name: String) throws -> [UInt8] {
        let url = vectors.appendingPathComponent(folder).appendingPathComponent(name + ".bin")
        return [UInt8](try Data(contentsOf: url))
    }

    @Test("Baton decodes what Python encodes", arguments: ProtobufSamples.all)
    func decodesPython(sample: ProtobufSample) throws {
        let bytes = try Self.read("python", sample.name)
        let decoded = try sample.decode(bytes)
        #expect(sample.equals(decoded), "\(sample.name): decoded \(decoded)")
        if sample.canonical {
            #expect(decoded.serializedBytes() == bytes, "\(sample.name): Baton's encoding differs from Python's")
        }
    }

    @Test("Baton's encodings on disk are current", arguments: ProtobufSamples.all)
    func batonVectorsAreCurrent(sample: ProtobufSample) throws {
        let bytes = sample.message.serializedBytes()
        if ProcessInfo.processInfo.environment["BATON_UPDATE_PROTOBUF_VECTORS"] == "1" {
            let folder = Self.vectors.appendingPathComponent("baton")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(bytes).write(to: folder.appendingPathComponent(sample.name + ".bin"))
        }
        #expect(
            try Self.read("baton", sample.name) == bytes,
            "stale: run BATON_UPDATE_PROTOBUF_VECTORS=1 swift test --filter CrossRuntimeTests"
        )
    }

    @Test("every Python vector has a Swift sample")
    func sameSampleLists() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.vectors.appendingPathComponent("python").path)
        let names = Set(files.filter { $0.hasSuffix(".bin") }.map { String($0.dropLast(4)) })
        #expect(names == Set(ProtobufSamples.all.map(\.name) + ["unknown_fields"]))
    }

    @Test("Baton skips fields Python's newer message has")
    func unknownFieldsFromPython() throws {
        let decoded = try Baton_Testing_V1_Scalars(serializedBytes: Self.read("python", "unknown_fields"))
        var expected = Baton_Testing_V1_Scalars()
        expected.fDouble = 2.5
        expected.fFloat = 1.5
        expected.fInt32 = -9
        #expect(decoded == expected)
    }
}
