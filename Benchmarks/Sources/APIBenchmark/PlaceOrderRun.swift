import BatonAPI
import BatonRPC
import BenchmarkSupport

/// `OrderFulfillment.PlaceOrder` through the typed API, end to end: from the call until the
/// saga's `WorkflowCompleted` event arrives on an `EventService.Subscribe` stream.
enum PlaceOrderRun {
    /// One order's timings, in seconds from the call: its response (the saga's durable start)
    /// and its completion event.
    struct Sample: Sendable {
        var call: Double
        var endToEnd: Double
    }

    /// How long an order may take before it counts as not completed.
    static let completionTimeout = Duration.seconds(60)

    /// At a fixed low rate (open loop).
    static func latency(_ deployment: Deployment, rate: Double, warmup: Duration, duration: Duration) async throws -> Samples<Sample> {
        try await withTracker(deployment) { tracker in
            try await OpenLoop.run(rate: rate, warmup: warmup, duration: duration) { index in
                try await placeOrder(deployment, tracker, "lat", index)
            }
        }
    }

    /// `concurrency` customers placing one order after the other, each waiting for its saga to
    /// complete (closed loop). Completed sagas/s counts the stream's WorkflowCompleted events.
    static func throughput(_ deployment: Deployment, concurrency: Int, warmup: Duration, duration: Duration) async throws
        -> ClosedLoop.Result<Sample>
    {
        try await withTracker(deployment) { tracker in
            try await ClosedLoop.run(
                concurrency: concurrency,
                warmup: warmup,
                duration: duration,
                deployment: deployment,
                completions: { tracker.completedCount }
            ) { index in
                try await placeOrder(deployment, tracker, "c\(concurrency)", index)
            }
        }
    }

    /// One order; its timings, or nil when its saga did not complete in time.
    private static func placeOrder(_ deployment: Deployment, _ tracker: CompletionTracker, _ run: String, _ index: Int) async throws -> Sample? {
        let request = OrderWorkload.placeOrder(run, index)
        tracker.expect(request.workflowID)
        let clock = ContinuousClock()
        let began = clock.now
        _ = try await Baton_OrderFulfillment_V1_OrderFulfillmentClient(deployment.client(index)).placeOrder(request, options: OrderWorkload.callOptions)
        let call = (clock.now - began).seconds
        guard let ending = await tracker.ending(of: request.workflowID, timeout: completionTimeout), ending.type == CompletionTracker.completed else {
            return nil
        }
        return Sample(call: call, endToEnd: (ending.at - began).seconds)
    }

    /// Runs `body` while a tracker follows the server's final PlaceOrder events on a connection
    /// of its own; first places probe orders until one's completion arrives, so that the
    /// subscription is in place before anything is measured.
    private static func withTracker<Result: Sendable>(_ deployment: Deployment, _ body: (CompletionTracker) async throws -> Result) async throws -> Result {
        let tracker = CompletionTracker()
        let connection = RPCClient(host: deployment.server.host, port: deployment.server.port)
        let result: Result
        do {
            result = try await following(tracker, on: connection, deployment, body)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        return result
    }

    private static func following<Result: Sendable>(
        _ tracker: CompletionTracker,
        on connection: RPCClient,
        _ deployment: Deployment,
        _ body: (CompletionTracker) async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await tracker.follow(connection)
                    APIBenchmark.progress("the Subscribe stream ended early")
                } catch where !Task.isCancelled {
                    APIBenchmark.progress("the Subscribe stream failed: \(error)")
                }
            }
            defer { group.cancelAll() }
            var subscribed = false
            for index in 0..<100 where !subscribed {
                let request = OrderWorkload.placeOrder("probe", index)
                tracker.expect(request.workflowID)
                _ = try await Baton_OrderFulfillment_V1_OrderFulfillmentClient(deployment.client(index)).placeOrder(request, options: OrderWorkload.callOptions)
                subscribed = await tracker.ending(of: request.workflowID, timeout: .milliseconds(500)) != nil
            }
            guard subscribed else { throw BenchmarkError("no completion event arrived on the Subscribe stream for 100 probe orders") }
            return try await body(tracker)
        }
    }
}
