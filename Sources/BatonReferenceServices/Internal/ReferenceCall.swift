import BatonAtomicAPI
import BatonRPC
import BatonRPCAdapterSupport

extension ReferenceServices {
    /// Runs one call of a reference service: the call's own injected fault and latency
    /// (request metadata), then `body`, whose `Failure` (the family's orchestrator error)
    /// becomes the gRPC status the service answers with.
    func serve<Failure: AtomicStatusError, Response: Sendable>(
        _ context: ServerContext,
        _: Failure.Type,
        _ body: () async throws -> Response
    ) async throws -> Response {
        if let value = context.requestMetadata[string: AtomicMetadata.latencyMilliseconds] {
            guard let milliseconds = Int(value), milliseconds >= 0 else {
                throw RPCError(code: .invalidArgument, message: "\(AtomicMetadata.latencyMilliseconds) must be a number of milliseconds, not '\(value)'")
            }
            try await Task.sleep(for: .milliseconds(milliseconds))
        }
        if let name = context.requestMetadata[string: AtomicMetadata.fault] {
            guard let injected = Failure(injecting: name, message: "injected failure of \(context.method) (\(AtomicMetadata.fault))") else {
                throw RPCError(code: .invalidArgument, message: "\(AtomicMetadata.fault) must name a gRPC status code, not '\(name)'")
            }
            throw injected.rpcError
        }
        do {
            return try await body()
        } catch let error as Failure {
            logger.debug("refused", metadata: [
                "method": "\(context.method)", "error": "\(error)",
                "correlation": "\(context.requestMetadata[string: AtomicMetadata.correlationID] ?? "")",
            ])
            throw error.rpcError
        }
    }
}
