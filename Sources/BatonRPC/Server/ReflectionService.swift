public import BatonProtobuf

/// gRPC server reflection: `grpc.reflection.v1.ServerReflection` and, for older tools,
/// `grpc.reflection.v1alpha.ServerReflection`, so that `grpcurl` and other reflection
/// clients can list and describe the services a server hosts.
///
/// Register it with the server next to the services it describes:
///
/// ```swift
/// let services: [any RPCService] = [InteropTestService(), HealthService()]
/// let reflection = ReflectionService(files: BatonInteropProtoFiles.all, hosting: services)
/// let server = RPCServer(services: services + [reflection])
/// ```
///
/// Each request on the stream gets one response, in order:
/// - `list_services`: the hosted services and both reflection services;
/// - `file_by_filename`, `file_containing_symbol` (a message, enum, service or
///   `package.Service.Method`, nested types included): the file, then its transitive
///   dependencies, as serialized `FileDescriptorProto`s;
/// - `all_extension_numbers_of_type`: no numbers for a known type (Baton's files declare no
///   extensions);
/// - an unknown file or symbol, `file_containing_extension`, or a request with nothing set:
///   an `error_response` (NOT_FOUND or INVALID_ARGUMENT); the stream stays open.
///
/// The v1alpha messages have the same field numbers and types as v1, so both versions share
/// this one implementation: the v1alpha method decodes and encodes with the v1 types.
public final class ReflectionService: Grpc_Reflection_V1_ServerReflectionHandler, Sendable {
    private let index: ReflectionIndex

    /// - Parameters:
    ///   - files: the `.proto` files that describe the hosted services, usually generated
    ///     registries such as `BatonInteropProtoFiles.all`. ``BatonRPCProtoFiles/all`` (health
    ///     and reflection) is always included; a file listed twice is served once.
    ///   - services: fully qualified names of the hosted services, e.g.
    ///     `grpc.health.v1.Health`. Both reflection services are always listed.
    public init(files: [ProtoFileDescriptor], services: [String]) {
        let reflectionServices = [Grpc_Reflection_V1_ServerReflection.name, Grpc_Reflection_V1alpha_ServerReflection.name]
        self.index = ReflectionIndex(files: files + BatonRPCProtoFiles.all, services: services + reflectionServices)
    }

    /// Reflection for exactly the services in `services` (their names come from the methods
    /// they register), plus the reflection services themselves.
    public convenience init(files: [ProtoFileDescriptor], hosting services: [any RPCService]) {
        var router = RPCRouter()
        for service in services { router.register(service) }
        self.init(files: files, services: router.services)
    }

    /// The services that `list_services` reports, sorted.
    public var services: [String] { index.services }

    /// Registers `ServerReflectionInfo` of both `grpc.reflection.v1.ServerReflection` and
    /// `grpc.reflection.v1alpha.ServerReflection`.
    public func registerMethods(with router: inout RPCRouter) {
        router.registerBidirectionalStreaming(Grpc_Reflection_V1_ServerReflection.Method.serverReflectionInfo) {
            try await self.serverReflectionInfo($0, responses: $1, context: $2)
        }
        // Wire-identical to v1 (same field numbers and types), so v1's messages decode it.
        router.registerBidirectionalStreaming(
            Grpc_Reflection_V1alpha_ServerReflection.Method.serverReflectionInfo,
            request: Grpc_Reflection_V1_ServerReflectionRequest.self,
            response: Grpc_Reflection_V1_ServerReflectionResponse.self
        ) {
            try await self.serverReflectionInfo($0, responses: $1, context: $2)
        }
    }

    /// Answers each request on the stream with one response, in order, until the client
    /// half-closes. Unknown names are answered with an `error_response`; the stream goes on.
    public func serverReflectionInfo(
        _ requests: RPCRequestStream<Grpc_Reflection_V1_ServerReflectionRequest>,
        responses: RPCWriter<Grpc_Reflection_V1_ServerReflectionResponse>,
        context: ServerContext
    ) async throws {
        for try await request in requests {
            try await responses.write(response(to: request))
        }
    }

    /// The answer to one request (the engine behind both protocol versions).
    func response(to request: Grpc_Reflection_V1_ServerReflectionRequest) -> Grpc_Reflection_V1_ServerReflectionResponse {
        var response = Grpc_Reflection_V1_ServerReflectionResponse()
        response.validHost = request.host
        response.originalRequest = request
        response.messageResponse = answer(request.messageRequest)
        return response
    }

    private func answer(
        _ request: Grpc_Reflection_V1_ServerReflectionRequest.OneOf_MessageRequest?
    ) -> Grpc_Reflection_V1_ServerReflectionResponse.OneOf_MessageResponse {
        switch request {
        case .listServices?:
            var list = Grpc_Reflection_V1_ListServiceResponse()
            list.service = index.services.map { name in
                var service = Grpc_Reflection_V1_ServiceResponse()
                service.name = name
                return service
            }
            return .listServicesResponse(list)

        case .fileByFilename(let name)?:
            return files(index.fileWithDependencies(named: name), orNotFound: "file '\(name)' not found")

        case .fileContainingSymbol(let symbol)?:
            return files(index.fileWithDependencies(containing: symbol), orNotFound: "symbol '\(symbol)' not found")

        case .fileContainingExtension(let wanted)?:
            return error(.notFound, "extension \(wanted.extensionNumber) of '\(wanted.containingType)' not found")

        case .allExtensionNumbersOfType(let type)?:
            guard index.defines(type) else { return error(.notFound, "type '\(type)' not found") }
            var numbers = Grpc_Reflection_V1_ExtensionNumberResponse()
            numbers.baseTypeName = type
            return .allExtensionNumbersResponse(numbers)

        case nil:
            return error(.invalidArgument, "the request sets none of the message_request fields")
        }
    }

    private func files(
        _ files: [[UInt8]]?,
        orNotFound message: @autoclosure () -> String
    ) -> Grpc_Reflection_V1_ServerReflectionResponse.OneOf_MessageResponse {
        guard let files else { return error(.notFound, message()) }
        var response = Grpc_Reflection_V1_FileDescriptorResponse()
        response.fileDescriptorProto = files
        return .fileDescriptorResponse(response)
    }

    private func error(
        _ code: RPCError.Code,
        _ message: String
    ) -> Grpc_Reflection_V1_ServerReflectionResponse.OneOf_MessageResponse {
        var error = Grpc_Reflection_V1_ErrorResponse()
        error.errorCode = Int32(code.rawValue)
        error.errorMessage = message
        return .errorResponse(error)
    }
}
