import BenchmarkSupport
import Foundation

/// The API benchmark of issue 6: a release `baton serve` (spawned on a fresh SQLite file for each
/// run) measured through Baton's own RPC client. StartWorkflow latency at low load and throughput
/// at 64 concurrent callers; PlaceOrder end to end through the typed API (completed sagas/s
/// counted on an EventService.Subscribe stream, and latency from the call to the completion
/// event); the filesystem's fsync rate as the physical reference. Not a test: it prints what it
/// measured against the targets and exits 0 whether or not they are met (non-zero only when a
/// run fails).
///
/// Usage: APIBenchmark --baton PATH [--adapters inmemory|rpc] [--dir PATH] [--duration S]
///                     [--warmup S] [--concurrency 64,1024] [--start-concurrency N]
///                     [--connections N] [--fsync-seconds S] [--latency-rate N] [--latency-seconds S]
@main
struct APIBenchmark {
    struct Options {
        var baton = ""
        var adapters = Deployment.Adapters.inMemory
        var directory = "/tmp"
        var duration = Duration.seconds(5)
        var warmup = Duration.seconds(2)
        var concurrencies = [64, 1024]
        var startConcurrency = 64
        var connections = 2
        var fsyncDuration = Duration.seconds(3)
        var latencyRate = 50.0
        var latencyDuration = Duration.seconds(10)

        init(_ arguments: [String]) throws {
            var arguments = Arguments(arguments)
            while let flag = arguments.next() {
                switch flag {
                case "--baton": baton = try arguments.value(flag)
                case "--adapters":
                    let name = try arguments.value(flag)
                    guard let chosen = Deployment.Adapters(rawValue: name) else { throw BenchmarkError("--adapters is inmemory or rpc, not '\(name)'") }
                    adapters = chosen
                case "--dir": directory = try arguments.value(flag)
                case "--duration": duration = try arguments.seconds(flag)
                case "--warmup": warmup = try arguments.seconds(flag)
                case "--concurrency": concurrencies = try arguments.counts(flag)
                case "--start-concurrency": startConcurrency = max(1, try arguments.counts(flag).first ?? 1)
                case "--connections": connections = max(1, try arguments.counts(flag).first ?? 1)
                case "--fsync-seconds": fsyncDuration = try arguments.seconds(flag)
                case "--latency-rate": latencyRate = try arguments.positive(flag)
                case "--latency-seconds": latencyDuration = try arguments.seconds(flag)
                default: throw BenchmarkError("unknown option \(flag)")
                }
            }
            guard FileManager.default.isExecutableFile(atPath: baton) else { throw BenchmarkError("--baton must name the baton executable") }
        }
    }

    /// The targets of issue 6 for this 2-core machine.
    enum Target {
        static let startP99Milliseconds = 2.0
        static let sagasPerSecond = 3_000.0
    }

    static func main() async {
        await BenchmarkMain.run("APIBenchmark") { arguments in
            let options = try Options(arguments)
            try await BenchmarkMain.withWorkDirectory(in: options.directory, prefix: "baton-api-bench") { try await run(options, directory: $0) }
        }
    }

    static func run(_ options: Options, directory: String) async throws {
        let report = Report(options: options, directory: directory)
        report.header()

        let fsync = try FsyncProbe.reference(in: directory, duration: options.fsyncDuration, progress: progress)

        func deployed<Result: Sendable>(_ name: String, _ body: (Deployment) async throws -> Result) async throws -> Result {
            try await Deployment.with(
                baton: options.baton,
                adapters: options.adapters,
                directory: directory,
                name: name,
                connections: options.connections,
                body
            )
        }

        progress("StartWorkflow latency: \(options.latencyRate) starts/s for \(options.latencyDuration.seconds) s")
        let startLatency = try await deployed("start-latency") {
            try await StartWorkflowRun.latency($0, rate: options.latencyRate, warmup: options.warmup, duration: options.latencyDuration)
        }
        progress("StartWorkflow throughput: \(options.startConcurrency) concurrent callers")
        let startThroughput = try await deployed("start-throughput") {
            try await StartWorkflowRun.throughput($0, concurrency: options.startConcurrency, warmup: options.warmup, duration: options.duration)
        }
        report.startWorkflow(latency: startLatency, throughput: startThroughput, fsync: fsync)

        progress("PlaceOrder end to end: \(options.latencyRate) orders/s for \(options.latencyDuration.seconds) s")
        let orderLatency = try await deployed("order-latency") {
            try await PlaceOrderRun.latency($0, rate: options.latencyRate, warmup: options.warmup, duration: options.latencyDuration)
        }
        var orderThroughput: [ClosedLoop.Result<PlaceOrderRun.Sample>] = []
        var failedRuns: [String] = []
        for concurrency in options.concurrencies {
            progress("PlaceOrder sagas: \(concurrency) concurrent, \(options.warmup.seconds) s warm-up + \(options.duration.seconds) s")
            do {
                orderThroughput.append(
                    try await deployed("orders-\(concurrency)") {
                        try await PlaceOrderRun.throughput($0, concurrency: concurrency, warmup: options.warmup, duration: options.duration)
                    }
                )
            } catch {
                failedRuns.append("\(concurrency) concurrent: \(error)")
                progress("PlaceOrder at \(concurrency) concurrent failed: \(error)")
            }
        }
        report.placeOrder(latency: orderLatency, throughput: orderThroughput, failedRuns: failedRuns, fsync: fsync)
        report.summary(fsync: fsync, startLatency: startLatency, startThroughput: startThroughput, orderThroughput: orderThroughput)

        let failures = startLatency.failures + startThroughput.samples.failures + orderLatency.failures
            + orderThroughput.map(\.samples.failures).reduce(0, +)
        if failures > 0 || !failedRuns.isEmpty {
            throw BenchmarkError("\(failures) workflows were not created or did not complete; \(failedRuns.count) runs failed")
        }
    }

    static func progress(_ line: String) { BenchmarkMain.progress("bench-api", line) }
}
