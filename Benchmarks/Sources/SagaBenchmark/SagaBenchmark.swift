import BenchmarkSupport

/// The durable-saga benchmark of issue 3, in one run: the filesystem's fsync rate (the physical
/// reference), completed 4-step sagas per second at several concurrencies, durable start latency
/// at several steady rates beside its floors, and resident memory per parked workflow. Not a
/// test: it prints what it measured against the targets and exits 0 whether or not they are met
/// (non-zero only when a run fails).
///
/// Usage: SagaBenchmark [--dir PATH] [--duration S] [--warmup S] [--concurrency 1,64,1024]
///                      [--fsync-seconds S] [--latency-rates 25,100,500] [--latency-seconds S]
///                      [--parked 10000,100000] [--parked-starters N] [--parked-rss-limit-mib N]
@main
struct SagaBenchmark {
    struct Options {
        var directory = "/tmp"
        var duration = Duration.seconds(5)
        var warmup = Duration.seconds(2)
        var concurrencies = [1, 64, 1024]
        var fsyncDuration = Duration.seconds(3)
        var latencyRates = [25, 100, 500]
        var latencyDuration = Duration.seconds(10)
        var parkedCounts = [10_000, 100_000]
        var parkedStarters = 256
        var parkedRSSLimitMiB = 8192

        init(_ arguments: [String]) throws {
            var arguments = Arguments(arguments)
            while let flag = arguments.next() {
                switch flag {
                case "--dir": directory = try arguments.value(flag)
                case "--duration": duration = try arguments.seconds(flag)
                case "--warmup": warmup = try arguments.seconds(flag)
                case "--concurrency": concurrencies = try arguments.counts(flag)
                case "--fsync-seconds": fsyncDuration = try arguments.seconds(flag)
                case "--latency-rates": latencyRates = try arguments.counts(flag)
                case "--latency-seconds": latencyDuration = try arguments.seconds(flag)
                case "--parked": parkedCounts = try arguments.counts(flag)
                case "--parked-starters": parkedStarters = max(1, try arguments.counts(flag).first ?? 1)
                case "--parked-rss-limit-mib": parkedRSSLimitMiB = max(1, try arguments.counts(flag).first ?? 1)
                default: throw BenchmarkError("unknown option \(flag)")
                }
            }
        }
    }

    /// The targets of issue 3 for this 2-core machine.
    enum Target {
        static let sagasPerSecondAt1024 = 10_000.0
        static let startP50Milliseconds = 0.5
        static let startP99Milliseconds = 2.0
        static let parkedCount = 1_000_000
        static let parkedRSSMiB = 256.0
    }

    static func main() async {
        await BenchmarkMain.run("SagaBenchmark") { arguments in
            let options = try Options(arguments)
            try await BenchmarkMain.withWorkDirectory(in: options.directory, prefix: "baton-saga-bench") { try await run(options, directory: $0) }
        }
    }

    static func run(_ options: Options, directory: String) async throws {
        let report = Report(options: options, directory: directory)
        report.header()

        let fsync = try FsyncProbe.reference(in: directory, duration: options.fsyncDuration, progress: progress)

        var throughput: [ThroughputRun.Result] = []
        for concurrency in options.concurrencies {
            progress("sagas: \(concurrency) concurrent, \(options.warmup.seconds) s warm-up + \(options.duration.seconds) s")
            throughput.append(
                try await ThroughputRun.run(directory: directory, concurrency: concurrency, warmup: options.warmup, duration: options.duration)
            )
        }
        report.throughput(throughput, fsync: fsync)

        var latencies: [StartLatencyRun.Result] = []
        for rate in options.latencyRates {
            progress("start latency: \(rate) starts/s for \(options.latencyDuration.seconds) s, after its floors at that rate")
            latencies.append(
                try await StartLatencyRun.run(directory: directory, rate: Double(rate), duration: options.latencyDuration)
            )
        }
        report.startLatency(latencies, fsync: fsync)

        var parked: ParkedRun.Result?
        if !options.parkedCounts.isEmpty {
            progress("parked workflows: \(options.parkedCounts.map(String.init).joined(separator: ", "))")
            parked = try await ParkedRun.run(
                directory: directory,
                counts: options.parkedCounts,
                starters: options.parkedStarters,
                rssLimitMiB: options.parkedRSSLimitMiB
            )
            report.parked(parked!)
        }
        report.summary(fsync: fsync, throughput: throughput, latencies: latencies, parked: parked)
        let failures = (throughput.map(\.notCompleted) + latencies.map(\.notCompleted)).reduce(0, +)
        if failures > 0 { throw BenchmarkError("\(failures) sagas did not complete") }
    }

    static func progress(_ line: String) { BenchmarkMain.progress("bench-saga", line) }
}
