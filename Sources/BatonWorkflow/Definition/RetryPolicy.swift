/// When and how often a failed step is attempted again.
///
/// The defaults follow gRPC practice: `UNAVAILABLE`, `DEADLINE_EXCEEDED`, `RESOURCE_EXHAUSTED`
/// and `ABORTED` are retried; everything else (`INVALID_ARGUMENT`, `FAILED_PRECONDITION`, …)
/// fails the step at once.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Total attempts, the first included. 1 means no retry.
    public var maxAttempts: Int
    public var backoff: Backoff
    public var retryableCodes: Set<StepError.Code>

    public static let defaultRetryableCodes: Set<StepError.Code> = [
        .unavailable, .deadlineExceeded, .resourceExhausted, .aborted,
    ]

    public init(
        maxAttempts: Int,
        backoff: Backoff = .exponential(initial: .milliseconds(100), maximum: .seconds(30), jitter: 0.2),
        retryableCodes: Set<StepError.Code> = RetryPolicy.defaultRetryableCodes
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.retryableCodes = retryableCodes
    }

    /// Three attempts with exponential backoff from 100 ms, capped at 30 s, 20 % jitter.
    public static let defaults = RetryPolicy(maxAttempts: 3)

    /// One attempt, never retried.
    public static let none = RetryPolicy(maxAttempts: 1)

    public static func defaults(_ configure: (inout RetryPolicy) -> Void) -> RetryPolicy {
        var policy = RetryPolicy.defaults
        configure(&policy)
        return policy
    }

    /// Whether a failure after `attempt` attempts may be retried.
    public func shouldRetry(_ error: StepError, afterAttempt attempt: Int) -> Bool {
        attempt < maxAttempts && retryableCodes.contains(error.code)
    }
}
