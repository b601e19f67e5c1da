import BatonWorkflow
import BatonWorkflowSQLite
import Logging
import Synchronization

/// The benchmarked workflows and the engine around them.
enum SagaWorkload {
    /// A 4-step saga whose steps and compensations are trivial in-process calls. Every step
    /// completes, so each saga records 11 events: created, started, 4 × (step started, step
    /// completed), completed, in 6 durable writes (the create, one before each step runs, the end).
    static let saga = WorkflowDefinition("bench-saga", configuration: .defaults { $0.retry = .none }) {
        StepDefinition.call("reserve-inventory", action: { _ in "reserved" }, compensate: { _ in .null })
        StepDefinition.call("charge-payment", action: { _ in "charged" }, compensate: { _ in .null })
        StepDefinition.call("create-shipment", action: { _ in "shipped" }, compensate: { _ in .null })
        StepDefinition.call("notify-customer", action: { _ in "notified" }, compensate: { _ in .null })
    }

    /// A workflow that parks on a signal before one call step: created, started, wait started,
    /// then nothing until the signal `go` arrives.
    static let parked = WorkflowDefinition("bench-parked", configuration: .defaults { $0.retry = .none }) {
        StepDefinition.waitForSignal("await-go", signal: "go")
        StepDefinition.call("finish", action: { _ in "done" }, compensate: { _ in .null })
    }

    /// The engine logs warnings only: the benchmark measures the engine and its store, not
    /// writing a log line per finished saga.
    static let logger: Logger = {
        var logger = Logger(label: "baton.workflow")
        logger.logLevel = .warning
        return logger
    }()

    /// The SQLite file of ``withEngine(directory:name:_:)``.
    static func storePath(directory: String, name: String) -> String { "\(directory)/\(name).sqlite" }

    /// Runs `body` with an engine on a fresh SQLite file (`synchronous=FULL`) in `directory`, then
    /// shuts the engine down, closes the store and deletes its files.
    static func withEngine<Result: Sendable>(
        directory: String,
        name: String,
        _ body: (WorkflowEngine, SQLiteWorkflowStore, CompletionBus) async throws -> Result
    ) async throws -> Result {
        let path = storePath(directory: directory, name: name)
        for suffix in ["", "-wal", "-shm"] { removeFile(path + suffix) }
        let store = try SQLiteWorkflowStore(path: path, configuration: .defaults { $0.synchronous = .full })
        let bus = CompletionBus()
        let engine = try WorkflowEngine(definitions: [saga, parked], store: store, eventBus: bus, logger: logger)
        let result = try await withRunningEngine(engine) { engine in try await body(engine, store, bus) }
        try store.close()
        for suffix in ["", "-wal", "-shm"] { removeFile(path + suffix) }
        return result
    }
}

/// The benchmark's event bus: wakes whoever waits for a workflow to finish and counts workflows
/// that parked on a wait step. Cheaper than `waitForCompletion`, which reads the store.
final class CompletionBus: WorkflowEventBus {
    private struct State {
        var waiters: [String: CheckedContinuation<String, Never>] = [:]
        /// Workflows that finished before anyone waited for them: their final event's name.
        var finishedEarly: [String: String] = [:]
    }

    private let state = Mutex(State())
    private let parkedCount = Atomic<Int>(0)
    private let finishedCount = Atomic<Int>(0)

    /// Workflows that recorded `WaitStarted`.
    var parked: Int { parkedCount.load(ordering: .relaxed) }
    /// Workflows that recorded a final event.
    var finished: Int { finishedCount.load(ordering: .relaxed) }

    func publish(_ event: WorkflowEvent) async {
        if case .waitStarted = event.kind {
            parkedCount.add(1, ordering: .relaxed)
            return
        }
        guard event.isFinal else { return }
        finishedCount.add(1, ordering: .relaxed)
        let waiter = state.withLock { s in
            guard let waiter = s.waiters.removeValue(forKey: event.workflowID) else {
                s.finishedEarly[event.workflowID] = event.name
                return nil as CheckedContinuation<String, Never>?
            }
            return waiter
        }
        waiter?.resume(returning: event.name)
    }

    /// Waits for the final event of `id` (one that already happened is returned at once) and
    /// returns its name, e.g. `WorkflowCompleted`.
    func waitUntilFinished(_ id: String) async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let early = state.withLock { s in
                if let name = s.finishedEarly.removeValue(forKey: id) { return name as String? }
                s.waiters[id] = continuation
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

func removeFile(_ path: String) {
    _ = unlink(path)
}
