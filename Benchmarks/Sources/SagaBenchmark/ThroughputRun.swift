import BatonWorkflow
import BenchmarkSupport

/// Closed loop: `concurrency` workers each start a saga, wait for it to complete, and start the
/// next, on a fresh store. Counts sagas completed in the measured window after a warm-up.
/// Sagas in flight when the window closes still complete (they are not counted).
enum ThroughputRun {
    struct Result: Sendable {
        var concurrency: Int
        var sagas: Int
        var elapsed: Double
        /// Group-commit transactions (one fsync each) and the writes they carried, in the window.
        var transactions: Int
        var writes: Int
        var cpuSeconds: Double
        var startLatency: LatencySamples
        var sagaLatency: LatencySamples
        /// Sagas that ended other than `WorkflowCompleted` (must be 0).
        var notCompleted: Int

        var sagasPerSecond: Double { Double(sagas) / elapsed }
        var transactionsPerSecond: Double { Double(transactions) / elapsed }
    }

    private struct WorkerResult: Sendable {
        var startLatency = LatencySamples()
        var sagaLatency = LatencySamples()
        var notCompleted = 0
    }

    static func run(directory: String, concurrency: Int, warmup: Duration, duration: Duration) async throws -> Result {
        try await SagaWorkload.withEngine(directory: directory, name: "throughput-\(concurrency)") { engine, store, bus in
            let phase = LoadPhase()
            let clock = ContinuousClock()
            return try await withThrowingTaskGroup(of: WorkerResult.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var result = WorkerResult()
                        var sequence = 0
                        while !phase.isStopping {
                            let measured = phase.isMeasuring
                            let id = "saga-\(concurrency)-\(worker)-\(sequence)"
                            sequence += 1
                            let began = clock.now
                            try await engine.start(type: SagaWorkload.saga.type, id: id)
                            let started = clock.now
                            let outcome = await bus.waitUntilFinished(id)
                            if outcome != "WorkflowCompleted" { result.notCompleted += 1 }
                            if measured {
                                result.startLatency.append((started - began).seconds)
                                result.sagaLatency.append((clock.now - began).seconds)
                            }
                        }
                        return result
                    }
                }
                func sample() -> (finished: Int, commits: (transactions: Int, writes: Int), cpu: Double, at: ContinuousClock.Instant) {
                    (bus.finished, store.groupCommitStatistics, ProcessMemory.cpuSeconds(), clock.now)
                }
                let (before, after) = try await phase.measureWindow(
                    concurrency: concurrency,
                    warmup: warmup,
                    duration: duration,
                    completions: { bus.finished },
                    sample: sample
                )

                var result = Result(
                    concurrency: concurrency,
                    sagas: after.finished - before.finished,
                    elapsed: (after.at - before.at).seconds,
                    transactions: after.commits.transactions - before.commits.transactions,
                    writes: after.commits.writes - before.commits.writes,
                    cpuSeconds: after.cpu - before.cpu,
                    startLatency: LatencySamples(),
                    sagaLatency: LatencySamples(),
                    notCompleted: 0
                )
                for try await worker in group {
                    result.startLatency.append(contentsOf: worker.startLatency)
                    result.sagaLatency.append(contentsOf: worker.sagaLatency)
                    result.notCompleted += worker.notCompleted
                }
                return result
            }
        }
    }
}
