import NIOCore
import Synchronization

/// `body`'s result, or a timeout error as soon as `limit` has passed.
///
/// `body` is then cancelled but not awaited: a connect that ignores cancellation (a server
/// that accepted the socket and never answers) must not hold the caller past its limit. If
/// `body` still succeeds later, `abandon` receives its result (to close a connection nobody
/// will use).
func withDeadline<T: Sendable>(
    _ limit: Duration,
    abandon: @escaping @Sendable (T) async -> Void = { _ in },
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withCheckedThrowingContinuation { continuation in
        race.waiter.withLock { $0 = continuation }
        let work = Task {
            do {
                let value = try await body()
                if !race.finish(.success(value)) { await abandon(value) }
            } catch {
                _ = race.finish(.failure(error))
            }
            race.timer.withLock { $0 }?.cancel()
        }
        let timer = Task {
            do { try await Task.sleep(for: limit) } catch { return }
            if race.finish(.failure(DeadlineExceeded(limit: limit))) { work.cancel() }
        }
        race.timer.withLock { $0 = timer }
    }
}

/// The caller waiting in `withDeadline`, resumed once by whichever of the work and the timer
/// ends first.
private final class DeadlineRace<T: Sendable>: Sendable {
    let waiter = Mutex<CheckedContinuation<T, any Error>?>(nil)
    let timer = Mutex<Task<Void, Never>?>(nil)

    /// Resumes the caller unless it was already; false when it was.
    func finish(_ result: Result<T, any Error>) -> Bool {
        guard let continuation = waiter.withLock({ state in defer { state = nil }; return state }) else { return false }
        continuation.resume(with: result)
        return true
    }
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "no answer within \(limit)" }
}

extension TimeAmount {
    /// `duration`, rounded up to whole nanoseconds.
    init(rounding duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + (attoseconds + 999_999_999) / 1_000_000_000)
    }
}
