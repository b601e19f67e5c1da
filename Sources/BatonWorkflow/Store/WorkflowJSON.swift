import Foundation

/// The JSON that stores keep snapshots and events in: exactly what their `Codable` conformances
/// read (a store decodes with `JSONDecoder`), written straight into bytes.
///
/// Stores encode the whole snapshot on every commit. `JSONEncoder` first builds a tree of boxed
/// values through the generic `Encoder` protocol, which made encoding the largest cost of a
/// commit; this writer does the same work several times faster. Keys are those of the
/// synthesized `CodingKeys`, optionals that are nil are left out, and an enum case with
/// associated values is `{"case":{"label":value,…}}`, as Swift synthesizes them.
public enum WorkflowJSON {
    public static func encode(_ snapshot: WorkflowSnapshot) throws(EncodingError) -> Data {
        var writer = JSONBytes(capacity: 2048)
        try writer.write(snapshot)
        return writer.bytes.take()
    }

    public static func encode(_ event: WorkflowEvent) throws(EncodingError) -> Data {
        var writer = JSONBytes(capacity: 256)
        try writer.write(event)
        return writer.bytes.take()
    }

    /// Events as one JSON array, and where each event's own JSON lies in it.
    public static func encode(_ events: [WorkflowEvent]) throws(EncodingError) -> (array: Data, ranges: [Range<Int>]) {
        var writer = JSONBytes(capacity: 2 + 384 * events.count)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(events.count)
        writer.beginArray()
        for event in events {
            writer.element()
            let start = writer.bytes.count
            try writer.write(event)
            ranges.append(start..<writer.bytes.count)
        }
        writer.endArray()
        return (writer.bytes.take(), ranges)
    }
}

/// Bytes appended to memory of their own, handed over as `Data` without a copy. An `Array`'s
/// `append` checks uniqueness and capacity through several calls for every byte; a commit
/// appends a few thousand.
struct ByteWriter: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(count + 1) }
        start[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(count + bytes.count) }
        (start + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    mutating func append(contentsOf text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: start, count: count)
        start.deallocate()
        start = grown
        capacity = newCapacity
    }

    /// The bytes written, as `Data` that owns their memory from now on.
    consuming func take() -> Data {
        let data = Data(bytesNoCopy: start, count: count, deallocator: .custom { pointer, _ in pointer.deallocate() })
        discard self
        return data
    }
}

/// A JSON text being written. Containers track only whether a separator is due: every nested
/// container starts after its parent's key or element separator, so one flag suffices.
struct JSONBytes: ~Copyable {
    var bytes: ByteWriter
    private var first = true

    init(capacity: Int) {
        bytes = ByteWriter(capacity: capacity)
    }

    // MARK: Containers

    mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// Writes the separator before an array element.
    mutating func element() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    /// Writes a key of the current object (a Swift identifier: nothing to escape).
    mutating func key(_ key: StaticString) {
        element()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(key)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes a key that is data (a step name, an output's name).
    mutating func key(_ key: String) {
        element()
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    // MARK: Scalars

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append("u00")
                    bytes.append(Self.hexDigit(byte >> 4))
                    bytes.append(Self.hexDigit(byte & 0xF))
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Writes the decimal digits straight into the buffer (no String per number: a snapshot
    /// holds many, and this runs for every commit).
    mutating func integer<T: BinaryInteger>(_ value: T) {
        guard let value = Int64(exactly: value) else {
            bytes.append(contentsOf: String(value))
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    mutating func bool(_ value: Bool) {
        bytes.append(value ? "true" : "false")
    }

    mutating func double(_ value: Double) throws(EncodingError) {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) is not representable in JSON"))
        }
        bytes.append(contentsOf: value.description)
    }

    mutating func null() {
        bytes.append("null")
    }

    // MARK: Fields

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        if let value { field(name, value) }
    }

    mutating func field<T: BinaryInteger>(_ name: StaticString, _ value: T) {
        key(name)
        integer(value)
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    mutating func field(_ name: StaticString, _ value: WorkflowInstant?) {
        if let value { field(name, value.nanosecondsSinceEpoch) }
    }

    mutating func field(_ name: StaticString, _ value: WorkflowValue) throws(EncodingError) {
        key(name)
        try write(value)
    }

    mutating func field(_ name: StaticString, _ value: StepError?) {
        guard let value else { return }
        key(name)
        beginObject()
        field("code", value.code.name)
        field("message", value.message)
        endObject()
    }

    mutating func field(_ name: StaticString, _ pairs: [String: String]?) {
        guard let pairs else { return }
        key(name)
        beginObject()
        for (name, value) in pairs {
            key(name)
            string(value)
        }
        endObject()
    }

    mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        beginArray()
        for value in values {
            element()
            string(value)
        }
        endArray()
    }

    // MARK: Workflow types

    mutating func write(_ value: WorkflowValue) throws(EncodingError) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .int(let i): integer(i)
        case .double(let d): try double(d)
        case .string(let s): string(s)
        case .array(let elements):
            beginArray()
            for element in elements {
                self.element()
                try write(element)
            }
            endArray()
        case .object(let members):
            beginObject()
            for (name, member) in members {
                key(name)
                try write(member)
            }
            endObject()
        }
    }

    mutating func write(_ snapshot: WorkflowSnapshot) throws(EncodingError) {
        beginObject()
        field("id", snapshot.id)
        field("type", snapshot.type)
        field("definitionVersion", snapshot.definitionVersion)
        field("correlationID", snapshot.correlationID)
        field("metadata", snapshot.metadata)
        field("status", snapshot.status.rawValue)
        try field("input", snapshot.input)
        key("outputs")
        try write(WorkflowValue.object(snapshot.outputs))
        key("steps")
        beginArray()
        for step in snapshot.steps {
            element()
            beginObject()
            field("name", step.name)
            field("status", step.status.rawValue)
            field("attempts", step.attempts)
            field("compensationAttempts", step.compensationAttempts)
            field("visits", step.visits)
            field("startedAt", step.startedAt)
            field("finishedAt", step.finishedAt)
            field("error", step.error)
            field("retryAt", step.retryAt)
            endObject()
        }
        endArray()
        field("cursor", snapshot.cursor)
        field("cursorStep", snapshot.cursorStep)
        if let inFlight = snapshot.inFlight {
            key("inFlight")
            write(inFlight)
        }
        key("branchesInFlight")
        beginArray()
        for branch in snapshot.branchesInFlight {
            element()
            write(branch)
        }
        endArray()
        field("retryAt", snapshot.retryAt)
        field("waitUntil", snapshot.waitUntil)
        key("pendingSignals")
        beginArray()
        for signal in snapshot.pendingSignals {
            element()
            beginObject()
            field("name", signal.name)
            try field("payload", signal.payload)
            endObject()
        }
        endArray()
        field("compensationStack", snapshot.compensationStack)
        field("deadline", snapshot.deadline)
        field("error", snapshot.error)
        field("failedStep", snapshot.failedStep)
        field("cancelReason", snapshot.cancelReason)
        field("createdAt", snapshot.createdAt)
        field("updatedAt", snapshot.updatedAt)
        field("finishedAt", snapshot.finishedAt)
        field("version", snapshot.version)
        endObject()
    }

    mutating func write(_ inFlight: WorkflowSnapshot.InFlight) {
        beginObject()
        field("step", inFlight.step)
        field("attempt", inFlight.attempt)
        field("isCompensation", inFlight.isCompensation)
        endObject()
    }

    mutating func write(_ event: WorkflowEvent) throws(EncodingError) {
        beginObject()
        field("workflowID", event.workflowID)
        field("sequence", event.sequence)
        field("timestamp", event.timestamp)
        key("kind")
        beginObject()
        switch event.kind {
        case .created(let type, let version, let input, let correlationID, let deadline, let metadata):
            key("created")
            beginObject()
            field("type", type)
            field("version", version)
            try field("input", input)
            field("correlationID", correlationID)
            field("deadline", deadline)
            field("metadata", metadata)
            endObject()
        case .started: emptyCase("started")
        case .stepStarted(let step, let attempt): stepAttempt("stepStarted", step, attempt)
        case .stepCompleted(let step, let attempt, let output):
            key("stepCompleted")
            beginObject()
            field("step", step)
            field("attempt", attempt)
            try field("output", output)
            endObject()
        case .stepFailed(let step, let attempt, let error, let retryAt): stepFailure("stepFailed", step, attempt, error, retryAt)
        case .decisionTaken(let step, let target, let complete):
            key("decisionTaken")
            beginObject()
            field("step", step)
            field("target", target)
            field("complete", complete)
            endObject()
        case .waitStarted(let step, let until):
            key("waitStarted")
            beginObject()
            field("step", step)
            field("until", until)
            endObject()
        case .signalReceived(let name, let payload):
            key("signalReceived")
            beginObject()
            field("name", name)
            try field("payload", payload)
            endObject()
        case .paused: emptyCase("paused")
        case .resumed: emptyCase("resumed")
        case .cancelRequested(let reason):
            key("cancelRequested")
            beginObject()
            field("reason", reason)
            endObject()
        case .timedOut: emptyCase("timedOut")
        case .compensationStarted(let steps):
            key("compensationStarted")
            beginObject()
            field("steps", steps)
            endObject()
        case .compensationStepStarted(let step, let attempt): stepAttempt("compensationStepStarted", step, attempt)
        case .compensationStepCompleted(let step, let attempt): stepAttempt("compensationStepCompleted", step, attempt)
        case .compensationStepFailed(let step, let attempt, let error, let retryAt):
            stepFailure("compensationStepFailed", step, attempt, error, retryAt)
        case .completed: emptyCase("completed")
        case .failed(let error):
            key("failed")
            beginObject()
            field("error", error)
            endObject()
        case .compensated: emptyCase("compensated")
        case .cancelled: emptyCase("cancelled")
        }
        endObject()
        endObject()
    }

    private mutating func emptyCase(_ name: StaticString) {
        key(name)
        beginObject()
        endObject()
    }

    private mutating func stepAttempt(_ name: StaticString, _ step: String, _ attempt: Int) {
        key(name)
        beginObject()
        field("step", step)
        field("attempt", attempt)
        endObject()
    }

    private mutating func stepFailure(_ name: StaticString, _ step: String, _ attempt: Int, _ error: StepError, _ retryAt: WorkflowInstant?) {
        key(name)
        beginObject()
        field("step", step)
        field("attempt", attempt)
        field("error", error)
        field("retryAt", retryAt)
        endObject()
    }
}
