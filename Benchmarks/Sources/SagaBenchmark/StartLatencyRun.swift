import BatonWorkflow
import BenchmarkSupport
import Foundation

/// Start latency at a steady rate: sagas started at a fixed rate (open loop), each start timed
/// until `start` returns, i.e. until its create is durable. The sagas run on in the background, so
/// a start may share (or wait for) a commit of another saga's steps.
///
/// Two floors are measured at the same rate just before, on the same filesystem: a lone 4 KiB
/// write + fsync, and a bare SQLite commit (`SQLiteCommitProbe`). On a virtual machine both grow
/// several-fold as the rate falls (an idle disk and idle CPUs answer slowly), so a start latency
/// means little without the floors beside it.
///
/// The store is first brought to the state of a server that has run for a while: a burst of sagas
/// grows its write-ahead log, the checkpointer copies it back, and the measured starts then
/// reuse the log from its beginning, as a running server's commits do. On a fresh file every
/// commit would grow the log, and a write that grows a file costs its fsync one more synchronous
/// write (the file's block map) on this filesystem. The report gives the log's size before and
/// after the measured starts, to show it did not grow.
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
        /// The write-ahead log's size in bytes before and after the measured starts.
        var logBytes: (before: Int, after: Int)
    }

    static func run(directory: String, rate: Double, duration: Duration) async throws -> Result {
        let probeDuration = min(duration, .seconds(5))
        let pacedFsync = try FsyncProbe.run(directory: directory, duration: probeDuration, rate: rate)
        let sqliteCommit = try SQLiteCommitProbe.run(directory: directory, duration: probeDuration, rate: rate)
        let name = "start-latency"
        let logPath = SagaWorkload.storePath(directory: directory, name: name) + "-wal"
        return try await SagaWorkload.withEngine(directory: directory, name: name) { engine, _, bus in
            try await growLog(engine, bus, for: .seconds(2))
            try await Task.sleep(for: .seconds(1))  // the checkpointer copies the log back (it looks every 100 ms)
            let clock = ContinuousClock()
            let count = max(1, Int(rate * duration.seconds))
            let interval = Duration.seconds(1 / rate)
            let logBefore = fileSize(logPath)
            let origin = clock.now
            var result = Result(
                rate: rate, starts: count, latency: LatencySamples(), notCompleted: 0, pacedFsync: pacedFsync, sqliteCommit: sqliteCommit,
                logBytes: (logBefore, 0)
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
            result.logBytes.after = fileSize(logPath)
            return result
        }
    }

    /// Runs sagas closed loop, 64 at a time, for `duration`.
    private static func growLog(_ engine: WorkflowEngine, _ bus: CompletionBus, for duration: Duration) async throws {
        let deadline = ContinuousClock.now.advanced(by: duration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<64 {
                group.addTask {
                    var sequence = 0
                    while ContinuousClock.now < deadline {
                        let id = "warmup-\(worker)-\(sequence)"
                        sequence += 1
                        try await engine.start(type: SagaWorkload.saga.type, id: id)
                        guard await bus.waitUntilFinished(id) == "WorkflowCompleted" else {
                            throw BenchmarkError("warm-up saga \(id) did not complete")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
