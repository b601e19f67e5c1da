@testable import BatonWorkflow
import Foundation
import Testing

@Suite("WorkflowJSON (the stores' encoding of snapshots and events)")
struct WorkflowJSONTests {
    static let awkward = "quote \" backslash \\ slash / newline \n tab \t return \r nul \u{0} bell \u{7} unit \u{1F} é 漢字 🚀"
    static let t = WorkflowInstant(nanosecondsSinceEpoch: 1_700_000_000_123_456_789)
    static let error = StepError(.failedPrecondition, "declined: \(awkward)")

    static let value: WorkflowValue = [
        "null": nil,
        "true": true,
        "false": false,
        "max": .int(.max),
        "min": .int(.min),
        "half": .double(0.5),
        "tiny": .double(-1.25e-300),
        "huge": .double(6.02e300),
        "text": .string(awkward),
        awkward: ["nested", ["deeper": [1, 2, [] as WorkflowValue, [:] as WorkflowValue]]],
        "empty": "",
    ]

    /// A snapshot with every optional set, so that a field the writer forgets cannot go unnoticed.
    static var maximalSnapshot: WorkflowSnapshot {
        var record = WorkflowSnapshot.StepRecord(name: awkward)
        record.status = .failed
        record.attempts = 3
        record.compensationAttempts = 2
        record.visits = 4
        record.startedAt = t
        record.finishedAt = t.advanced(by: .seconds(1))
        record.error = error
        record.retryAt = t.advanced(by: .seconds(2))
        let (machine, _) = WorkflowStateMachine.create(
            definition: WorkflowDefinition("order") { StepDefinition.call("a", action: { _ in .null }) },
            id: "w-\(awkward)",
            input: value,
            correlationID: "c-1",
            now: t
        )
        var snapshot = machine.snapshot
        snapshot.status = .compensating
        snapshot.metadata = ["tenant": "acme", awkward: awkward, "": ""]
        snapshot.outputs = ["a": value, awkward: .string(awkward)]
        snapshot.steps = [record, WorkflowSnapshot.StepRecord(name: "plain")]
        snapshot.cursor = 7
        snapshot.cursorStep = "a"
        snapshot.inFlight = .init(step: "a", attempt: 2, isCompensation: true)
        snapshot.branchesInFlight = [.init(step: "b1", attempt: 1, isCompensation: false), .init(step: "b2", attempt: 5, isCompensation: true)]
        snapshot.retryAt = t.advanced(by: .seconds(3))
        snapshot.waitUntil = t.advanced(by: .seconds(4))
        snapshot.pendingSignals = [.init(name: "go", payload: value), .init(name: "stop", payload: nil)]
        snapshot.compensationStack = ["a", awkward]
        snapshot.deadline = t.advanced(by: .seconds(5))
        snapshot.error = error
        snapshot.failedStep = "a"
        snapshot.cancelReason = awkward
        snapshot.finishedAt = t.advanced(by: .seconds(6))
        snapshot.version = .max
        return snapshot
    }

    /// One event of every kind, optionals both set and unset.
    static let events: [WorkflowEvent.Kind] = [
        .created(type: "order", version: 3, input: value, correlationID: "c", deadline: t, metadata: ["tenant": "acme", "q": awkward]),
        .created(type: "order", version: 1, input: nil, correlationID: nil, deadline: nil),
        .started,
        .stepStarted(step: awkward, attempt: 1),
        .stepCompleted(step: "a", attempt: 2, output: value),
        .stepFailed(step: "a", attempt: 1, error: error, retryAt: t),
        .stepFailed(step: "a", attempt: 9, error: StepError(.unknown), retryAt: nil),
        .decisionTaken(step: "d", target: "a", complete: false),
        .decisionTaken(step: "d", target: nil, complete: true),
        .waitStarted(step: "w", until: t),
        .waitStarted(step: "w", until: nil),
        .signalReceived(name: "go", payload: value),
        .paused,
        .resumed,
        .cancelRequested(reason: awkward),
        .timedOut,
        .compensationStarted(steps: ["b", "a"]),
        .compensationStarted(steps: []),
        .compensationStepStarted(step: "a", attempt: 1),
        .compensationStepCompleted(step: "a", attempt: 2),
        .compensationStepFailed(step: "a", attempt: 3, error: error, retryAt: t),
        .compensationStepFailed(step: "a", attempt: 4, error: error, retryAt: nil),
        .completed,
        .failed(error: error),
        .compensated,
        .cancelled,
    ]

    @Test("the maximal snapshot has every optional set (or this test would not cover them)")
    func maximalHasEveryOptional() {
        func nilOptionals(_ value: Any, path: String) -> [String] {
            Mirror(reflecting: value).children.flatMap { child -> [String] in
                let name = "\(path).\(child.label ?? "?")"
                let mirror = Mirror(reflecting: child.value)
                if mirror.displayStyle == .optional { return mirror.children.isEmpty ? [name] : [] }
                return []
            }
        }
        let snapshot = Self.maximalSnapshot
        #expect(nilOptionals(snapshot, path: "snapshot") == [])
        #expect(nilOptionals(snapshot.steps[0], path: "steps[0]") == [])
    }

    @Test("a snapshot decodes to itself with JSONDecoder")
    func snapshotRoundTrip() throws {
        let snapshot = Self.maximalSnapshot
        let bytes = try WorkflowJSON.encode(snapshot)
        #expect(try JSONDecoder().decode(WorkflowSnapshot.self, from: Data(bytes)) == snapshot)
    }

    @Test("every event kind decodes to itself with JSONDecoder", arguments: Self.events)
    func eventRoundTrip(kind: WorkflowEvent.Kind) throws {
        let event = WorkflowEvent(workflowID: "w-\(Self.awkward)", sequence: 42, timestamp: Self.t, kind: kind)
        let bytes = try WorkflowJSON.encode(event)
        #expect(try JSONDecoder().decode(WorkflowEvent.self, from: Data(bytes)) == event)
    }

    @Test("the same JSON document as JSONEncoder writes (files stay readable both ways)")
    func sameDocumentAsJSONEncoder() throws {
        func document(_ data: Data) throws -> NSDictionary {
            try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
        }
        let snapshot = Self.maximalSnapshot
        #expect(try document(Data(WorkflowJSON.encode(snapshot))) == document(JSONEncoder().encode(snapshot)))
        for kind in Self.events {
            let event = WorkflowEvent(workflowID: "w", sequence: 1, timestamp: Self.t, kind: kind)
            #expect(try document(Data(WorkflowJSON.encode(event))) == document(JSONEncoder().encode(event)), "\(event.name)")
        }
    }

    @Test("a value JSON cannot represent is refused, as JSONEncoder refuses it")
    func nonFinite() {
        var snapshot = Self.maximalSnapshot
        snapshot.input = ["x": .double(.infinity)]
        #expect(throws: EncodingError.self) { try WorkflowJSON.encode(snapshot) }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(snapshot) }
    }
}
