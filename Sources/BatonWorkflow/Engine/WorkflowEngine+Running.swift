/// Runs `engine`'s service loop around `body`, then shuts it down gracefully (in-flight steps
/// finish or are persisted) and returns `body`'s result. For tests, tools and embedders that
/// do not run the engine in a `ServiceGroup`.
public func withRunningEngine<Result: Sendable>(
    _ engine: WorkflowEngine,
    _ body: (WorkflowEngine) async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await engine.run() }
        do {
            let result = try await body(engine)
            engine.beginShutdown()
            try await group.waitForAll()
            return result
        } catch {
            engine.beginShutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}
