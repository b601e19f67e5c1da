import BatonAPI
import BatonRPC
import BenchmarkSupport

/// `WorkflowService.StartWorkflow` of PlaceOrder (JSON input) over RPC, timed from the call to its
/// response, which the server sends once the workflow's creation is durable. The started sagas
/// run on in the server, so starts share its CPU and commits with the steps of earlier ones.
enum StartWorkflowRun {
    /// At a fixed low rate (open loop): call latency in seconds, one sample a start.
    static func latency(_ deployment: Deployment, rate: Double, warmup: Duration, duration: Duration) async throws -> Samples<Double> {
        try await OpenLoop.run(rate: rate, warmup: warmup, duration: duration) { index in
            try await start(deployment, "lat", index)
        }
    }

    /// `concurrency` callers starting one workflow after the other (closed loop): starts/s.
    static func throughput(_ deployment: Deployment, concurrency: Int, warmup: Duration, duration: Duration) async throws
        -> ClosedLoop.Result<Double>
    {
        let started = SharedCounter()
        return try await ClosedLoop.run(
            concurrency: concurrency,
            warmup: warmup,
            duration: duration,
            deployment: deployment,
            completions: { started.current }
        ) { index in
            let latency = try await start(deployment, "c\(concurrency)", index)
            if latency != nil { started.add(1) }
            return latency
        }
    }

    /// One start; its latency, or nil when the server did not create it.
    private static func start(_ deployment: Deployment, _ run: String, _ index: Int) async throws -> Double? {
        let clock = ContinuousClock()
        let began = clock.now
        let response = try await Baton_Coordination_V1_WorkflowServiceClient(deployment.client(index))
            .startWorkflow(OrderWorkload.startWorkflow(run, index), options: OrderWorkload.callOptions)
        return response.created ? (clock.now - began).seconds : nil
    }
}
