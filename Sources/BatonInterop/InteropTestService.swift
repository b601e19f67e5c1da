public import BatonRPC

/// `grpc.testing.TestService` as gRPC's interoperability test descriptions specify it:
/// payloads of the requested sizes, `interval_us` pauses, the requested status, and echo of
/// `x-grpc-test-echo-initial` / `x-grpc-test-echo-trailing-bin` metadata.
public struct InteropTestService: Grpc_Testing_TestServiceHandler {
    public init() {}

    public func emptyCall(_ request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
        echoMetadata(context)
        return Grpc_Testing_Empty()
    }

    public func unaryCall(_ request: Grpc_Testing_SimpleRequest, context: ServerContext) async throws -> Grpc_Testing_SimpleResponse {
        echoMetadata(context)
        try Self.check(request.responseStatus)
        var response = Grpc_Testing_SimpleResponse()
        response.payload = Self.payload(size: Int(request.responseSize))
        return response
    }

    public func streamingOutputCall(
        _ request: Grpc_Testing_StreamingOutputCallRequest,
        responses: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        echoMetadata(context)
        try await respond(to: request, with: responses)
    }

    public func streamingInputCall(
        _ requests: RPCRequestStream<Grpc_Testing_StreamingInputCallRequest>,
        context: ServerContext
    ) async throws -> Grpc_Testing_StreamingInputCallResponse {
        echoMetadata(context)
        var total = 0
        for try await request in requests {
            total += request.payload?.body.count ?? 0
        }
        var response = Grpc_Testing_StreamingInputCallResponse()
        response.aggregatedPayloadSize = Int32(total)
        return response
    }

    public func fullDuplexCall(
        _ requests: RPCRequestStream<Grpc_Testing_StreamingOutputCallRequest>,
        responses: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        echoMetadata(context)
        for try await request in requests {
            try await respond(to: request, with: responses)
        }
    }

    public func halfDuplexCall(
        _ requests: RPCRequestStream<Grpc_Testing_StreamingOutputCallRequest>,
        responses: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        echoMetadata(context)
        var buffered: [Grpc_Testing_StreamingOutputCallRequest] = []
        for try await request in requests { buffered.append(request) }
        for request in buffered { try await respond(to: request, with: responses) }
    }

    public func unimplementedMethod(_ request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
        throw RPCError(code: .unimplemented, message: "grpc.testing.TestService/UnimplementedCall is not implemented")
    }

    // MARK: Helpers

    private func respond(
        to request: Grpc_Testing_StreamingOutputCallRequest,
        with responses: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>
    ) async throws {
        try Self.check(request.responseStatus)
        for parameters in request.responseParameters {
            if parameters.intervalUs > 0 {
                try await Task.sleep(for: .microseconds(Int(parameters.intervalUs)))
            }
            var response = Grpc_Testing_StreamingOutputCallResponse()
            response.payload = Self.payload(size: Int(parameters.size))
            try await responses.write(response)
        }
    }

    private func echoMetadata(_ context: ServerContext) {
        if let initial = context.requestMetadata[string: "x-grpc-test-echo-initial"] {
            context.addInitialMetadata(["x-grpc-test-echo-initial": .string(initial)])
        }
        if let trailing = context.requestMetadata[binary: "x-grpc-test-echo-trailing-bin"] {
            context.addTrailingMetadata(["x-grpc-test-echo-trailing-bin": .binary(trailing)])
        }
    }

    /// Throws the status a request asks for (`response_status`), if any.
    static func check(_ status: Grpc_Testing_EchoStatus?) throws {
        guard let status, status.code != 0 else { return }
        throw RPCError(code: RPCError.Code(rawValue: Int(status.code)) ?? .unknown, message: status.message)
    }

    /// A payload of `size` zero bytes, as the interop cases expect.
    public static func payload(size: Int) -> Grpc_Testing_Payload {
        var payload = Grpc_Testing_Payload()
        payload.type = .compressable
        payload.body = [UInt8](repeating: 0, count: max(0, size))
        return payload
    }
}
