/// A per-endpoint circuit breaker, as a pure state machine (the caller passes the time).
///
/// Closed: calls pass, and their outcomes are counted over a sliding window. When at least
/// `minimumCalls` calls in the window failed at a rate of `failureRateThreshold` or more, it
/// opens: calls are refused for `coolDown`. Then it half-opens: `halfOpenProbes` calls pass;
/// a success closes it (with a fresh window), a failure opens it again.
public struct CircuitBreaker: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Failed calls over all calls in the window that opens the breaker (0…1).
        public var failureRateThreshold: Double = 0.5
        /// Fewer calls than this in the window never open the breaker.
        public var minimumCalls: Int = 10
        /// How far back outcomes count.
        public var window: Duration = .seconds(10)
        /// How long an open breaker refuses calls before it lets a probe through.
        public var coolDown: Duration = .seconds(5)
        /// Calls let through at once while half-open.
        public var halfOpenProbes: Int = 1

        public init() {}
        public static var defaults: Configuration { Configuration() }
        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration()
            configure(&configuration)
            return configuration
        }
    }

    public enum State: Sendable, Hashable {
        case closed
        case open(until: ContinuousClock.Instant)
        case halfOpen
    }

    /// Outcomes in one slice of the window.
    private struct Bucket: Sendable {
        var start: ContinuousClock.Instant
        var calls = 0
        var failures = 0
    }

    private static let bucketsPerWindow = 10

    public let configuration: Configuration
    public private(set) var state: State = .closed
    private var buckets: [Bucket] = []
    private var probesInFlight = 0

    public init(configuration: Configuration = .defaults) {
        self.configuration = configuration
    }

    /// Whether a call may go out now; a `true` must be followed by ``record(success:now:)``.
    public mutating func acquire(now: ContinuousClock.Instant) -> Bool {
        switch state {
        case .closed:
            return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen
            probesInFlight = 1
            return true
        case .halfOpen:
            guard probesInFlight < configuration.halfOpenProbes else { return false }
            probesInFlight += 1
            return true
        }
    }

    /// Records the outcome of a call that ``acquire(now:)`` let through.
    public mutating func record(success: Bool, now: ContinuousClock.Instant) {
        switch state {
        case .halfOpen:
            probesInFlight = max(0, probesInFlight - 1)
            if success {
                state = .closed
                buckets.removeAll()
            } else {
                state = .open(until: now + configuration.coolDown)
            }
        case .open:
            break  // a call from before the breaker opened
        case .closed:
            count(success: success, now: now)
            let (calls, failures) = totals(now: now)
            if calls >= configuration.minimumCalls, Double(failures) >= configuration.failureRateThreshold * Double(calls) {
                state = .open(until: now + configuration.coolDown)
                buckets.removeAll()
            }
        }
    }

    /// Calls and failures in the window ending at `now`.
    public func totals(now: ContinuousClock.Instant) -> (calls: Int, failures: Int) {
        let since = now - configuration.window
        return buckets.filter { $0.start > since - bucketLength }.reduce(into: (0, 0)) { totals, bucket in
            totals.0 += bucket.calls
            totals.1 += bucket.failures
        }
    }

    private var bucketLength: Duration { configuration.window / Self.bucketsPerWindow }

    private mutating func count(success: Bool, now: ContinuousClock.Instant) {
        if let last = buckets.last, now - last.start < bucketLength {
            buckets[buckets.count - 1].calls += 1
            if !success { buckets[buckets.count - 1].failures += 1 }
        } else {
            buckets.append(Bucket(start: now, calls: 1, failures: success ? 0 : 1))
        }
        let since = now - configuration.window - bucketLength
        if let first = buckets.firstIndex(where: { $0.start > since }), first > 0 { buckets.removeFirst(first) }
    }
}
