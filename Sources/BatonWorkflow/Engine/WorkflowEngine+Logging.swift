import Logging

extension WorkflowEngine {
    /// Logs one recorded event with the workflow's id, type and correlation id as metadata:
    /// failures at warning, ends and compensations at info, the rest at debug.
    func log(_ event: WorkflowEvent, of snapshot: WorkflowSnapshot) {
        // Every recorded event passes here: decide the level first, build metadata only if it is logged.
        let level: Logger.Level
        switch event.kind {
        case .stepFailed, .compensationStepFailed: level = .warning
        case .compensationStarted, .completed, .compensated, .cancelled, .failed, .timedOut, .cancelRequested, .paused, .resumed:
            level = .info
        default: level = .debug
        }
        guard level >= logger.logLevel else { return }
        var metadata: Logger.Metadata = [
            "workflow.id": "\(snapshot.id)",
            "workflow.type": "\(snapshot.type)",
            "event": "\(event.name)",
        ]
        if let correlationID = snapshot.correlationID { metadata["correlation.id"] = "\(correlationID)" }
        switch event.kind {
        case .stepFailed(let step, let attempt, let error, let retryAt), .compensationStepFailed(let step, let attempt, let error, let retryAt):
            metadata["step"] = "\(step)"
            metadata["attempt"] = "\(attempt)"
            metadata["error"] = "\(error)"
            metadata["retry"] = "\(retryAt != nil)"
        case .compensationStarted(let steps):
            metadata["compensations"] = "\(steps.joined(separator: ","))"
        case .stepStarted(let step, let attempt), .stepCompleted(let step, let attempt, _),
            .compensationStepStarted(let step, let attempt), .compensationStepCompleted(let step, let attempt):
            metadata["step"] = "\(step)"
            metadata["attempt"] = "\(attempt)"
        default:
            break
        }
        logger.log(level: level, "\(event.name)", metadata: metadata)
    }
}
