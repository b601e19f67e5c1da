public import BatonRPC

/// gRPC's standard interoperability test cases, run by Baton's client against any server of
/// `grpc.testing.TestService`. Each case throws ``InteropTestFailure`` when the server's
/// behaviour differs from the specification.
public enum InteropTestCase: String, CaseIterable, Sendable {
    case emptyUnary = "empty_unary"
    case largeUnary = "large_unary"
    case clientStreaming = "client_streaming"
    case serverStreaming = "server_streaming"
    case pingPong = "ping_pong"
    case emptyStream = "empty_stream"
    case customMetadata = "custom_metadata"
    case statusCodeAndMessage = "status_code_and_message"
    case specialStatusMessage = "special_status_message"
    case unimplementedMethod = "unimplemented_method"
    case unimplementedService = "unimplemented_service"
    case cancelAfterBegin = "cancel_after_begin"
    case cancelAfterFirstResponse = "cancel_after_first_response"
    case timeoutOnSleepingServer = "timeout_on_sleeping_server"

    /// Runs the case against the server `client` is connected to.
    public func run(using client: RPCClient) async throws {
        let service = Grpc_Testing_TestServiceClient(client)
        switch self {
        case .emptyUnary:
            let response = try await service.emptyCall(Grpc_Testing_Empty())
            try expect(response == Grpc_Testing_Empty(), "EmptyCall returned a non-empty message")

        case .largeUnary:
            var request = Grpc_Testing_SimpleRequest()
            request.responseSize = 314_159
            request.payload = InteropTestService.payload(size: 271_828)
            let response = try await service.unaryCall(request)
            try expect(response.payload?.body.count == 314_159, "payload of \(response.payload?.body.count ?? -1) bytes, expected 314159")
            try expect(response.payload?.body.allSatisfy { $0 == 0 } == true, "payload is not all zeros")

        case .clientStreaming:
            let response = try await service.streamingInputCall { writer in
                for size in [27_182, 8, 1_828, 45_904] {
                    var request = Grpc_Testing_StreamingInputCallRequest()
                    request.payload = InteropTestService.payload(size: size)
                    try await writer.write(request)
                }
            }
            try expect(response.aggregatedPayloadSize == 74_922, "aggregated size \(response.aggregatedPayloadSize), expected 74922")

        case .serverStreaming:
            let sizes = [31_415, 9, 2_653, 58_979]
            var request = Grpc_Testing_StreamingOutputCallRequest()
            request.responseParameters = sizes.map { size in
                var parameters = Grpc_Testing_ResponseParameters()
                parameters.size = Int32(size)
                return parameters
            }
            let received = try await service.streamingOutputCall(request) { responses in
                var received: [Int] = []
                for try await response in responses { received.append(response.payload?.body.count ?? -1) }
                return received
            }
            try expect(received == sizes, "received sizes \(received), expected \(sizes)")

        case .pingPong:
            let requestSizes = [27_182, 8, 1_828, 45_904]
            let responseSizes = [31_415, 9, 2_653, 58_979]
            let received = try await service.fullDuplexCall { writer, responses in
                var iterator = responses.makeAsyncIterator()
                var received: [Int] = []
                for (requestSize, responseSize) in zip(requestSizes, responseSizes) {
                    try await writer.write(Self.streamingRequest(responseSize: responseSize, payloadSize: requestSize))
                    guard let response = try await iterator.next() else { break }
                    received.append(response.payload?.body.count ?? -1)
                }
                writer.finish()
                if try await iterator.next() != nil { received.append(-1) }
                return received
            }
            try expect(received == responseSizes, "received sizes \(received), expected \(responseSizes)")

        case .emptyStream:
            let count = try await service.fullDuplexCall { writer, responses in
                writer.finish()
                var count = 0
                for try await _ in responses { count += 1 }
                return count
            }
            try expect(count == 0, "received \(count) responses on an empty stream")

        case .customMetadata:
            let trailing: [UInt8] = [0xAB, 0xAB, 0xAB]
            var options = CallOptions()
            options.metadata.append("x-grpc-test-echo-initial", "test_initial_metadata_value")
            options.metadata.append("x-grpc-test-echo-trailing-bin", binary: trailing)
            var request = Grpc_Testing_SimpleRequest()
            request.responseSize = 314_159
            request.payload = InteropTestService.payload(size: 271_828)
            let response = try await client.unary(Grpc_Testing_TestService.Method.unaryCall, request: request, responseType: Grpc_Testing_SimpleResponse.self, options: options)
            try expect(response.initialMetadata[string: "x-grpc-test-echo-initial"] == "test_initial_metadata_value", "unary: initial metadata not echoed: \(response.initialMetadata)")
            try expect(response.trailingMetadata[binary: "x-grpc-test-echo-trailing-bin"] == trailing, "unary: trailing metadata not echoed: \(response.trailingMetadata)")
            let (initial, trailers) = try await client.bidirectionalStreaming(
                Grpc_Testing_TestService.Method.fullDuplexCall,
                requestType: Grpc_Testing_StreamingOutputCallRequest.self,
                responseType: Grpc_Testing_StreamingOutputCallResponse.self,
                options: options
            ) { writer, responses in
                try await writer.write(Self.streamingRequest(responseSize: 314_159, payloadSize: 271_828))
                writer.finish()
                for try await _ in responses {}
                return (try await responses.initialMetadata, responses.trailingMetadata)
            }
            try expect(initial[string: "x-grpc-test-echo-initial"] == "test_initial_metadata_value", "streaming: initial metadata not echoed: \(initial)")
            try expect(trailers[binary: "x-grpc-test-echo-trailing-bin"] == trailing, "streaming: trailing metadata not echoed: \(trailers)")

        case .statusCodeAndMessage:
            try await expectStatus(service: service, message: "test status message")

        case .specialStatusMessage:
            try await expectStatus(service: service, message: "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n")

        case .unimplementedMethod:
            try await expectError(.unimplemented) {
                _ = try await client.unary(MethodDescriptor(service: "grpc.testing.TestService", method: "UnimplementedCall"), request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
            }

        case .unimplementedService:
            try await expectError(.unimplemented) {
                _ = try await client.unary(MethodDescriptor(service: "grpc.testing.UnimplementedService", method: "UnimplementedCall"), request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
            }

        case .cancelAfterBegin:
            let task = Task {
                try await service.streamingInputCall { _ in
                    try await Task.sleep(for: .seconds(30))
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            task.cancel()
            try await expectError(.cancelled) { _ = try await task.value }

        case .cancelAfterFirstResponse:
            let task = Task {
                try await service.fullDuplexCall { writer, responses in
                    try await writer.write(Self.streamingRequest(responseSize: 31_415, payloadSize: 27_182))
                    var iterator = responses.makeAsyncIterator()
                    _ = try await iterator.next()
                    withUnsafeCurrentTask { $0?.cancel() }
                    _ = try await iterator.next()
                    return 0
                }
            }
            try await expectError(.cancelled) { _ = try await task.value }

        case .timeoutOnSleepingServer:
            try await expectError(.deadlineExceeded) {
                _ = try await service.fullDuplexCall(options: CallOptions(timeout: .milliseconds(1))) { writer, responses in
                    try await writer.write(Self.streamingRequest(responseSize: 31_415, payloadSize: 27_182))
                    for try await _ in responses {}
                    return 0
                }
            }
        }
    }

    private static func streamingRequest(responseSize: Int, payloadSize: Int) -> Grpc_Testing_StreamingOutputCallRequest {
        var request = Grpc_Testing_StreamingOutputCallRequest()
        var parameters = Grpc_Testing_ResponseParameters()
        parameters.size = Int32(responseSize)
        request.responseParameters = [parameters]
        request.payload = InteropTestService.payload(size: payloadSize)
        return request
    }

    private func expectStatus(service: Grpc_Testing_TestServiceClient, message: String) async throws {
        var status = Grpc_Testing_EchoStatus()
        status.code = 2
        status.message = message
        var unary = Grpc_Testing_SimpleRequest()
        unary.responseStatus = status
        try await expectError(.unknown, message: message) { _ = try await service.unaryCall(unary) }
        var streamingRequest = Grpc_Testing_StreamingOutputCallRequest()
        streamingRequest.responseStatus = status
        let streaming = streamingRequest
        try await expectError(.unknown, message: message) {
            _ = try await service.fullDuplexCall { writer, responses in
                try await writer.write(streaming)
                writer.finish()
                for try await _ in responses {}
                return 0
            }
        }
    }

    private func expectError(_ code: RPCError.Code, message: String? = nil, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as RPCError {
            try expect(error.code == code, "status \(error.code) (\(error.message)), expected \(code)")
            if let message {
                try expect(error.message == message, "message \(error.message.debugDescription), expected \(message.debugDescription)")
            }
            return
        }
        throw InteropTestFailure(message: "the call succeeded, expected \(code)")
    }

    private func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw InteropTestFailure(message: message()) }
    }
}

/// An interoperability case found the server misbehaving.
public struct InteropTestFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
