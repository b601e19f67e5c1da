import BatonProtobuf
import CNGHTTP2
import NIOCore
import Synchronization

/// One call on a client connection. Event-loop state is touched on the loop only; the
/// caller's task reaches it through methods that hop there.
final class ClientStream: MessageSink, @unchecked Sendable {
    let eventLoop: any EventLoop
    /// Weak: a call's closures may reach the loop after its connection closed and the handler
    /// is gone (a server that stops while a call starts); they then have nothing to do.
    weak var connection: ClientConnectionHandler?
    var id: Int32 = -1
    let inbound: InboundMessages
    let method: MethodDescriptor

    // Loop-bound.
    var deframer: MessageDeframer
    var outbound = OutboundBuffer()
    var halfClosed = false
    var dataEnded = false
    var finished = false
    var deadline: Scheduled<Void>?
    var headerBlocks = 0
    // Response header fields, as received ("200", "0": short strings are stored inline).
    var httpStatus = ""
    /// The content-type unless it is gRPC's; a missing header counts as empty.
    var unexpectedContentType: String? = ""
    var grpcStatus: String?
    var grpcMessage: String?
    var receivedMetadata = Metadata()
    var credit = InboundCredit()

    /// Metadata shared with the caller's task.
    private struct Received {
        var initial: Metadata?
        var trailing = Metadata()
        var initialWaiters: [CheckedContinuation<Metadata, any Error>] = []
        var failure: RPCError?
    }
    private let received = Mutex(Received())
    /// Set on the loop when the call ends, so that the caller's task can skip hops there that
    /// would find nothing to do: once a call has ended, its stream is reset or closed, which
    /// returns any flow-control credit still held.
    private let ended = Atomic<Bool>(false)

    init(method: MethodDescriptor, connection: ClientConnectionHandler, eventLoop: any EventLoop, maxMessageSize: Int) {
        self.method = method
        self.connection = connection
        self.eventLoop = eventLoop
        self.deframer = MessageDeframer(maxMessageSize: maxMessageSize)
        let consumer = ConsumeForwarder()
        self.inbound = InboundMessages { count in consumer.forward(count) }
        consumer.stream = self
    }

    /// Forwards flow-control credit to the loop without a reference cycle at init time.
    private final class ConsumeForwarder: @unchecked Sendable {
        weak var stream: ClientStream?
        func forward(_ count: Int) {
            guard let stream, !stream.ended.load(ordering: .acquiring) else { return }
            stream.onLoop { stream.messageTaken(count) }
        }
    }

    func onLoop(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }

    // MARK: Caller side

    nonisolated(nonsending) func write<M: ProtobufMessage>(_ message: M) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            onLoop { self.enqueue(message, continuation) }
        }
    }

    /// Queues the call's only request message and half-closes, before the stream opens (on
    /// the loop): nothing waits for the write, which the stream's data provider sends with
    /// END_STREAM once nghttp2 asks for it.
    func enqueueOnly(_ message: any ProtobufMessage) {
        _ = outbound.append(message)
        halfClosed = true
    }

    /// Half-closes the request side (END_STREAM after the queued messages).
    func halfClose() {
        onLoop {
            guard !self.halfClosed else { return }
            self.halfClosed = true
            if self.id > 0 { self.connection?.session?.resumeData(streamID: self.id) }
            self.connection?.scheduleFlush()
        }
    }

    /// Cancels the call: RST_STREAM(CANCEL) and the given status locally.
    func cancel(_ error: RPCError) {
        if ended.load(ordering: .acquiring) { return }
        onLoop {
            guard !self.finished else { return }
            if self.id > 0 {
                self.connection?.session?.submitReset(streamID: self.id, errorCode: UInt32(NGHTTP2_CANCEL.rawValue))
                self.connection?.scheduleFlush()
            }
            self.complete(.failure(error))
        }
    }

    var trailingMetadata: Metadata { received.withLock { $0.trailing } }

    /// The response headers' metadata; throws the call's error if it failed without them.
    func initialMetadata() async throws -> Metadata {
        try await withCheckedThrowingContinuation { continuation in
            let ready = received.withLock { state -> Result<Metadata, RPCError>? in
                if let initial = state.initial { return .success(initial) }
                if let failure = state.failure { return .failure(failure) }
                state.initialWaiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    // MARK: Loop side

    private func enqueue<M: ProtobufMessage>(_ message: M, _ continuation: CheckedContinuation<Void, any Error>) {
        guard !finished, !halfClosed else {
            // A call that already failed (its connection closed as it started, say) reports
            // that failure, not the write that came too late.
            let failure = finished ? received.withLock { $0.failure } : nil
            continuation.resume(
                throwing: failure ?? RPCError(code: .cancelled, message: halfClosed ? "the request stream is already finished" : "the call has already ended")
            )
            return
        }
        outbound.append(message, continuation)
        if id > 0 { connection?.session?.resumeData(streamID: id) }
        connection?.scheduleFlush()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> HTTP2DataChunk? {
        let count = outbound.read(into: buffer)
        if outbound.isEmpty, halfClosed {
            dataEnded = true
            return HTTP2DataChunk(count: count, end: .endStream)
        }
        return count > 0 ? HTTP2DataChunk(count: count, end: .more) : nil
    }

    func header(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        switch HeaderField(name) {
        case .status: httpStatus = String(decoding: value, as: UTF8.self)
        case .contentType:
            unexpectedContentType = HeaderField.mismatch(value, "application/grpc", prefix: true)
        case .grpcStatus: grpcStatus = String(decoding: value, as: UTF8.self)
        case .grpcMessage: grpcMessage = StatusMessage.decode(value)
        case .method, .path, .grpcTimeout, .grpcEncoding, .reserved: break
        case .metadata:
            let key = String(decoding: name, as: UTF8.self)
            if let metadataValue = ReceivedMetadata.metadataValue(name: key, value: value) {
                receivedMetadata.append(lowercasedKey: key, metadataValue)
            }
        }
    }

    func headersComplete(endStream: Bool) {
        headerBlocks += 1
        let wasFinished = finished
        interpretHeaders(endStream: endStream)
        // A header block that ended the call while the server keeps its side open (a non-gRPC
        // answer, or a status before any message) resets the stream: nothing more is read.
        if finished, !wasFinished, !endStream { resetOpenStream() }
    }

    private func interpretHeaders(endStream: Bool) {
        if headerBlocks == 1 {
            guard httpStatus == "200" else {
                let status = httpStatus
                if grpcStatus == nil {
                    return complete(.failure(RPCError(code: Self.code(forHTTPStatus: status), message: "HTTP status \(status) from \(method)")))
                }
                return finishWithStatus()
            }
            if grpcStatus == nil, let contentType = unexpectedContentType {
                return complete(.failure(RPCError(code: .unknown, message: "unexpected content-type '\(contentType)' from \(method)")))
            }
            if grpcStatus != nil || endStream {
                // Trailers-only response.
                return finishWithStatus()
            }
            let metadata = receivedMetadata
            receivedMetadata = Metadata()
            let waiters = received.withLock { state -> [CheckedContinuation<Metadata, any Error>] in
                state.initial = metadata
                defer { state.initialWaiters.removeAll() }
                return state.initialWaiters
            }
            for waiter in waiters { waiter.resume(returning: metadata) }
        } else {
            finishWithStatus()
        }
    }

    func data(_ bytes: UnsafeRawBufferPointer) {
        guard !finished else {
            connection?.consume(streamID: id, count: bytes.count)
            return
        }
        deframer.append(bytes)
        var messageBytes = 0
        do {
            while let message = try deframer.next() {
                messageBytes += message.readableBytes + 5
                inbound.deliver(message)
            }
        } catch {
            connection?.consume(streamID: id, count: bytes.count)
            resetOpenStream()
            complete(.failure(error))
            return
        }
        connection?.consume(streamID: id, count: credit.received(dataBytes: bytes.count, messageBytes: messageBytes))
    }

    /// RST_STREAM(CANCEL) for a call that ended while the server's side is still open. Called
    /// on the loop from nghttp2's callbacks: the reset goes out with the connection's next flush.
    private func resetOpenStream() {
        connection?.session?.submitReset(streamID: id, errorCode: UInt32(NGHTTP2_CANCEL.rawValue))
    }

    /// The caller took a message of `count` bytes.
    func messageTaken(_ count: Int) {
        connection?.consume(streamID: id, count: credit.taken(messageBytes: count))
    }

    private func finishWithStatus() {
        guard let status = grpcStatus, let code = Int(status) else {
            return complete(.failure(RPCError(code: .internal, message: "the response from \(method) carried no grpc-status")))
        }
        let message = grpcMessage ?? ""
        let metadata = receivedMetadata
        received.withLock { $0.trailing = metadata }
        if let errorCode = RPCError.Code(rawValue: code) {
            complete(.failure(RPCError(code: errorCode, message: message, metadata: metadata)))
        } else {
            complete(.success(()))
        }
    }

    /// The stream closed before its status arrived: the status gRPC's HTTP/2 mapping gives the
    /// server's RST_STREAM code (REFUSED_STREAM → UNAVAILABLE, CANCEL → CANCELLED, ENHANCE_YOUR_CALM
    /// → RESOURCE_EXHAUSTED, INADEQUATE_SECURITY → PERMISSION_DENIED, any other → INTERNAL).
    func closed(errorCode: UInt32) {
        guard !finished else { return }
        let error: RPCError
        switch errorCode {
        case NGHTTP2_NO_ERROR.rawValue:
            error = RPCError(code: .internal, message: "the stream of \(method) closed without a status")
        case NGHTTP2_REFUSED_STREAM.rawValue:
            error = RPCError(code: .unavailable, message: "the server refused the stream of \(method)")
        default:
            let code: RPCError.Code = switch errorCode {
            case NGHTTP2_CANCEL.rawValue: .cancelled
            case NGHTTP2_ENHANCE_YOUR_CALM.rawValue: .resourceExhausted
            case NGHTTP2_INADEQUATE_SECURITY.rawValue: .permissionDenied
            default: .internal
            }
            error = RPCError(code: code, message: "the server reset the stream of \(method) (HTTP/2 error \(errorCode))")
        }
        complete(.failure(error))
    }

    /// Ends the call locally (once).
    func complete(_ result: Result<Void, RPCError>) {
        guard !finished else { return }
        finished = true
        ended.store(true, ordering: .releasing)
        deadline?.cancel()
        deadline = nil
        var result = result
        if case .success = result, deframer.pendingBytes > 0 {
            result = .failure(RPCError(code: .internal, message: "the response of \(method) ended inside a message"))
        }
        let failure: RPCError? = if case .failure(let error) = result { error } else { nil }
        let waiters = received.withLock { state -> [CheckedContinuation<Metadata, any Error>] in
            state.failure = failure
            if failure == nil, state.initial == nil { state.initial = Metadata() }
            defer { state.initialWaiters.removeAll() }
            return state.initialWaiters
        }
        for waiter in waiters {
            if let failure { waiter.resume(throwing: failure) } else { waiter.resume(returning: Metadata()) }
        }
        inbound.finish(result)
        outbound.discard(failingWritersWith: failure ?? RPCError(code: .cancelled, message: "the call has ended"))
    }


    static func code(forHTTPStatus status: String) -> RPCError.Code {
        switch status {
        case "400": .internal
        case "401": .unauthenticated
        case "403": .permissionDenied
        case "404": .unimplemented
        case "429", "502", "503", "504": .unavailable
        default: .unknown
        }
    }
}
