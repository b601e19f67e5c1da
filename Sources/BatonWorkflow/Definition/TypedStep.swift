/// A step action over the workflow's typed input: decodes the input as `Input`, runs `body`, and
/// encodes what it returns as the step's output.
///
/// An error `body` throws that is ``StepErrorConvertible`` (an orchestrator's own error type) is
/// turned into its ``StepError``, so the retry policy reads its classification; any other error
/// is thrown as it is. An input that does not decode as `Input` fails the step with the
/// decoding error.
///
/// ```swift
/// StepDefinition.call("reserve", action: typedStep(PlaceOrderRequest.self) { context, order in
///     try await inventory.reserve(orderID: order.orderID, lines: order.lines, idempotencyKey: context.idempotencyKey)
/// })
/// ```
public func typedStep<Input: Decodable & Sendable, Output: Encodable & Sendable>(
    _ input: Input.Type,
    _ body: @escaping @Sendable (StepContext, Input) async throws -> Output
) -> StepAction {
    { context in
        do {
            return try WorkflowValue(encoding: try await body(context, try context.sharedInput(as: Input.self)))
        } catch let error as any StepErrorConvertible {
            throw error.stepError
        }
    }
}

/// A step action over the workflow's typed input with nothing to return (typically a
/// compensation): like the other ``typedStep(_:_:)``, with the output `null`.
public func typedStep<Input: Decodable & Sendable>(
    _ input: Input.Type,
    _ body: @escaping @Sendable (StepContext, Input) async throws -> Void
) -> StepAction {
    typedStep(input) { context, input -> WorkflowValue in
        try await body(context, input)
        return .null
    }
}
