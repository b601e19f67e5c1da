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

    func startLatency(_ result: StartLatencyRun.Result, fsync: FsyncProbe.Result) {
        print("## Durable start latency at low load (open loop, \(f0(result.rate)) starts/s; start returns once its create is durable)")
        print("| starts | p50 ms | p99 ms | p50 ÷ fsync p50 | lone fsync at this rate p50 / p99 ms | p50 ÷ lone fsync p50 | not completed |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        let p50 = result.latency.percentileMilliseconds(0.5)
        let paced = result.pacedFsync.latency
        print(
            "| \(result.starts) | \(f3(p50)) | \(f3(result.latency.percentileMilliseconds(0.99))) | "
                + "\(f2(p50 / fsync.latency.percentileMilliseconds(0.5))) | \(f3(paced.percentileMilliseconds(0.5))) / "
                + "\(f3(paced.percentileMilliseconds(0.99))) | \(f2(p50 / paced.percentileMilliseconds(0.5))) | \(result.notCompleted) |"
        )
        print("(a lone fsync: one 4 KiB pwrite + fsync every 1/\(f0(result.rate)) s, measured just before; the floor for a durable start at that rate)")
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

    func summary(fsync: FsyncProbe.Result, throughput: [ThroughputRun.Result], latency: StartLatencyRun.Result, parked: ParkedRun.Result?) {
        typealias T = SagaBenchmark.Target
        print("## Against the targets of issue 3")
        print("| target | measured | met |")
        print("|---|---|---|")
        if let at1024 = throughput.first(where: { $0.concurrency == 1024 }) {
            print("| ≥ \(f0(T.sagasPerSecondAt1024)) completed sagas/s at 1,024 concurrent | \(f0(at1024.sagasPerSecond)) | \(met(at1024.sagasPerSecond >= T.sagasPerSecondAt1024)) |")
        }
        let p50 = latency.latency.percentileMilliseconds(0.5)
        let p99 = latency.latency.percentileMilliseconds(0.99)
        let paced = latency.pacedFsync.latency
        print(
            "| durable start p50 < \(T.startP50Milliseconds) ms | \(f3(p50)) ms (fsync p50 \(f3(fsync.latency.percentileMilliseconds(0.5))) ms "
                + "back to back, \(f3(paced.percentileMilliseconds(0.5))) ms alone at the same rate) | \(met(p50 < T.startP50Milliseconds)) |"
        )
        print(
            "| durable start p99 < \(T.startP99Milliseconds) ms | \(f3(p99)) ms (fsync p99 \(f3(fsync.latency.percentileMilliseconds(0.99))) ms "
                + "back to back, \(f3(paced.percentileMilliseconds(0.99))) ms alone at the same rate) | \(met(p99 < T.startP99Milliseconds)) |"
        )
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
}
