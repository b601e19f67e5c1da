import BatonWorkflow
import BenchmarkSupport

/// Start latency at a steady rate: sagas started at a fixed rate (open loop), each start timed
/// until `start` returns, i.e. until its create is durable. The sagas run on in the background, so
/// a start may share (or wait for) a commit of another saga's steps.
///
/// Two floors are measured at the same rate just before, on the same filesystem: a lone 4 KiB
/// write + fsync, and a bare SQLite commit (`SQLiteCommitProbe`). On a virtual machine both grow
/// several-fold as the rate falls (an idle disk and idle CPUs answer slowly), so a start latency
/// means little without the floors beside it.
enum StartLatencyRun {
    struct Result: Sendable {
        var rate: Double
        var starts: Int
        var latency: LatencySamples
        var notCompleted: Int
        /// A lone 4 KiB write + fsync at the same rate, on the same filesystem, just before.
        var pacedFsync: FsyncProbe.Result
        /// A bare SQLite commit at the same rate, on the same filesystem, just before.
        var sqliteCommit: PacedLoop.Result
    }

    static func run(directory: String, rate: Double, duration: Duration, warmupStarts: Int) async throws -> Result {
        let probeDuration = min(duration, .seconds(5))
        let pacedFsync = try FsyncProbe.run(directory: directory, duration: probeDuration, rate: rate)
        let sqliteCommit = try SQLiteCommitProbe.run(directory: directory, duration: probeDuration, rate: rate)
        return try await SagaWorkload.withEngine(directory: directory, name: "start-latency") { engine, _, bus in
            for index in 0..<warmupStarts {
                let id = "warmup-\(index)"
                try await engine.start(type: SagaWorkload.saga.type, id: id)
                _ = await bus.waitUntilFinished(id)
            }
            let clock = ContinuousClock()
            let count = max(1, Int(rate * duration.seconds))
            let interval = Duration.seconds(1 / rate)
            let origin = clock.now
            var result = Result(
                rate: rate, starts: count, latency: LatencySamples(), notCompleted: 0, pacedFsync: pacedFsync, sqliteCommit: sqliteCommit
            )
            try await withThrowingTaskGroup(of: (Double, Bool).self) { group in
                for index in 0..<count {
                    try await clock.sleep(until: origin.advanced(by: interval * index))
                    group.addTask {
                        let id = "paced-\(index)"
                        let began = clock.now
                        try await engine.start(type: SagaWorkload.saga.type, id: id)
                        let latency = (clock.now - began).seconds
                        return (latency, await bus.waitUntilFinished(id) == "WorkflowCompleted")
                    }
                }
                for try await (latency, completed) in group {
                    result.latency.append(latency)
                    if !completed { result.notCompleted += 1 }
                }
            }
            return result
        }
    }
}
