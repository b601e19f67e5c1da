import BatonInterop
import BatonRPC
import Synchronization
import Testing

/// Counts the calls a server finished.
final class CallCounter: RPCCallObserver {
    private let count = Mutex(0)
    func callFinished(method: MethodDescriptor, status: RPCError.Code?, duration: Duration) {
        if method.service == "grpc.testing.TestService" { count.withLock { $0 += 1 } }
    }
    var calls: Int { count.withLock { $0 } }
}

/// An interop server on 127.0.0.1 that can be stopped and started again on the same port.
final class RestartableServer: Sendable {
    let counter = CallCounter()
    private let running = Mutex<(server: RPCServer, task: Task<Void, any Error>)?>(nil)
    private let boundPort = Mutex(0)

    var port: Int { boundPort.withLock { $0 } }

    func start() async throws {
        let previous = port
        let server = RPCServer(
            configuration: .defaults {
                $0.port = previous
                $0.callObserver = counter
                $0.shutdownGracePeriod = .milliseconds(200)
            },
            services: [InteropTestService(), HealthService()]
        )
        let task = Task { try await server.run() }
        let bound = try await server.listeningAddress.port!
        boundPort.withLock { $0 = bound }
        running.withLock { $0 = (server, task) }
    }

    func stop() async {
        guard let (server, task) = running.withLock({ state in defer { state = nil }; return state }) else { return }
        server.beginGracefulShutdown()
        _ = try? await task.value
    }
}

@Suite("LoadBalancedRPCClient against real servers")
struct LoadBalancedRPCClientTests {
    func unary(_ client: LoadBalancedRPCClient, status: Int32 = 0) async throws {
        var request = Grpc_Testing_SimpleRequest()
        request.responseSize = 1
        if status != 0 {
            var echo = Grpc_Testing_EchoStatus()
            echo.code = status
            echo.message = "injected"
            request.responseStatus = echo
        }
        _ = try await Grpc_Testing_TestServiceClient(client).unaryCall(request)
    }

    func eventually(_ what: Comment, _ condition: () -> Bool) async throws {
        for _ in 0..<300 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting: \(what)")
    }

    @Test("round-robin skips a stopped endpoint once its health check fails, and returns to it when it is back")
    func healthChecks() async throws {
        let a = RestartableServer()
        let b = RestartableServer()
        try await a.start()
        try await b.start()
        let client = LoadBalancedRPCClient(
            endpoints: [.init(host: "127.0.0.1", port: a.port), .init(host: "127.0.0.1", port: b.port)],
            configuration: .defaults { $0.healthCheckInterval = .milliseconds(50) }
        )
        let checks = Task { try await client.run() }
        defer { checks.cancel() }

        for _ in 0..<10 { try await unary(client) }
        #expect(a.counter.calls == 5)
        #expect(b.counter.calls == 5)

        await a.stop()
        // While it drains, A answers NOT_SERVING (or the check is cancelled); once it is gone,
        // the check's connection is refused.
        try await eventually("A marked unhealthy for a refused connection") {
            client.status[0].healthy == false && client.status[0].lastHealthError?.contains("UNAVAILABLE") == true
        }
        for _ in 0..<10 { try await unary(client) }
        #expect(b.counter.calls == 15, "every call went to B")

        try await a.start()
        try await eventually("A healthy again") { client.status[0].healthy }
        for _ in 0..<10 { try await unary(client) }
        #expect(a.counter.calls == 10)
        #expect(b.counter.calls == 20)

        await a.stop()
        await b.stop()
        try await eventually("both unhealthy") { client.status.allSatisfy { !$0.healthy } }
        // With every endpoint unhealthy the calls are tried anyway (fail open): refused
        // connections, until the circuits open and calls fail at once.
        let error = await #expect(throws: RPCError.self) { try await unary(client) }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("no endpoint available") == false)
        let allOpen = { client.status.allSatisfy { if case .open = $0.breaker { true } else { false } } }
        for _ in 0..<200 where !allOpen() { _ = try? await unary(client) }
        #expect(allOpen())
        let failedFast = await #expect(throws: RPCError.self) { try await unary(client) }
        #expect(failedFast?.code == .unavailable)
        #expect(failedFast?.message.contains("no endpoint available") == true)
        checks.cancel()
        await client.close()
    }

    @Test("when every endpoint fails its health check but still serves, calls go through (fail open)")
    func failOpen() async throws {
        let a = RestartableServer()
        try await a.start()
        // The server has no health status for this name: every check fails with NOT_FOUND,
        // as a check that times out on an overloaded service would.
        let client = LoadBalancedRPCClient(
            endpoints: [.init(host: "127.0.0.1", port: a.port)],
            configuration: .defaults {
                $0.healthCheckService = "baton.test.Unknown"
                $0.healthCheckInterval = .milliseconds(50)
            }
        )
        let checks = Task { try await client.run() }
        try await eventually("A marked unhealthy") { client.status[0].healthy == false }
        for _ in 0..<5 { try await unary(client) }
        #expect(a.counter.calls == 5)
        #expect(client.status[0].healthy == false)
        checks.cancel()
        await client.close()
        await a.stop()
    }

    @Test("an endpoint that keeps failing has its circuit opened; calls fail fast, then a probe closes it")
    func circuitBreaker() async throws {
        let a = RestartableServer()
        try await a.start()
        let client = LoadBalancedRPCClient(
            endpoints: [.init(host: "127.0.0.1", port: a.port)],
            configuration: .defaults {
                $0.breaker.minimumCalls = 4
                $0.breaker.failureRateThreshold = 0.5
                $0.breaker.coolDown = .milliseconds(300)
            }
        )
        // Business refusals do not count against the endpoint: 4 of them, then 4 failures, is
        // exactly the 50 % that opens the breaker.
        for _ in 0..<4 {
            let refusal = await #expect(throws: RPCError.self) { try await unary(client, status: 9) }
            #expect(refusal?.code == .failedPrecondition)
        }
        #expect(client.status[0].breaker == .closed)

        for attempt in 1...4 {
            #expect(client.status[0].breaker == .closed, "still closed before failure \(attempt)")
            let failure = await #expect(throws: RPCError.self) { try await unary(client, status: 14) }
            #expect(failure?.message == "injected")
        }
        guard case .open = client.status[0].breaker else {
            Issue.record("the breaker should be open, is \(client.status[0].breaker)")
            return
        }
        let served = a.counter.calls
        let fastFailure = await #expect(throws: RPCError.self) { try await unary(client) }
        #expect(fastFailure?.code == .unavailable)
        #expect(fastFailure?.message.contains("circuit open") == true)
        #expect(a.counter.calls == served, "the refused call never reached the server")

        try await Task.sleep(for: .milliseconds(350))
        try await unary(client)
        #expect(client.status[0].breaker == .closed)
        await client.close()
        await a.stop()
    }
}
