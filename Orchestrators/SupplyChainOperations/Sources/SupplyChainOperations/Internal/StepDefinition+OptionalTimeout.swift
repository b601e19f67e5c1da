import BatonWorkflow

extension StepDefinition {
    /// A service-call step whose timeout, when configured, bounds each attempt.
    func timeout(_ duration: Duration?) -> StepDefinition {
        duration.map { timeout($0) } ?? self
    }
}
