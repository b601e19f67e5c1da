import BatonWorkflow

/// Runs one contract call as a step body: its result becomes the step's output, and a
/// ``SupplyChainError`` becomes the ``StepError`` that tells the engine whether to retry.
func contractCall<Output: Encodable>(_ call: () async throws -> Output) async throws -> WorkflowValue {
    try WorkflowValue(encoding: try await classifyingRefusals(call))
}

/// Runs a contract call inside a step, turning a ``SupplyChainError`` into its ``StepError``.
func classifyingRefusals<Output>(_ call: () async throws -> Output) async throws -> Output {
    do {
        return try await call()
    } catch let error as SupplyChainError {
        throw error.stepError
    }
}

extension StepDefinition {
    /// A service-call step whose timeout, when configured, bounds each attempt.
    func timeout(_ duration: Duration?) -> StepDefinition {
        duration.map { timeout($0) } ?? self
    }
}
