import BatonAtomicAPI
import BatonRPC

/// `baton.atomic.faults.v1.FaultInjectionService`: the admin side of fault injection.
struct FaultInjectionServiceHandler: Baton_Atomic_Faults_V1_FaultInjectionServiceHandler {
    let host: ReferenceServices

    func failNext(_ request: Baton_Atomic_Faults_V1_FailNextRequest, context: ServerContext) async throws -> Baton_Atomic_Faults_V1_FailNextResponse {
        guard request.count > 0 else { throw RPCError(code: .invalidArgument, message: "FailNext needs a positive count") }
        do {
            try host.failNext(.init(method: request.method, count: Int(request.count), code: request.code, afterEffect: request.afterEffect))
        } catch {
            throw RPCError(code: .invalidArgument, message: error.description)
        }
        host.logger.info("injecting failures", metadata: ["method": "\(request.method)", "count": "\(request.count)", "code": "\(request.code)"])
        return Baton_Atomic_Faults_V1_FailNextResponse()
    }

    func addLatency(_ request: Baton_Atomic_Faults_V1_AddLatencyRequest, context: ServerContext) async throws -> Baton_Atomic_Faults_V1_AddLatencyResponse {
        guard request.latencyMs >= 0, request.calls >= 0 else {
            throw RPCError(code: .invalidArgument, message: "AddLatency needs a latency and a number of calls of at least 0")
        }
        do {
            try host.addLatency(.milliseconds(request.latencyMs), to: request.method, calls: request.calls == 0 ? .max : Int(request.calls))
        } catch {
            throw RPCError(code: .invalidArgument, message: error.description)
        }
        return Baton_Atomic_Faults_V1_AddLatencyResponse()
    }
}
