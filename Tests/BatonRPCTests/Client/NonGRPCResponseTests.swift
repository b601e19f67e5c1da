import BatonInterop
import BatonRPC
import Testing

@Suite("RPCClient against a server that does not answer in gRPC")
struct NonGRPCResponseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var headers: [UInt8]
        var code: RPCError.Code
        var message: String
        var testDescription: String { message }
    }

    static let cases = [
        Case(
            headers: RawHTTP2Responder.literalHeader(nameIndex: 8, value: "503") + RawHTTP2Responder.literalHeader(nameIndex: 31, value: "text/plain"),
            code: .unavailable,
            message: "HTTP status 503 from /grpc.testing.TestService/UnaryCall"
        ),
        Case(
            headers: RawHTTP2Responder.literalHeader(nameIndex: 8, value: "200") + RawHTTP2Responder.literalHeader(nameIndex: 31, value: "text/html"),
            code: .unknown,
            message: "unexpected content-type 'text/html' from /grpc.testing.TestService/UnaryCall"
        ),
    ]

    @Test(
        "a non-gRPC answer whose stream stays open fails the call with its status and resets the stream; the connection still serves",
        arguments: cases
    )
    func nonGRPCAnswer(_ answer: Case) async throws {
        let server = try await RawHTTP2Responder(headerBlock: answer.headers)
        let client = RPCClient(host: "127.0.0.1", port: server.port)
        for _ in 0..<2 {
            let error = await #expect(throws: RPCError.self) {
                _ = try await Grpc_Testing_TestServiceClient(client).unaryCall(Grpc_Testing_SimpleRequest())
            }
            #expect(error?.code == answer.code)
            #expect(error?.message == answer.message)
        }
        // Both calls' streams (1 and 3) were cancelled: the client reads nothing more of them.
        let resets = try await server.resets(count: 2)
        #expect(resets == [.init(streamID: 1, errorCode: 8), .init(streamID: 3, errorCode: 8)])
        await client.close()
        try await server.close()
    }
}
