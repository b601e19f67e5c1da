public import BatonWorkflow
import Foundation

extension RunningReferenceServices {
    /// Stops these services while `step` of workflow `id` is in flight (a crash mid-call),
    /// waits until a retry of the step has failed against the stopped services, then starts
    /// them again on the same port. Give the step's call a latency of seconds (stopping the
    /// services cuts it at once), so that the stop lands while it is in flight even when a busy
    /// machine notices the step running late.
    public func stop(during step: String, of id: String, on engine: WorkflowEngine) async throws {
        try await poll(until: "\(step) is in flight") {
            try await engine.snapshot(id: id).step(step)?.status == .running
        }
        try await Task.sleep(for: .milliseconds(100))
        await stop()
        try await poll(until: "a retry of \(step) has failed against the stopped services") {
            let snapshot = try await engine.snapshot(id: id).step(step)
            return (snapshot?.attempts ?? 0) >= 2 && snapshot?.status == .retryScheduled
        }
        try await start()
    }
}

/// A fresh path for a SQLite store in the temporary directory; ``remove()`` deletes the file
/// and its WAL companions.
public struct TemporarySQLitePath: Sendable {
    public let path: String

    public init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("baton-e2e-\(UUID().uuidString).sqlite").path
    }

    public func remove() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// Runs a contract check's `body`, then `shutdown` (stopping what the check's factory
/// started), whether the check passed or threw.
public func run(_ body: () async throws -> Void, thenShutDown shutdown: () async -> Void) async throws {
    do {
        try await body()
    } catch {
        await shutdown()
        throw error
    }
    await shutdown()
}
