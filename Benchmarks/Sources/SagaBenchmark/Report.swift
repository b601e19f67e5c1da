import BatonAllocator
import BenchmarkSupport

/// Prints what the benchmark measured: Markdown tables on standard output.
struct Report {
    let options: SagaBenchmark.Options
    let directory: String

    func header() {
        print("# Durable saga benchmark (BatonWorkflow on SQLite, WAL, synchronous=FULL, group commit)")
        print("machine: \(Machine.description); load average at start: \(Machine.loadAverage)")
        print("allocator: \(Allocator.name) (as in `baton serve`)")
        print("files in: \(directory)")
        print("saga: 4 call steps with compensations, trivial in-process bodies; 11 durable events in 5 writes per completed saga (the create carries the first step's start)")
        print()
    }

    func throughput(_ results: [ThroughputRun.Result], fsync: FsyncProbe.Result) {
        print("## Completed sagas per second (closed loop, ≥ \(options.warmup.seconds) s warm-up, a fresh file each)")
        print("| concurrent | window s | sagas/s | sagas/s ÷ fsyncs/s | commits/s | writes/commit | CPU µs/saga | start p50 / p99 ms | saga p50 / p99 ms | not completed |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in results {
            let writesPerCommit = r.transactions > 0 ? Double(r.writes) / Double(r.transactions) : .nan
            let cpu = r.sagas > 0 ? r.cpuSeconds * 1e6 / Double(r.sagas) : .nan
            print(
                "| \(r.concurrency) | \(f1(r.elapsed)) | \(f0(r.sagasPerSecond)) | \(f2(r.sagasPerSecond / fsync.perSecond)) | \(f0(r.transactionsPerSecond)) | "
                    + "\(f1(writesPerCommit)) | \(f0(cpu)) | \(f2(r.startLatency.percentileMilliseconds(0.5))) / "
                    + "\(f2(r.startLatency.percentileMilliseconds(0.99))) | \(f2(r.sagaLatency.percentileMilliseconds(0.5))) / "
                    + "\(f2(r.sagaLatency.percentileMilliseconds(0.99))) | \(r.notCompleted) |"
            )
        }
        print()
    }

    func startLatency(_ results: [StartLatencyRun.Result], fsync: FsyncProbe.Result) {
        print("## Durable start latency at steady rates (open loop; start returns once its create is durable), beside its floors at each rate")
        print("| starts/s | starts | p50 ms | p99 ms | lone fsync p50 / p99 ms | bare SQLite commit p50 / p99 ms | p50 − SQLite commit p50 ms | log MiB before → after | not completed |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in results {
            let p50 = r.latency.percentileMilliseconds(0.5)
            print(
                "| \(f0(r.rate)) | \(r.starts) | \(f3(p50)) | \(f3(r.latency.percentileMilliseconds(0.99))) | \(percentiles(r.pacedFsync.latency)) | "
                    + "\(percentiles(r.sqliteCommit.latency)) | \(f3(p50 - r.sqliteCommit.latency.percentileMilliseconds(0.5))) | "
                    + "\(f1(Double(r.logBytes.before) / 1_048_576)) → \(f1(Double(r.logBytes.after) / 1_048_576)) | \(r.notCompleted) |"
            )
        }
        print(
            "(floors measured just before each rate, at that rate: a lone fsync is one 4 KiB pwrite + fsync; a bare SQLite commit is one 1 KiB row "
                + "in its own transaction, WAL, synchronous=FULL, on one connection. Each write-ahead log was grown to a steady size first and is reused, "
                + "as on a server that has run for a while. Back to back, the fsync p50 is "
                + "\(f3(fsync.latency.percentileMilliseconds(0.5))) ms.)"
        )
        print()
    }

    func parked(_ result: ParkedRun.Result) {
        print("## Parked workflows (waiting for a signal), RSS once the allocator returned its free pages; baseline \(mib(result.baselineRSSKiB)) MiB")
        print("| parked | RSS MiB | RSS − baseline MiB | bytes per parked workflow | store file MiB | elapsed s |")
        print("|---:|---:|---:|---:|---:|---:|")
        for p in result.points {
            print(
                "| \(p.parked) | \(mib(p.rssKiB)) | \(mib(p.rssKiB - result.baselineRSSKiB)) | \(f0(result.bytesPerWorkflow(p))) | "
                    + "\(f1(Double(p.storeBytes) / 1_048_576)) | \(f1(p.seconds)) |"
            )
        }
        if result.stoppedAtLimit { print("stopped early: RSS passed --parked-rss-limit-mib \(options.parkedRSSLimitMiB)") }
        print("signalled \(result.signalled) parked workflows afterwards: \(result.signalledCompleted) completed")
        print("RSS after the engine shut down and the store closed: \(mib(result.afterShutdownRSSKiB)) MiB")
        print()
    }

    func summary(fsync: FsyncProbe.Result, throughput: [ThroughputRun.Result], latencies: [StartLatencyRun.Result], parked: ParkedRun.Result?) {
        typealias T = SagaBenchmark.Target
        print("## Against the targets of issue 3")
        print("| target | measured | met |")
        print("|---|---|---|")
        if let at1024 = throughput.first(where: { $0.concurrency == 1024 }) {
            print("| ≥ \(f0(T.sagasPerSecondAt1024)) completed sagas/s at 1,024 concurrent | \(f0(at1024.sagasPerSecond)) | \(met(at1024.sagasPerSecond >= T.sagasPerSecondAt1024)) |")
        }
        for r in latencies {
            for (name, fraction, target) in [("p50", 0.5, T.startP50Milliseconds), ("p99", 0.99, T.startP99Milliseconds)] {
                let measured = r.latency.percentileMilliseconds(fraction)
                print(
                    "| durable start \(name) < \(target) ms, at \(f0(r.rate)) starts/s | \(f3(measured)) ms (at that rate, alone: fsync "
                        + "\(f3(r.pacedFsync.latency.percentileMilliseconds(fraction))) ms, SQLite commit "
                        + "\(f3(r.sqliteCommit.latency.percentileMilliseconds(fraction))) ms) | \(met(measured < target)) |"
                )
            }
        }
        if let parked, let last = parked.points.last {
            let perWorkflow = parked.bytesPerWorkflow(last)
            let atTarget = Double(parked.baselineRSSKiB) / 1024 + perWorkflow * Double(T.parkedCount) / 1_048_576
            let measuredAtTarget = last.parked >= T.parkedCount
            let perCount = parked.points.map { "\(f0(parked.bytesPerWorkflow($0))) B at \($0.parked)" }.joined(separator: ", ")
            print(
                "| RSS < \(f0(T.parkedRSSMiB)) MiB with 1,000,000 parked | "
                    + (measuredAtTarget
                        ? "\(mib(last.rssKiB)) MiB with \(last.parked) parked"
                        : "\(mib(last.rssKiB)) MiB with \(last.parked) parked; ≈ \(f0(atTarget)) MiB at 1,000,000 by extrapolation")
                    + " | \(met((measuredAtTarget ? Double(last.rssKiB) / 1024 : atTarget) < T.parkedRSSMiB)) |"
            )
            print("| memory per parked workflow independent of count | \(perCount) | \(met(perWorkflow * Double(T.parkedCount) / 1_048_576 < T.parkedRSSMiB)) |")
        }
        print()
        print("load average at end: \(Machine.loadAverage)")
    }

    private func mib(_ kib: Int) -> String { f1(Double(kib) / 1024) }

    private func percentiles(_ latency: LatencySamples) -> String {
        "\(f3(latency.percentileMilliseconds(0.5))) / \(f3(latency.percentileMilliseconds(0.99)))"
    }
}
