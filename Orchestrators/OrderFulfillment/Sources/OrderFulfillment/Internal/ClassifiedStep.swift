import BatonWorkflow

/// A step body over the workflow's typed input: decodes it as `Input`, runs `body`, encodes its
/// result, and turns an ``OrderFulfillmentError`` into the ``StepError`` the retry policy reads.
func classifiedStep<Input: Decodable & Sendable, Output: Encodable & Sendable>(
    _ input: Input.Type,
    _ body: @escaping @Sendable (StepContext, Input) async throws -> Output
) -> StepAction {
    { context in
        do {
            return try WorkflowValue(encoding: try await body(context, try context.input(as: Input.self)))
        } catch let error as OrderFulfillmentError {
            throw error.stepError
        }
    }
}

/// A step body with nothing to return (a compensation): its output is `null`.
func classifiedStep<Input: Decodable & Sendable>(
    _ input: Input.Type,
    _ body: @escaping @Sendable (StepContext, Input) async throws -> Void
) -> StepAction {
    classifiedStep(input) { context, input -> WorkflowValue in
        try await body(context, input)
        return .null
    }
}
