public import BatonRPC
public import BatonWorkflow
import BatonAtomicAPI

/// An orchestrator's error code, as far as the atomic services' wire needs it: a name and the
/// engine's classification. Every orchestrator's `Code` already has both.
public protocol AtomicErrorCode: Hashable, Sendable {
    var name: String { get }
    var stepCode: StepError.Code { get }
    /// A code for a status outside the orchestrator's own codes, keeping its gRPC name.
    init(unlisted name: String, classifiedAs stepCode: StepError.Code)
}

/// An orchestrator's error, as the atomic services send it and the RPC adapters read it back.
///
/// | error code | gRPC status | `baton-error-reason` |
/// | --- | --- | --- |
/// | one of ``refusals`` | FAILED_PRECONDITION | the code's name |
/// | any other | the status named like the code's step code | — |
///
/// Read back, a FAILED_PRECONDITION is the refusal its reason names; any status (without a
/// known reason) is the first of ``statuses`` classified as that status (so UNAVAILABLE and DEADLINE_EXCEEDED stay
/// retryable), or else an unlisted code with the status's name, classified as the engine's
/// step code of that name.
public protocol AtomicStatusError: Error, Sendable {
    associatedtype Code: AtomicErrorCode
    var code: Code { get }
    var message: String { get }
    init(atomic code: Code, message: String)
    /// Business refusals: sent as FAILED_PRECONDITION with the code's name as the reason.
    static var refusals: [Code] { get }
    /// Codes read back from the status of their step code's name (NOT_FOUND, UNAVAILABLE, …).
    static var statuses: [Code] { get }
}

extension AtomicStatusError {
    /// This error as the gRPC status a service answers with.
    public var rpcError: RPCError {
        if Self.refusals.contains(code) {
            return RPCError(code: .failedPrecondition, message: message, metadata: [AtomicMetadata.errorReason: .string(code.name)])
        }
        let status = AtomicMetadata.statusCode(named: code.stepCode.name) ?? .unknown
        return RPCError(code: status, message: message)
    }

    /// The error a gRPC status a service answered with stands for.
    public init(_ error: RPCError) {
        let name = error.code.description
        let code: Code
        if error.code == .failedPrecondition {
            let reason = error.metadata[string: AtomicMetadata.errorReason]
            code = Self.refusals.first { $0.name == reason } ?? Self.statuses.first { $0.stepCode.name == name }
                ?? Code(unlisted: name, classifiedAs: .failedPrecondition)
        } else {
            code = Self.statuses.first { $0.stepCode.name == name } ?? Code(unlisted: name, classifiedAs: StepError.Code(name))
        }
        self.init(atomic: code, message: error.message)
    }

    /// The error a fault-injection code name stands for: a gRPC status name (`UNAVAILABLE`) or
    /// a refusal's name (`PAYMENT_DECLINED`); nil for neither.
    public init?(injecting name: String, message: String) {
        if let refusal = Self.refusals.first(where: { $0.name == name.uppercased() }) {
            self.init(atomic: refusal, message: message)
        } else if let status = AtomicMetadata.statusCode(named: name) {
            self.init(RPCError(code: status, message: message))
        } else {
            return nil
        }
    }
}
