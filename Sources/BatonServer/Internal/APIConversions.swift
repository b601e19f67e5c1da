import BatonAPI
import BatonRPC
import BatonWorkflow
import Foundation

/// Conversions between the engine's types and the binary API's messages. Workflow inputs,
/// outputs and payloads travel as JSON documents; times as Unix epoch milliseconds.
enum APIConversions {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: WorkflowValue) -> String {
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses a request's JSON field; empty means null.
    ///
    /// - Throws: `INVALID_ARGUMENT` naming the field when the text is not JSON.
    static func value(fromJSON text: String, field: String) throws(RPCError) -> WorkflowValue {
        guard !text.isEmpty else { return .null }
        do {
            return try JSONDecoder().decode(WorkflowValue.self, from: Data(text.utf8))
        } catch {
            throw RPCError(code: .invalidArgument, message: "\(field) is not a valid JSON document: \(error)")
        }
    }

    static func milliseconds(_ instant: WorkflowInstant?) -> Int64 {
        (instant?.nanosecondsSinceEpoch ?? 0) / 1_000_000
    }

    static func milliseconds(_ duration: Duration?) -> Int64 {
        guard let duration else { return 0 }
        return duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    static func status(_ status: WorkflowStatus) -> Baton_Coordination_V1_WorkflowStatus {
        switch status {
        case .created: .created
        case .running: .running
        case .paused: .paused
        case .completed: .completed
        case .failed: .failed
        case .timedOut: .timedOut
        case .cancelling: .cancelling
        case .compensating: .compensating
        case .compensated: .compensated
        case .compensationFailed: .compensationFailed
        case .cancelled: .cancelled
        }
    }

    /// The engine's status for a filter; nil for UNSPECIFIED (no filter).
    static func status(_ status: Baton_Coordination_V1_WorkflowStatus) throws(RPCError) -> WorkflowStatus? {
        switch status {
        case .unspecified: return nil
        case .unrecognized(let value): throw RPCError(code: .invalidArgument, message: "unknown workflow status \(value)")
        default: return WorkflowStatus.allCases.first { Self.status($0) == status }
        }
    }

    static func stepStatus(_ status: StepStatus) -> Baton_Coordination_V1_StepStatus {
        switch status {
        case .pending: .pending
        case .running: .running
        case .waiting: .waiting
        case .retryScheduled: .retryScheduled
        case .completed: .completed
        case .failed: .failed
        case .compensating: .compensating
        case .compensated: .compensated
        case .compensationFailed: .compensationFailed
        }
    }

    static func error(_ error: StepError?) -> Baton_Coordination_V1_StepError? {
        guard let error else { return nil }
        var message = Baton_Coordination_V1_StepError()
        message.code = error.code.name
        message.message = error.message
        return message
    }

    static func workflow(_ snapshot: WorkflowSnapshot, definition: WorkflowDefinition?) -> Baton_Coordination_V1_Workflow {
        var workflow = Baton_Coordination_V1_Workflow()
        workflow.workflowID = snapshot.id
        workflow.workflowType = snapshot.type
        workflow.version = Int32(clamping: snapshot.definitionVersion)
        workflow.correlationID = snapshot.correlationID ?? ""
        workflow.status = status(snapshot.status)
        workflow.currentStep = snapshot.currentStep ?? ""
        workflow.steps = snapshot.steps.map { record in
            var step = Baton_Coordination_V1_Step()
            step.name = record.name
            step.kind = definition?.step(named: record.name)?.kindName ?? ""
            step.status = stepStatus(record.status)
            step.attempts = Int32(clamping: record.attempts)
            step.compensationAttempts = Int32(clamping: record.compensationAttempts)
            step.startedAtMs = milliseconds(record.startedAt)
            step.finishedAtMs = milliseconds(record.finishedAt)
            step.error = error(record.error)
            if let output = snapshot.outputs[record.name] { step.outputJson = json(output) }
            return step
        }
        workflow.inputJson = json(snapshot.input)
        workflow.outputJson = json(.object(snapshot.outputs))
        workflow.error = error(snapshot.error)
        workflow.failedStep = snapshot.failedStep ?? ""
        workflow.cancelReason = snapshot.cancelReason ?? ""
        workflow.createdAtMs = milliseconds(snapshot.createdAt)
        workflow.updatedAtMs = milliseconds(snapshot.updatedAt)
        workflow.finishedAtMs = milliseconds(snapshot.finishedAt)
        workflow.pendingCompensations = snapshot.isFinished ? [] : snapshot.compensationStack.reversed()
        workflow.metadata = snapshot.metadata ?? [:]
        return workflow
    }

    /// One history or lifecycle event; `type` and `correlationID` come from the workflow it belongs to.
    static func event(_ event: WorkflowEvent, type: String, correlationID: String?) -> Baton_Coordination_V1_WorkflowEvent {
        var message = Baton_Coordination_V1_WorkflowEvent()
        message.workflowID = event.workflowID
        message.workflowType = type
        message.correlationID = correlationID ?? ""
        message.sequence = event.sequence
        message.timestampMs = milliseconds(event.timestamp)
        message.eventType = event.name
        message.final = event.isFinal
        switch event.kind {
        case .created(_, let version, let input, _, _, _):
            message.detailJson = json(["version": .int(Int64(version)), "input": input])
        case .stepStarted(let step, let attempt), .compensationStepStarted(let step, let attempt),
            .compensationStepCompleted(let step, let attempt):
            message.step = step
            message.attempt = Int32(clamping: attempt)
        case .stepCompleted(let step, let attempt, let output):
            message.step = step
            message.attempt = Int32(clamping: attempt)
            message.detailJson = json(output)
        case .stepFailed(let step, let attempt, let failure, let retryAt),
            .compensationStepFailed(let step, let attempt, let failure, let retryAt):
            message.step = step
            message.attempt = Int32(clamping: attempt)
            message.error = error(failure)
            if let retryAt { message.detailJson = json(["retry_at_ms": .int(milliseconds(retryAt))]) }
        case .decisionTaken(let step, let target, let complete):
            message.step = step
            message.detailJson = json(["target": target.map { .string($0) } ?? .null, "complete": .bool(complete)])
        case .waitStarted(let step, let until):
            message.step = step
            if let until { message.detailJson = json(["until_ms": .int(milliseconds(until))]) }
        case .signalReceived(let name, let payload):
            message.detailJson = json(["signal": .string(name), "payload": payload])
        case .cancelRequested(let reason):
            message.detailJson = json(["reason": .string(reason)])
        case .compensationStarted(let steps):
            message.detailJson = json(["steps": .array(steps.map { .string($0) })])
        case .failed(let failure):
            message.error = error(failure)
        case .started, .paused, .resumed, .timedOut, .completed, .compensated, .cancelled:
            break
        }
        return message
    }

    static func stepDescription(_ step: StepDefinition, configuration: WorkflowDefinition.Configuration) -> Baton_Coordination_V1_StepDescription {
        var description = Baton_Coordination_V1_StepDescription()
        description.name = step.name
        description.kind = step.kindName
        description.hasCompensation = step.hasCompensation
        if step.kindName == "call" {
            description.maxAttempts = Int32(clamping: (step.retryPolicy ?? configuration.retry).maxAttempts)
        }
        description.timeoutMs = milliseconds(step.timeout)
        description.branches = step.branches.map { stepDescription($0, configuration: configuration) }
        return description
    }
}

extension RPCError {
    /// A lifecycle stream ended because the server is shutting down; the client may resume
    /// it on another replica or after the restart.
    static let shuttingDown = RPCError(code: .unavailable, message: "the server is shutting down; watch again after it restarts")

    /// The engine's error at the wire: the gRPC status of the same name, with its message.
    init(_ error: WorkflowError) {
        let code: RPCError.Code
        switch error.code {
        case .notFound: code = .notFound
        case .alreadyExists: code = .alreadyExists
        case .illegalTransition: code = .failedPrecondition
        case .invalidArgument: code = .invalidArgument
        case .conflict: code = .aborted
        case .incompatibleStore: code = .dataLoss
        case .storageFailure, .shuttingDown: code = .unavailable
        default: code = .internal
        }
        self.init(code: code, message: error.message)
    }
}

/// Runs an API call, turning the engine's and the orchestrators' errors into their gRPC
/// statuses (an orchestrator's refusal keeps its message; a coordinator's failure also says
/// which completed steps it undid).
func mappingErrors<Result>(_ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch let error as RPCError {
        throw error
    } catch let error as WorkflowError {
        throw RPCError(error)
    } catch let failure as CoordinatorFailure {
        let underlying = RPCError(classifying: failure.underlying)
        throw RPCError(code: underlying.code, message: failure.description, cause: failure)
    } catch {
        throw RPCError(classifying: error)
    }
}

extension RPCError {
    /// A step-classified error (``StepErrorConvertible``, ``StepError``) as the gRPC status of the same name.
    init(classifying error: any Error) {
        if let error = error as? RPCError {
            self = error
            return
        }
        if let error = error as? WorkflowError {
            self.init(error)
            return
        }
        let step = StepError(classifying: error)
        self.init(code: RPCError.Code(name: step.code.name) ?? .unknown, message: step.message.isEmpty ? step.code.name : step.message)
    }
}
