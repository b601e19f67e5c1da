import BatonRPC
import Testing

@Suite("CircuitBreaker")
struct CircuitBreakerTests {
    static let configuration = CircuitBreaker.Configuration.defaults {
        $0.failureRateThreshold = 0.5
        $0.minimumCalls = 4
        $0.window = .seconds(10)
        $0.coolDown = .seconds(5)
    }

    let t0 = ContinuousClock.now

    /// `acquire` outside `#expect`, which cannot call a mutating method.
    func acquire(_ breaker: inout CircuitBreaker, now: ContinuousClock.Instant) -> Bool {
        breaker.acquire(now: now)
    }

    @Test("opens at the failure rate once enough calls were seen, refuses calls, half-opens after the cool-down")
    func lifecycle() {
        var breaker = CircuitBreaker(configuration: Self.configuration)
        for success in [true, true, false] {
            #expect(acquire(&breaker, now: t0) == true)
            breaker.record(success: success, now: t0)
        }
        #expect(breaker.state == .closed, "3 calls are fewer than the minimum of 4")
        #expect(acquire(&breaker, now: t0) == true)
        breaker.record(success: false, now: t0 + .seconds(1))
        #expect(breaker.state == .open(until: t0 + .seconds(6)))
        #expect(acquire(&breaker, now: t0 + .seconds(5)) == false)

        #expect(acquire(&breaker, now: t0 + .seconds(6)) == true, "the cool-down is over: one probe")
        #expect(breaker.state == .halfOpen)
        #expect(acquire(&breaker, now: t0 + .seconds(6)) == false, "only one probe at a time")
        breaker.record(success: false, now: t0 + .seconds(7))
        #expect(breaker.state == .open(until: t0 + .seconds(12)), "a failed probe opens it again")

        #expect(acquire(&breaker, now: t0 + .seconds(12)) == true)
        breaker.record(success: true, now: t0 + .seconds(12))
        #expect(breaker.state == .closed, "a successful probe closes it")
        #expect(breaker.totals(now: t0 + .seconds(12)) == (0, 0), "with a fresh window")
    }

    @Test("failures older than the window no longer count")
    func windowSlides() {
        var breaker = CircuitBreaker(configuration: Self.configuration)
        for _ in 0..<3 {
            _ = breaker.acquire(now: t0)
            breaker.record(success: false, now: t0)
        }
        let later = t0 + .seconds(30)
        #expect(breaker.totals(now: later) == (0, 0))
        _ = breaker.acquire(now: later)
        breaker.record(success: false, now: later)
        #expect(breaker.state == .closed, "one recent failure, below the minimum")
    }

    @Test("an endpoint failing one call in four stays closed")
    func staysClosed() {
        var breaker = CircuitBreaker(configuration: Self.configuration)
        for index in 0..<100 {
            #expect(acquire(&breaker, now: t0 + .milliseconds(index * 50)) == true)
            breaker.record(success: index % 4 != 3, now: t0 + .milliseconds(index * 50))
        }
        #expect(breaker.state == .closed)
    }
}
