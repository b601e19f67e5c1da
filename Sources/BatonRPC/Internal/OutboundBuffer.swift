import BatonProtobuf
import NIOCore

/// The framed messages of one stream waiting for nghttp2 to send them, and the writers
/// waiting for room. Writers are suspended above ``highWatermark`` and resumed once the
/// buffer has drained below half of it, so a slow peer never makes us buffer without bound.
struct OutboundBuffer {
    static let highWatermark = 256 * 1024

    private var bytes = ByteBuffer()
    private var waiters: [CheckedContinuation<Void, any Error>] = []

    var isEmpty: Bool { bytes.readableBytes == 0 }

    /// Appends `message`. - Returns: whether there is room for more (the writer may go on).
    mutating func append<M: ProtobufMessage>(_ message: M) -> Bool {
        bytes.writeGRPCMessage(message)
        return bytes.readableBytes < Self.highWatermark
    }

    /// Holds a writer until the buffer has drained below half of ``highWatermark``.
    mutating func waitForRoom(_ continuation: CheckedContinuation<Void, any Error>) {
        waiters.append(continuation)
    }

    /// Appends `message`; `continuation` resumes now if there is room, later otherwise.
    mutating func append<M: ProtobufMessage>(_ message: M, _ continuation: CheckedContinuation<Void, any Error>) {
        if append(message) { continuation.resume() } else { waitForRoom(continuation) }
    }

    /// Moves up to `buffer.count` bytes into `buffer`; returns how many.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, bytes.readableBytes)
        guard count > 0 else { return 0 }
        bytes.readWithUnsafeReadableBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: count)
            return count
        }
        if bytes.readableBytes == 0 { bytes.clear() }
        if bytes.readableBytes < Self.highWatermark / 2 { resumeWriters(throwing: nil) }
        return count
    }

    /// Drops what is buffered and fails the waiting writers.
    mutating func discard(failingWritersWith error: RPCError) {
        bytes.clear()
        resumeWriters(throwing: error)
    }

    mutating func resumeWriters(throwing error: RPCError?) {
        guard !waiters.isEmpty else { return }
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
    }
}

/// HTTP/2 flow-control credit for the bytes received on one stream. Credit is returned at
/// once while the consumer keeps up (a message may be larger than the stream window) and held
/// back while it has more than ``OutboundBuffer/highWatermark`` bytes of unread messages,
/// which stops the peer instead of growing the queue.
struct InboundCredit {
    private var queuedBytes = 0
    private(set) var deferred = 0

    /// `dataBytes` arrived, completing messages of `messageBytes` in total (prefixes included).
    /// - Returns: the credit to return now.
    mutating func received(dataBytes: Int, messageBytes: Int) -> Int {
        queuedBytes += messageBytes
        if queuedBytes <= OutboundBuffer.highWatermark { return dataBytes }
        deferred += dataBytes
        return 0
    }

    /// The consumer took a message of `messageBytes`. - Returns: the credit to return now.
    mutating func taken(messageBytes: Int) -> Int {
        queuedBytes -= messageBytes
        guard deferred > 0, queuedBytes <= OutboundBuffer.highWatermark else { return 0 }
        defer { deferred = 0 }
        return deferred
    }

    /// Everything held back (the stream has closed). - Returns: the credit to return.
    mutating func releaseAll() -> Int {
        defer { deferred = 0 }
        return deferred
    }
}

extension TimeAmount {
    /// The same length of time as `duration` (negative durations become zero).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }
}
