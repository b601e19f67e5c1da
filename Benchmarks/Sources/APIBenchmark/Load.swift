import BenchmarkSupport

/// An operation's samples: what each call measured (nil when the operation did not succeed).
struct Samples<Sample: Sendable>: Sendable {
    var values: [Sample] = []
    var failures = 0

    mutating func add(_ sample: Sample?) {
        if let sample { values.append(sample) } else { failures += 1 }
    }

    mutating func add(contentsOf other: Samples) {
        values += other.values
        failures += other.failures
    }

    func latency(_ seconds: (Sample) -> Double) -> LatencySamples {
        var latency = LatencySamples()
        for value in values { latency.append(seconds(value)) }
        return latency
    }
}

/// Open loop at low load: operations started at a fixed rate whether or not earlier ones have
/// finished, the first `warmup` seconds' worth unmeasured.
enum OpenLoop {
    static func run<Sample: Sendable>(
        rate: Double,
        warmup: Duration,
        duration: Duration,
        _ operation: @escaping @Sendable (_ index: Int) async throws -> Sample?
    ) async throws -> Samples<Sample> {
        let clock = ContinuousClock()
        let warmupCount = Int(rate * warmup.seconds)
        let count = max(1, Int(rate * duration.seconds))
        let interval = Duration.seconds(1 / rate)
        let origin = clock.now
        var samples = Samples<Sample>()
        try await withThrowingTaskGroup(of: (Int, Sample?).self) { group in
            for index in 0..<(warmupCount + count) {
                try await clock.sleep(until: origin.advanced(by: interval * index))
                group.addTask { (index, try await operation(index)) }
            }
            for try await (index, sample) in group where index >= warmupCount {
                samples.add(sample)
            }
        }
        return samples
    }
}

/// Closed loop: `concurrency` workers each run one operation after the other. After a warm-up,
/// a window counts what `completions` counts (a counter that operations or a stream move) and
/// the CPU the processes use; operations that begin in the window are sampled.
enum ClosedLoop {
    struct Result<Sample: Sendable>: Sendable {
        var concurrency: Int
        var completions: Int
        var elapsed: Double
        var samples: Samples<Sample>
        /// CPU seconds used in the window by the server, the atomic services and this client.
        var cpu: (server: Double, services: Double, client: Double)

        var perSecond: Double { Double(completions) / elapsed }
        /// CPU microseconds per completion, by process.
        func cpuMicroseconds(_ seconds: Double) -> Double { completions > 0 ? seconds * 1e6 / Double(completions) : .nan }
    }

    static func run<Sample: Sendable>(
        concurrency: Int,
        warmup: Duration,
        duration: Duration,
        deployment: Deployment,
        completions: @escaping @Sendable () -> Int,
        _ operation: @escaping @Sendable (_ index: Int) async throws -> Sample?
    ) async throws -> Result<Sample> {
        let phase = LoadPhase()
        let next = SharedCounter()
        let clock = ContinuousClock()
        return try await withThrowingTaskGroup(of: Samples<Sample>.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var samples = Samples<Sample>()
                    while !phase.isStopping {
                        let measured = phase.isMeasuring
                        let sample = try await operation(next.add(1))
                        if measured { samples.add(sample) }
                    }
                    return samples
                }
            }
            func sample() -> (completions: Int, server: Double, services: Double, client: Double, at: ContinuousClock.Instant) {
                let cpu = deployment.cpuSeconds
                return (completions(), cpu.server, cpu.services, ProcessMemory.cpuSeconds(), clock.now)
            }
            let (before, after) = try await phase.measureWindow(
                concurrency: concurrency,
                warmup: warmup,
                duration: duration,
                completions: completions,
                sample: sample
            )
            var result = Result(
                concurrency: concurrency,
                completions: after.completions - before.completions,
                elapsed: (after.at - before.at).seconds,
                samples: Samples<Sample>(),
                cpu: (after.server - before.server, after.services - before.services, after.client - before.client)
            )
            for try await samples in group { result.samples.add(contentsOf: samples) }
            return result
        }
    }
}
