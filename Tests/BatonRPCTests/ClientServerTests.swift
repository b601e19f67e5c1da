import BatonInterop
import BatonRPC
import NIOCore
import Testing

/// Baton's client against Baton's server over real sockets on 127.0.0.1.
@Suite("Client and server")
struct ClientServerTests {
    /// Runs `body` with a server hosting the interop and health services, and a client
    /// connected to it.
    func withServer(
        configuration: RPCServer.Configuration = .defaults,
        _ body: (RPCClient, RPCServer) async throws -> Void
    ) async throws {
        try await withTestServer(services: [InteropTestService(), HealthService()], configuration: configuration, body)
    }

    @Test("every interop case passes", arguments: InteropTestCase.allCases)
    func interopCase(_ testCase: InteropTestCase) async throws {
        try await withServer { client, _ in
            try await testCase.run(using: client)
        }
    }

    @Test("many concurrent unary calls share one connection")
    func concurrentCalls() async throws {
        try await withServer { client, _ in
            let service = Grpc_Testing_TestServiceClient(client)
            let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        var request = Grpc_Testing_SimpleRequest()
                        request.responseSize = Int32(index)
                        return try await service.unaryCall(request).payload?.body.count ?? -1
                    }
                }
                var sizes: [Int] = []
                for try await size in group { sizes.append(size) }
                return sizes
            }
            #expect(sizes.sorted() == Array(0..<300))
        }
    }

    /// A unary response must be exactly one message. The server-streaming interop method,
    /// called as unary, answers with as many messages as asked, each after `intervalUs`: the
    /// surplus is noticed whether it arrives with the first message or while the caller waits.
    @Test(
        "a unary call answered with no message or several fails with UNIMPLEMENTED; the connection still serves",
        arguments: [(0, 0), (2, 0), (3, 0), (2, 50_000)]
    )
    func unaryResponseCardinality(messages: Int, intervalUs: Int32) async throws {
        try await withServer { client, _ in
            var request = Grpc_Testing_StreamingOutputCallRequest()
            request.responseParameters = (0..<messages).map { _ in
                var parameters = Grpc_Testing_ResponseParameters()
                parameters.size = 1
                parameters.intervalUs = intervalUs
                return parameters
            }
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(
                    Grpc_Testing_TestService.Method.streamingOutputCall,
                    request: request,
                    responseType: Grpc_Testing_StreamingOutputCallResponse.self
                )
            }
            #expect(error?.code == .unimplemented)
            #expect(error?.message == "expected one grpc.testing.StreamingOutputCallResponse message, received \(messages == 0 ? "none" : "more")")
            _ = try await Grpc_Testing_TestServiceClient(client).emptyCall(Grpc_Testing_Empty())
        }
    }

    @Test("a request larger than the limit is refused with RESOURCE_EXHAUSTED")
    func oversizedRequest() async throws {
        try await withServer(configuration: .defaults { $0.maxReceiveMessageSize = 1024 }) { client, _ in
            var request = Grpc_Testing_SimpleRequest()
            request.payload = InteropTestService.payload(size: 4096)
            let error = await #expect(throws: RPCError.self) {
                _ = try await Grpc_Testing_TestServiceClient(client).unaryCall(request)
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.contains("exceeds the maximum of 1024 bytes") == true)
            // The connection still serves calls.
            _ = try await Grpc_Testing_TestServiceClient(client).emptyCall(Grpc_Testing_Empty())
        }
    }

    @Test("a status message of 80,000 bytes arrives cut to its limit, with its code")
    func longStatusMessage() async throws {
        try await withServer { client, _ in
            var request = Grpc_Testing_SimpleRequest()
            var status = Grpc_Testing_EchoStatus()
            status.code = Int32(RPCError.Code.notFound.rawValue)
            status.message = String(repeating: "é", count: 40_000)
            request.responseStatus = status
            let error = await #expect(throws: RPCError.self) {
                _ = try await Grpc_Testing_TestServiceClient(client).unaryCall(request, options: CallOptions(timeout: .seconds(5)))
            }
            #expect(error?.code == .notFound)
            #expect(error?.message.hasPrefix("éééé") == true)
            #expect(error?.message.hasSuffix("... (cut from a message of 80000 bytes)") == true)
        }
    }

    /// Trailers beyond what nghttp2 sends in one header block (64 KiB) are never sent; the stream
    /// is reset so that the caller learns of it at once rather than at its deadline.
    @Test("trailers too large to send reset the stream: the call fails with INTERNAL, the connection serves on")
    func unsendableTrailers() async throws {
        struct OversizedTrailers: RPCService {
            func registerMethods(with router: inout RPCRouter) {
                router.registerUnary(Grpc_Testing_TestService.Method.emptyCall) { (_: Grpc_Testing_Empty, _) -> Grpc_Testing_Empty in
                    throw RPCError(code: .notFound, message: "not found", metadata: ["x-detail": .string(String(repeating: "a", count: 70_000))])
                }
            }
        }
        try await withTestServer(services: [OversizedTrailers(), HealthService()]) { client, _ in
            let error = await #expect(throws: RPCError.self) {
                _ = try await Grpc_Testing_TestServiceClient(client).emptyCall(Grpc_Testing_Empty(), options: CallOptions(timeout: .seconds(5)))
            }
            #expect(error?.code == .internal)
            #expect(error?.message == "the server reset the stream of /grpc.testing.TestService/EmptyCall (HTTP/2 error 2)")
            let health = try await Grpc_Health_V1_HealthClient(client).check(Grpc_Health_V1_HealthCheckRequest())
            #expect(health.status == .serving)
        }
    }

    /// A full-duplex request answered with one 1-byte response.
    static func oneResponse() -> Grpc_Testing_StreamingOutputCallRequest {
        var request = Grpc_Testing_StreamingOutputCallRequest()
        var parameters = Grpc_Testing_ResponseParameters()
        parameters.size = 1
        request.responseParameters = [parameters]
        return request
    }

    /// Cancels one full-duplex call once the server has answered its first request: the client
    /// resets a stream the server still has open, which the server counts against the connection.
    static func cancelOneCall(_ service: Grpc_Testing_TestServiceClient) async {
        let task = Task {
            try await service.fullDuplexCall { writer, responses in
                try await writer.write(oneResponse())
                var iterator = responses.makeAsyncIterator()
                _ = try await iterator.next()
                withUnsafeCurrentTask { $0?.cancel() }
                _ = try await iterator.next()
                return 0
            }
        }
        _ = await task.result
    }

    @Test("resets count against an allowance that refills: occasional cancels never close a connection, a burst does")
    func resetAllowance() async throws {
        try await withServer(configuration: .defaults { $0.errorBurst = 10; $0.errorsPerSecond = 20 }) { client, _ in
            let service = Grpc_Testing_TestServiceClient(client)
            // A call that stays open on the connection all along, as a witness of it.
            let witness = Task {
                try await service.fullDuplexCall { writer, responses in
                    var iterator = responses.makeAsyncIterator()
                    var answered = 0
                    for _ in 0..<2 {
                        try await writer.write(Self.oneResponse())
                        if try await iterator.next() != nil { answered += 1 }
                        if answered == 1 { try await Task.sleep(for: .seconds(2)) }  // the cancels happen meanwhile
                    }
                    writer.finish()
                    return answered
                }
            }
            // 15 cancels at 10 per second: more than the burst, less than the refill.
            for _ in 0..<15 {
                await Self.cancelOneCall(service)
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await witness.value == 2)
            // 30 at once: the allowance runs out and the connection is closed, its open call with it.
            let second = Task {
                try await service.fullDuplexCall { writer, responses in
                    try await writer.write(Self.oneResponse())
                    var iterator = responses.makeAsyncIterator()
                    _ = try await iterator.next()
                    _ = try await iterator.next()  // never answered: the connection ends first
                    return 0
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            for _ in 0..<30 { await Self.cancelOneCall(service) }
            let error = await #expect(throws: RPCError.self) { _ = try await second.value }
            #expect(error?.code == .unavailable)
        }
    }

    @Test("a server deadline cancels the handler with DEADLINE_EXCEEDED")
    func serverDeadline() async throws {
        try await withServer { client, _ in
            var request = Grpc_Testing_StreamingOutputCallRequest()
            var parameters = Grpc_Testing_ResponseParameters()
            parameters.size = 10
            parameters.intervalUs = 2_000_000
            request.responseParameters = [parameters]
            let error = await #expect(throws: RPCError.self) {
                try await Grpc_Testing_TestServiceClient(client).streamingOutputCall(request, options: CallOptions(timeout: .milliseconds(50))) { responses in
                    for try await _ in responses {}
                }
            }
            #expect(error?.code == .deadlineExceeded)
        }
    }

    @Test("health reports SERVING, NOT_FOUND for unknown services")
    func health() async throws {
        try await withServer { client, _ in
            let health = Grpc_Health_V1_HealthClient(client)
            let response = try await health.check(Grpc_Health_V1_HealthCheckRequest())
            #expect(response.status == .serving)
            var unknown = Grpc_Health_V1_HealthCheckRequest()
            unknown.service = "no.such.Service"
            let error = await #expect(throws: RPCError.self) { _ = try await health.check(unknown) }
            #expect(error?.code == .notFound)
        }
    }

    @Test("graceful shutdown turns health watchers NOT_SERVING")
    func shutdownHealth() async throws {
        try await withServer { client, server in
            let health = Grpc_Health_V1_HealthClient(client)
            let statuses = try await health.watch(Grpc_Health_V1_HealthCheckRequest()) { responses in
                var statuses: [Grpc_Health_V1_HealthCheckResponse.ServingStatus] = []
                for try await response in responses {
                    statuses.append(response.status)
                    if statuses.count == 1 { server.beginGracefulShutdown() }
                }
                return statuses
            }
            #expect(statuses == [.serving, .notServing])
        }
    }

    @Test("a client reconnects after the server restarts on the same port")
    func reconnect() async throws {
        let first = RPCServer(services: [InteropTestService()])
        let port = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await first.run() }
            let port = try await first.listeningAddress.port!
            first.beginGracefulShutdown()
            try await group.waitForAll()
            return port
        }
        let client = RPCClient(host: "127.0.0.1", port: port)
        let error = await #expect(throws: RPCError.self) {
            _ = try await Grpc_Testing_TestServiceClient(client).emptyCall(Grpc_Testing_Empty())
        }
        #expect(error?.code == .unavailable)
        let second = RPCServer(configuration: .defaults { $0.port = port }, services: [InteropTestService()])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await second.run() }
            _ = try await second.listeningAddress
            _ = try await Grpc_Testing_TestServiceClient(client).emptyCall(Grpc_Testing_Empty())
            await client.close()
            second.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
