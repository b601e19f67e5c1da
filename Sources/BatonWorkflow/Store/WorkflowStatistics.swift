/// Aggregate numbers for GetMetrics: what is running, what finished since a point in time.
public struct WorkflowStatistics: Sendable, Hashable {
    /// Instances not yet finished.
    public var active: Int
    /// Instances finished since the window start, by final status.
    public var finished: [WorkflowStatus: Int]
    /// Mean time from creation to completion of the instances that completed in the window.
    public var averageCompletionTime: Duration?
    /// Every instance, by workflow type.
    public var countsByType: [String: Int]

    public init(active: Int, finished: [WorkflowStatus: Int], averageCompletionTime: Duration?, countsByType: [String: Int]) {
        self.active = active
        self.finished = finished
        self.averageCompletionTime = averageCompletionTime
        self.countsByType = countsByType
    }

    /// Completed over all finished in the window (nil when nothing finished).
    public var successRate: Double? {
        let total = finished.values.reduce(0, +)
        guard total > 0 else { return nil }
        return Double(finished[.completed] ?? 0) / Double(total)
    }
}
