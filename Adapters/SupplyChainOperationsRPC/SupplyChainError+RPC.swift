import BatonRPCAdapterSupport
import BatonWorkflow
import SupplyChainOperations

extension SupplyChainError.Code: AtomicErrorCode {
    public init(unlisted name: String, classifiedAs stepCode: StepError.Code) {
        self.init(name, stepCode: stepCode)
    }
}

/// How SupplyChainOperations' errors travel as gRPC statuses, in both directions (see
/// ``AtomicStatusError``): the reference services send them this way and the RPC adapter reads
/// them back.
///
/// | error code | gRPC status | `baton-error-reason` |
/// | --- | --- | --- |
/// | INSUFFICIENT_STOCK | FAILED_PRECONDITION | the code's name |
/// | NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, UNAVAILABLE, DEADLINE_EXCEEDED, any other | the status of that name | — |
extension SupplyChainError: AtomicStatusError {
    public static let refusals: [Code] = [.insufficientStock]
    public static let statuses: [Code] = [.notFound, .invalidArgument, .failedPrecondition, .unavailable, .timedOut]

    public init(atomic code: Code, message: String) {
        self.init(code, message)
    }
}

/// A DTO enum from its wire name (`OPEN`, `RESTOCK`, …).
///
/// - Throws: ``SupplyChainError`` `invalidArgument` for a name the enum does not have.
func wireEnum<Value: RawRepresentable<String>>(_ name: String, _ what: String) throws(SupplyChainError) -> Value {
    guard let value = Value(rawValue: name) else { throw SupplyChainError(.invalidArgument, "unknown \(what) '\(name)'") }
    return value
}
