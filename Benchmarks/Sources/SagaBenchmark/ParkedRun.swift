import BatonAllocator
import BatonWorkflow
import BenchmarkSupport

#if canImport(Glibc)
import Glibc
#endif

/// Memory per parked workflow: starts workflows that wait for a signal, and reads the process's
/// resident memory once `counts[0]`, `counts[1]`, … of them are parked. A store that keeps parked
/// workflows on disk only shows a flat RSS; one that keeps them in memory shows a constant cost
/// per workflow. Stops early (and says so) if RSS passes `rssLimitMiB`.
enum ParkedRun {
    struct Point: Sendable {
        var parked: Int
        var rssKiB: Int
        var hwmKiB: Int
        var storeBytes: Int
        var seconds: Double
    }

    struct Result: Sendable {
        var baselineRSSKiB: Int
        var points: [Point]
        var stoppedAtLimit: Bool
        /// Parked workflows signalled at the end that then completed (a sample, to show they are live).
        var signalledCompleted: Int
        var signalled: Int
        /// RSS once the engine is shut down and the store closed.
        var afterShutdownRSSKiB = 0

        func bytesPerWorkflow(_ point: Point) -> Double {
            Double(point.rssKiB - baselineRSSKiB) * 1024 / Double(max(1, point.parked))
        }
    }

    static func run(directory: String, counts: [Int], starters: Int, rssLimitMiB: Int) async throws -> Result {
        let path = "\(directory)/parked.sqlite"
        var result = try await SagaWorkload.withEngine(directory: directory, name: "parked") { engine, _, bus in
            Allocator.releaseFreeMemory()
            var result = Result(
                baselineRSSKiB: ProcessMemory.residentKiB().rss,
                points: [],
                stoppedAtLimit: false,
                signalledCompleted: 0,
                signalled: 0
            )
            let clock = ContinuousClock()
            let began = clock.now
            let next = SharedCounter()
            let started = SharedCounter()
            let runningStarters = SharedCounter()
            let overLimit = SharedCounter()
            for target in counts.sorted() {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<starters {
                        runningStarters.add(1)
                        group.addTask {
                            defer { runningStarters.add(-1) }
                            while overLimit.current == 0 {
                                let index = next.add(1)
                                guard index < target else { return }
                                try await engine.start(type: SagaWorkload.parked.type, id: "parked-\(index)")
                                started.add(1)
                            }
                        }
                    }
                    while runningStarters.current > 0 {
                        if ProcessMemory.residentKiB().rss > rssLimitMiB * 1024 { overLimit.store(1) }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    try await group.waitForAll()
                }
                next.store(started.current)
                // Every started workflow must record its wait; give up if that stalls.
                var lastProgress = (count: bus.parked, at: clock.now)
                while bus.parked < started.current {
                    try await Task.sleep(for: .milliseconds(20))
                    if bus.parked != lastProgress.count {
                        lastProgress = (bus.parked, clock.now)
                    } else if clock.now - lastProgress.at > .seconds(60) {
                        throw BenchmarkError("parked workflows stopped progressing at \(bus.parked) of \(started.current)")
                    }
                }
                result.stoppedAtLimit = overLimit.current != 0
                Allocator.releaseFreeMemory()
                let memory = ProcessMemory.residentKiB()
                result.points.append(
                    Point(
                        parked: bus.parked,
                        rssKiB: memory.rss,
                        hwmKiB: memory.hwm,
                        storeBytes: fileSize(path) + fileSize(path + "-wal"),
                        seconds: (clock.now - began).seconds
                    )
                )
                if result.stoppedAtLimit { break }
            }
            // A few parked workflows get their signal and must complete.
            let sample = min(10, bus.parked)
            for index in 0..<sample {
                try await engine.signal(id: "parked-\(index)", name: "go")
                if await bus.waitUntilFinished("parked-\(index)") == "WorkflowCompleted" { result.signalledCompleted += 1 }
            }
            result.signalled = sample
            return result
        }
        // The engine has stopped (its drivers exited) and the store is closed: what RSS falls
        // back to shows whether the per-workflow memory was held by the engine.
        Allocator.releaseFreeMemory()
        result.afterShutdownRSSKiB = ProcessMemory.residentKiB().rss
        return result
    }

    private static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
