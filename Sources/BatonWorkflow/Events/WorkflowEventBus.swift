/// Where the engine publishes every recorded workflow event (lifecycle events for subscribers,
/// metrics, WatchWorkflow streams). Publishing happens after the event is durable.
public protocol WorkflowEventBus: Sendable {
    func publish(_ event: WorkflowEvent) async
}
