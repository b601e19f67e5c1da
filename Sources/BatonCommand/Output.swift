import BatonAPI
import Foundation

/// Human-readable renderings for the client subcommands.
enum Output {
    /// `COMPLETED` for `.completed`: the status names of ARCHITECTURE.md.
    static func name(_ status: Baton_Coordination_V1_WorkflowStatus) -> String {
        screaming("\(status)")
    }

    static func name(_ status: Baton_Coordination_V1_StepStatus) -> String {
        screaming("\(status)")
    }

    static func status(named name: String) -> Baton_Coordination_V1_WorkflowStatus? {
        Baton_Coordination_V1_WorkflowStatus.allCases.first { Self.name($0) == name.uppercased() }
    }

    /// `ID STATUS`: what a lifecycle command answers.
    static func status(_ workflow: Baton_Coordination_V1_Workflow) -> String {
        "\(workflow.workflowID) \(name(workflow.status))"
    }

    /// The workflow's header and one row per step: status, attempts, start, duration, error.
    static func table(_ workflow: Baton_Coordination_V1_Workflow) -> String {
        var text = "workflow \(workflow.workflowID)  \(workflow.workflowType) v\(workflow.version)  \(name(workflow.status))\n"
        if !workflow.correlationID.isEmpty { text += "correlation \(workflow.correlationID)\n" }
        if let error = workflow.error { text += "error \(error.code): \(error.message)" + (workflow.failedStep.isEmpty ? "" : " (step \(workflow.failedStep))") + "\n" }
        let rows = [["STEP", "KIND", "STATUS", "ATTEMPTS", "STARTED", "TOOK", "ERROR"]]
            + workflow.steps.map { step in
                [
                    step.name, step.kind, name(step.status),
                    step.compensationAttempts > 0 ? "\(step.attempts)+\(step.compensationAttempts)c" : "\(step.attempts)",
                    step.startedAtMs == 0 ? "-" : time(step.startedAtMs),
                    step.startedAtMs == 0 || step.finishedAtMs == 0 ? "-" : "\(step.finishedAtMs - step.startedAtMs) ms",
                    step.error.map { "\($0.code): \($0.message)" } ?? "",
                ]
            }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            text += zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces) + "\n"
        }
        if workflow.finishedAtMs > 0 { text += "took \(workflow.finishedAtMs - workflow.createdAtMs) ms\n" }
        return text
    }

    /// One event per line: time, sequence, type, step and attempt, error or detail.
    static func line(_ event: Baton_Coordination_V1_WorkflowEvent) -> String {
        var parts = [time(event.timestampMs), "#\(event.sequence)", event.eventType]
        if !event.step.isEmpty { parts.append(event.attempt > 0 ? "\(event.step) (attempt \(event.attempt))" : event.step) }
        if let error = event.error { parts.append("\(error.code): \(error.message)") }
        if !event.detailJson.isEmpty, event.eventType != "WorkflowCreated", event.detailJson.count < 160 { parts.append(event.detailJson) }
        return parts.joined(separator: "  ")
    }

    private static func time(_ milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withTime, .withColonSeparatorInTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    private static func screaming(_ camel: String) -> String {
        var result = ""
        for character in camel {
            if character.isUppercase, !result.isEmpty { result += "_" }
            result += character.uppercased()
        }
        return result
    }
}
