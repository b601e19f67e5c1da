// Minimal grpc-swift-2 TestService peer for dev/bench-rpc: UnaryCall only, over the HTTP/2 NIO
// transport (HTTP2ServerTransport.Posix), plaintext. Replies like Benchmarks/cpp-peer and Baton's
// InteropTestService: a COMPRESSABLE payload of `response_size` zero bytes (none for 0), and
// INVALID_ARGUMENT for a negative size. Every other method answers UNIMPLEMENTED.
//
// Usage: GRPCSwiftPeer [--port N]   (--port 0 picks a free port)
// Prints one line "listening on 127.0.0.1:PORT" on stdout, then serves until killed.
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import GRPCProtobuf

struct UnaryOnlyTestService: Grpc_Testing_TestService.SimpleServiceProtocol {
    func unaryCall(
        request: Grpc_Testing_SimpleRequest,
        context: ServerContext
    ) async throws -> Grpc_Testing_SimpleResponse {
        guard request.responseSize >= 0 else {
            throw RPCError(code: .invalidArgument, message: "negative response_size")
        }
        var response = Grpc_Testing_SimpleResponse()
        if request.responseSize > 0 {
            response.payload.type = .compressable
            response.payload.body = Data(count: Int(request.responseSize))
        }
        return response
    }

    func emptyCall(request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
        throw Self.unimplemented
    }

    func streamingOutputCall(
        request: Grpc_Testing_StreamingOutputCallRequest,
        response: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        throw Self.unimplemented
    }

    func streamingInputCall(
        request: RPCAsyncSequence<Grpc_Testing_StreamingInputCallRequest, any Error>,
        context: ServerContext
    ) async throws -> Grpc_Testing_StreamingInputCallResponse {
        throw Self.unimplemented
    }

    func fullDuplexCall(
        request: RPCAsyncSequence<Grpc_Testing_StreamingOutputCallRequest, any Error>,
        response: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        throw Self.unimplemented
    }

    func halfDuplexCall(
        request: RPCAsyncSequence<Grpc_Testing_StreamingOutputCallRequest, any Error>,
        response: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        throw Self.unimplemented
    }

    func unimplementedMethod(request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
        throw Self.unimplemented
    }

    static let unimplemented = RPCError(code: .unimplemented, message: "only UnaryCall is implemented")
}

// Unbuffered writes: dev/bench-rpc reads stdout from a file while the server runs.
func write(_ text: String, to handle: FileHandle) {
    handle.write(Data(text.utf8))
}

func usage() -> Never {
    write("usage: GRPCSwiftPeer [--port N]\n", to: .standardError)
    exit(2)
}

var port = 50053
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    guard argument == "--port", let value = arguments.popFirst(), let parsed = Int(value) else { usage() }
    port = parsed
}

let server = GRPCServer(
    transport: .http2NIOPosix(
        address: .ipv4(host: "127.0.0.1", port: port),
        transportSecurity: .plaintext
    ),
    services: [UnaryOnlyTestService()]
)

try await withThrowingDiscardingTaskGroup { group in
    group.addTask { try await server.serve() }
    guard let ipv4 = try await server.transport.listeningAddress.ipv4 else {
        write("failed to listen on 127.0.0.1:\(port)\n", to: .standardError)
        exit(1)
    }
    write("listening on \(ipv4.host):\(ipv4.port)\n", to: .standardOutput)
}
