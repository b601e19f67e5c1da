import BatonInterop
import BatonProtobuf
import BatonRPC
import Testing

/// Baton's client against a Baton server hosting reflection, over real sockets on 127.0.0.1.
@Suite("Reflection")
struct ReflectionServiceTests {
    typealias Request = Grpc_Reflection_V1_ServerReflectionRequest
    typealias Response = Grpc_Reflection_V1_ServerReflectionResponse

    static let files = BatonInteropProtoFiles.all + BatonRPCProtoFiles.all

    /// Runs `body` with a client connected to a server hosting the interop, health and
    /// reflection services.
    func withReflectionServer(_ body: (RPCClient) async throws -> Void) async throws {
        let services: [any RPCService] = [InteropTestService(), HealthService()]
        let reflection = ReflectionService(files: BatonInteropProtoFiles.all, hosting: services)
        try await withTestServer(services: services + [reflection]) { client, _ in try await body(client) }
    }

    /// Sends `requests` on one v1 stream, reading each response before sending the next.
    func exchange(_ requests: [Request], using client: RPCClient) async throws -> [Response] {
        try await Grpc_Reflection_V1_ServerReflectionClient(client).serverReflectionInfo { writer, responses in
            var iterator = responses.makeAsyncIterator()
            var received: [Response] = []
            for request in requests {
                try await writer.write(request)
                guard let response = try await iterator.next() else { break }
                received.append(response)
            }
            writer.finish()
            #expect(try await iterator.next() == nil)
            return received
        }
    }

    static func request(_ body: Request.OneOf_MessageRequest) -> Request {
        var request = Request()
        request.messageRequest = body
        return request
    }

    /// The names of the files in a file descriptor response, in order.
    static func fileNames(_ response: Response) throws -> [String] {
        guard case .fileDescriptorResponse(let served)? = response.messageResponse else {
            Issue.record("expected file descriptors, got \(String(describing: response.messageResponse))")
            return []
        }
        let names = Dictionary(files.map { ($0.serializedFileDescriptor, $0.name) }, uniquingKeysWith: { first, _ in first })
        return try served.fileDescriptorProto.map { try #require(names[$0], "a file that is not in the registries") }
    }

    static func errorCode(_ response: Response) -> Int32? {
        guard case .errorResponse(let error)? = response.messageResponse else { return nil }
        return error.errorCode
    }

    static let hostedServices = [
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
        "grpc.testing.TestService",
    ]

    @Test("list_services names every hosted service, reflection included")
    func listServices() async throws {
        try await withReflectionServer { client in
            let responses = try await exchange([Self.request(.listServices("*"))], using: client)
            let response = try #require(responses.first)
            guard case .listServicesResponse(let list)? = response.messageResponse else {
                Issue.record("expected a service list, got \(String(describing: response.messageResponse))")
                return
            }
            #expect(list.service.map(\.name) == Self.hostedServices)
            #expect(response.originalRequest == Self.request(.listServices("*")))
        }
    }

    @Test("service names given directly are listed once, sorted, with both reflection services")
    func servicesByName() {
        let reflection = ReflectionService(
            files: BatonRPCProtoFiles.all,
            services: ["grpc.testing.TestService", "grpc.health.v1.Health", "grpc.testing.TestService"]
        )
        #expect(reflection.services == Self.hostedServices)
    }

    @Test(
        "file_containing_symbol returns the defining file, then its dependencies",
        arguments: [
            ("grpc.testing.TestService", ["grpc/testing/test.proto", "grpc/testing/empty.proto", "grpc/testing/messages.proto"]),
            ("grpc.testing.TestService.UnaryCall", ["grpc/testing/test.proto", "grpc/testing/empty.proto", "grpc/testing/messages.proto"]),
            ("grpc.testing.SimpleRequest", ["grpc/testing/messages.proto"]),
            ("grpc.health.v1.HealthCheckResponse.ServingStatus", ["grpc/health/v1/health.proto"]),
            ("grpc.reflection.v1alpha.ServerReflection", ["grpc/reflection/v1alpha/reflection.proto"]),
        ]
    )
    func fileContainingSymbol(symbol: String, expected: [String]) async throws {
        try await withReflectionServer { client in
            let responses = try await exchange([Self.request(.fileContainingSymbol(symbol))], using: client)
            #expect(try Self.fileNames(try #require(responses.first)) == expected)
        }
    }

    @Test("unknown names get NOT_FOUND and the stream keeps answering, in order")
    func notFoundKeepsTheStream() async throws {
        try await withReflectionServer { client in
            var extensionRequest = Grpc_Reflection_V1_ExtensionRequest()
            extensionRequest.containingType = "grpc.testing.SimpleRequest"
            extensionRequest.extensionNumber = 100
            let responses = try await exchange(
                [
                    Self.request(.fileContainingSymbol("grpc.testing.NoSuchMessage")),
                    Self.request(.fileByFilename("grpc/testing/test.proto")),
                    Self.request(.fileByFilename("no/such/file.proto")),
                    Self.request(.fileContainingExtension(extensionRequest)),
                    Self.request(.allExtensionNumbersOfType("grpc.testing.SimpleRequest")),
                    Self.request(.allExtensionNumbersOfType("grpc.testing.NoSuchMessage")),
                    Request(),
                    Self.request(.fileContainingSymbol("grpc.testing.Empty")),
                ],
                using: client
            )
            try #require(responses.count == 8)
            #expect(Self.errorCode(responses[0]) == 5)
            if case .errorResponse(let error)? = responses[0].messageResponse {
                #expect(error.errorMessage == "symbol 'grpc.testing.NoSuchMessage' not found")
            }
            #expect(try Self.fileNames(responses[1]).first == "grpc/testing/test.proto")
            #expect(Self.errorCode(responses[2]) == 5)
            #expect(Self.errorCode(responses[3]) == 5)
            guard case .allExtensionNumbersResponse(let numbers)? = responses[4].messageResponse else {
                Issue.record("expected extension numbers, got \(String(describing: responses[4].messageResponse))")
                return
            }
            #expect(numbers.baseTypeName == "grpc.testing.SimpleRequest" && numbers.extensionNumber.isEmpty)
            #expect(Self.errorCode(responses[5]) == 5)
            #expect(Self.errorCode(responses[6]) == 3)
            #expect(try Self.fileNames(responses[7]) == ["grpc/testing/empty.proto"])
        }
    }

    @Test("v1alpha answers like v1")
    func v1alpha() async throws {
        try await withReflectionServer { client in
            let responses = try await Grpc_Reflection_V1alpha_ServerReflectionClient(client).serverReflectionInfo { writer, responses in
                var list = Grpc_Reflection_V1alpha_ServerReflectionRequest()
                list.messageRequest = .listServices("")
                var file = Grpc_Reflection_V1alpha_ServerReflectionRequest()
                file.messageRequest = .fileByFilename("grpc/testing/test.proto")
                var missing = Grpc_Reflection_V1alpha_ServerReflectionRequest()
                missing.messageRequest = .fileContainingSymbol("grpc.testing.Missing")
                for request in [list, file, missing] { try await writer.write(request) }
                writer.finish()
                var received: [Grpc_Reflection_V1alpha_ServerReflectionResponse] = []
                for try await response in responses { received.append(response) }
                return received
            }
            try #require(responses.count == 3)
            guard case .listServicesResponse(let list)? = responses[0].messageResponse,
                case .fileDescriptorResponse(let files)? = responses[1].messageResponse,
                case .errorResponse(let error)? = responses[2].messageResponse
            else {
                Issue.record("unexpected responses \(responses)")
                return
            }
            #expect(list.service.map(\.name) == Self.hostedServices)
            #expect(files.fileDescriptorProto.first == BatonInteropProtoFiles.all.first { $0.name == "grpc/testing/test.proto" }?.serializedFileDescriptor)
            #expect(files.fileDescriptorProto.count == 3)
            #expect(error.errorCode == 5)
        }
    }
}
