/// How long to wait before the next attempt of a failed step.
///
/// `delay(forRetry:jitterSample:)` is a pure function: the engine derives the jitter sample
/// deterministically from the step's idempotency key and attempt, so a replayed or recovered
/// workflow computes the same schedule.
public struct Backoff: Sendable, Hashable, Codable {
    public struct Strategy: Sendable, Hashable, Codable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }
        /// Every retry waits `initial`.
        public static let fixed = Strategy("fixed")
        /// Retry n waits `initial * n`.
        public static let linear = Strategy("linear")
        /// Retry n waits `initial * multiplier^(n-1)`.
        public static let exponential = Strategy("exponential")
        /// Retry n waits `initial * fib(n)` with fib = 1, 1, 2, 3, 5, 8, …
        public static let fibonacci = Strategy("fibonacci")
        public var description: String { name }
    }

    public var strategy: Strategy
    public var initial: Duration
    /// The cap: no delay is ever longer than this.
    public var maximum: Duration
    /// Growth factor for ``Strategy/exponential``.
    public var multiplier: Double
    /// The fraction (0…1) of each delay that is randomised downwards. 0 means no jitter.
    public var jitter: Double

    public init(
        strategy: Strategy,
        initial: Duration,
        maximum: Duration = .seconds(60),
        multiplier: Double = 2,
        jitter: Double = 0
    ) {
        self.strategy = strategy
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
    }

    public static func fixed(_ delay: Duration, jitter: Double = 0) -> Backoff {
        Backoff(strategy: .fixed, initial: delay, maximum: delay, jitter: jitter)
    }

    public static func linear(initial: Duration, maximum: Duration = .seconds(60), jitter: Double = 0) -> Backoff {
        Backoff(strategy: .linear, initial: initial, maximum: maximum, jitter: jitter)
    }

    public static func exponential(
        initial: Duration,
        multiplier: Double = 2,
        maximum: Duration = .seconds(60),
        jitter: Double = 0
    ) -> Backoff {
        Backoff(strategy: .exponential, initial: initial, maximum: maximum, multiplier: multiplier, jitter: jitter)
    }

    public static func fibonacci(initial: Duration, maximum: Duration = .seconds(60), jitter: Double = 0) -> Backoff {
        Backoff(strategy: .fibonacci, initial: initial, maximum: maximum, jitter: jitter)
    }

    /// The delay before retry number `retry` (1 = the retry after the first failure).
    ///
    /// - Parameter jitterSample: a value in 0..<1; the delay is reduced by `jitter * sample` of itself.
    public func delay(forRetry retry: Int, jitterSample: Double = 0) -> Duration {
        let n = max(retry, 1)
        let base = initial.secondsDouble
        var seconds: Double
        switch strategy {
        case .linear:
            seconds = base * Double(n)
        case .exponential:
            seconds = base * pow(multiplier, n - 1)
        case .fibonacci:
            var (a, b) = (1.0, 1.0)
            for _ in 1..<n { (a, b) = (b, a + b) }
            seconds = base * a
        default:
            seconds = base
        }
        seconds = min(seconds, maximum.secondsDouble)
        if jitter > 0 {
            seconds -= seconds * jitter * min(max(jitterSample, 0), 0.999_999)
        }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    private func pow(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(exponent, 0) {
            result *= base
            if result > 1e12 { break }
        }
        return result
    }
}
