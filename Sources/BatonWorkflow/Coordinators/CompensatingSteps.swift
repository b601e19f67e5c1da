import Synchronization

/// The steps of one synchronous coordinator run: each completed step registers how to undo it,
/// and if a later step fails the completed ones are undone in reverse order (LIFO).
///
/// ```swift
/// let transfers = try await withCompensatingSteps { steps in
///     try await steps.run("transfer \(plan.id)") {
///         try await warehouse.transfer(plan)
///     } undo: { receipt in
///         try await warehouse.reverse(receipt)
///     }
/// }
/// ```
public final class CompensatingSteps: Sendable {
    private struct Completed: Sendable {
        var name: String
        var undo: @Sendable () async throws -> Void
    }

    private let completed = Mutex<[Completed]>([])

    fileprivate init() {}

    /// Runs `action`; once it has succeeded, `undo` (given the action's result) is registered to
    /// run if a later step fails.
    public func run<Result: Sendable>(
        _ name: String,
        _ action: () async throws -> Result,
        undo: @escaping @Sendable (Result) async throws -> Void
    ) async throws -> Result {
        let result = try await action()
        completed.withLock { $0.append(Completed(name: name, undo: { try await undo(result) })) }
        return result
    }

    /// Runs a step that has nothing to undo (a read, a calculation).
    public func run<Result>(_ name: String, _ action: () async throws -> Result) async rethrows -> Result {
        try await action()
    }

    /// The names of the steps completed so far, in completion order.
    public var completedSteps: [String] {
        completed.withLock { $0.map(\.name) }
    }

    /// Undoes every completed step, newest first; each undo runs even if an earlier one failed.
    fileprivate func undoAll() async -> (undone: [String], failures: [String: String]) {
        let steps = completed.withLock { steps in
            defer { steps.removeAll() }
            return steps
        }
        var undone: [String] = []
        var failures: [String: String] = [:]
        for step in steps.reversed() {
            do {
                try await step.undo()
                undone.append(step.name)
            } catch {
                failures[step.name] = String(describing: error)
            }
        }
        return (undone, failures)
    }
}

/// Thrown by ``withCompensatingSteps(_:)`` when the body failed: what failed, and what was undone.
public struct CoordinatorFailure: Error, Sendable, CustomStringConvertible {
    /// The error the body threw.
    public var underlying: any Error
    /// The completed steps that were undone, in the order they were undone.
    public var undone: [String]
    /// Undos that themselves failed, by step name: these effects remain and need an operator.
    public var undoFailures: [String: String]

    public var description: String {
        var text = "\(underlying)"
        if !undone.isEmpty { text += "; undone: \(undone.joined(separator: ", "))" }
        if !undoFailures.isEmpty {
            text += "; could not undo: " + undoFailures.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
        }
        return text
    }
}

/// Runs a coordinator's steps; if `body` throws, undoes the completed steps in reverse order and
/// throws ``CoordinatorFailure`` carrying the original error.
public func withCompensatingSteps<Result>(
    _ body: (CompensatingSteps) async throws -> Result
) async throws(CoordinatorFailure) -> Result {
    let steps = CompensatingSteps()
    do {
        return try await body(steps)
    } catch {
        let (undone, failures) = await steps.undoAll()
        throw CoordinatorFailure(underlying: error, undone: undone, undoFailures: failures)
    }
}
