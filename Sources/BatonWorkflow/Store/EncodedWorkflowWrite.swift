import Foundation

/// One write of a durable store with its JSON already encoded, so that encoding runs in the
/// callers' tasks, in parallel, rather than on a store's writer. Every durable store keeps the
/// snapshot and each event in this JSON form (``WorkflowJSON``, read back by `JSONDecoder`), so
/// they store and return the same values. Indirect: a write is handed through a batch queue
/// several times, and copying it then costs one reference rather than a whole snapshot.
public indirect enum EncodedWorkflowWrite: Sendable {
    case create(WorkflowSnapshot, snapshotJSON: Data, events: EncodedWorkflowEvents, owner: String, leaseUntil: WorkflowInstant)
    case commit(WorkflowCommit, snapshotJSON: Data, events: EncodedWorkflowEvents)

    /// What a store answers for one write.
    public enum Result: Sendable {
        case created
        case existing(WorkflowSnapshot)
        case committed
    }

    /// The instance the write is about.
    public var workflowID: String {
        switch self {
        case .create(let snapshot, _, _, _, _): snapshot.id
        case .commit(let commit, _, _): commit.workflowID
        }
    }

    /// Encodes ``WorkflowStore/create(_:events:owner:leaseUntil:)``'s arguments.
    ///
    /// - Throws: `WorkflowError` `.storageFailure` when a value cannot be encoded.
    public static func create(_ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant)
        throws(WorkflowError) -> Self
    {
        let (snapshotJSON, encoded) = try encode(snapshot, events)
        return .create(snapshot, snapshotJSON: snapshotJSON, events: encoded, owner: owner, leaseUntil: leaseUntil)
    }

    /// Encodes ``WorkflowStore/commit(_:)``'s argument.
    ///
    /// - Throws: `WorkflowError` `.storageFailure` when a value cannot be encoded.
    public static func commit(_ commit: WorkflowCommit) throws(WorkflowError) -> Self {
        let (snapshotJSON, encoded) = try encode(commit.snapshot, commit.events)
        return .commit(commit, snapshotJSON: snapshotJSON, events: encoded)
    }

    private static func encode(_ snapshot: WorkflowSnapshot, _ events: [WorkflowEvent]) throws(WorkflowError)
        -> (Data, EncodedWorkflowEvents)
    {
        do {
            let (array, ranges) = try WorkflowJSON.encode(events)
            return (try WorkflowJSON.encode(snapshot), EncodedWorkflowEvents(events: events, jsonArray: array, ranges: ranges))
        } catch {
            throw WorkflowError(code: .storageFailure, message: "workflow '\(snapshot.id)' cannot be encoded for the store", cause: error)
        }
    }

    /// Decodes a stored snapshot.
    ///
    /// - Throws: `WorkflowError` `.incompatibleStore` when the bytes are not a snapshot.
    public static func decodeSnapshot(_ data: Data) throws(WorkflowError) -> WorkflowSnapshot {
        try decode(data, as: "a stored workflow snapshot")
    }

    /// Decodes a stored event.
    ///
    /// - Throws: `WorkflowError` `.incompatibleStore` when the bytes are not an event.
    public static func decodeEvent(_ data: Data) throws(WorkflowError) -> WorkflowEvent {
        try decode(data, as: "a stored workflow event")
    }

    /// Decodes stored events kept together as one JSON array.
    ///
    /// - Throws: `WorkflowError` `.incompatibleStore` when the bytes are not an array of events.
    public static func decodeEvents(_ data: Data) throws(WorkflowError) -> [WorkflowEvent] {
        try decode(data, as: "a stored array of workflow events")
    }

    private static func decode<Value: Decodable>(_ data: Data, as what: String) throws(WorkflowError) -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw WorkflowError(code: .incompatibleStore, message: "\(what) cannot be decoded", cause: error)
        }
    }
}

/// The events of one write and their JSON, encoded once as one array (`[{…},{…}]`, the form the
/// SQLite store keeps a commit's events in); each event's own JSON is a part of it.
public struct EncodedWorkflowEvents: RandomAccessCollection, Sendable {
    public let events: [WorkflowEvent]
    public let jsonArray: Data
    /// Where each event's JSON lies in `jsonArray`.
    private let ranges: [Range<Int>]

    init(events: [WorkflowEvent], jsonArray: Data, ranges: [Range<Int>]) {
        self.events = events
        self.jsonArray = jsonArray
        self.ranges = ranges
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { events.count }

    /// The event at `position` and a copy of its JSON.
    public subscript(position: Int) -> EncodedWorkflowEvent {
        EncodedWorkflowEvent(event: events[position], body: Data(jsonArray[ranges[position]]))
    }
}

/// An event and its JSON body.
public struct EncodedWorkflowEvent: Sendable {
    public var event: WorkflowEvent
    public var body: Data

    public init(event: WorkflowEvent, body: Data) {
        self.event = event
        self.body = body
    }
}
