import BatonWorkflow

/// Runs one contract call as a step body: its result becomes the step's output, and a
/// ``SupplyChainError`` becomes the ``StepError`` that tells the engine whether to retry.
func contractCall<Output: Encodable>(_ call: () async throws -> Output) async throws -> WorkflowValue {
    let output: Output
    do {
        output = try await call()
    } catch let error as SupplyChainError {
        throw error.stepError
    }
    return try WorkflowValue(encoding: output)
}

extension StepDefinition {
    /// A service-call step whose timeout, when configured, bounds each attempt.
    func timeout(_ duration: Duration?) -> StepDefinition {
        duration.map { timeout($0) } ?? self
    }
}
