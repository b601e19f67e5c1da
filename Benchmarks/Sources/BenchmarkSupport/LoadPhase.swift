/// The phases of a closed-loop run, shared by its workers: warm-up, the measured window, then
/// stop. Workers loop while not ``isStopping`` and sample what they begin while ``isMeasuring``.
public final class LoadPhase: Sendable {
    private enum Phase: Int { case warmup, measuring, stopping }
    private let phase = SharedCounter(Phase.warmup.rawValue)

    public init() {}

    public var isMeasuring: Bool { phase.current == Phase.measuring.rawValue }
    public var isStopping: Bool { phase.current == Phase.stopping.rawValue }

    /// Warms up for `warmup`, and at least until `concurrency` operations completed (at 1,024
    /// concurrent the first round takes seconds), so that the window sees a steady state; then
    /// measures a window of at least `duration` and ten such rounds (up to a minute), since
    /// operations that move in lockstep complete in bursts. Returns what `sample` said at the
    /// window's two ends; the phase is ``isStopping`` afterwards.
    public func measureWindow<Sample>(
        concurrency: Int,
        warmup: Duration,
        duration: Duration,
        completions: () -> Int,
        sample: () -> Sample
    ) async throws -> (before: Sample, after: Sample) {
        let clock = ContinuousClock()
        let began = clock.now
        let warmupEnd = began.advanced(by: warmup)
        let giveUp = warmupEnd.advanced(by: .seconds(60))
        var firstRound: Duration?
        while clock.now < warmupEnd || (firstRound == nil && clock.now < giveUp) {
            try await Task.sleep(for: .milliseconds(10))
            if firstRound == nil, completions() >= concurrency { firstRound = clock.now - began }
        }
        let window = max(duration, min((firstRound ?? .zero) * 10, .seconds(60)))
        let before = sample()
        phase.store(Phase.measuring.rawValue)
        try await Task.sleep(for: window)
        let after = sample()
        phase.store(Phase.stopping.rawValue)
        return (before, after)
    }
}
