import BatonProtobuf
import NIOCore

/// One call on a server connection. Its state belongs to the connection's event loop; the
/// handler task reaches it only through ``write(_:)`` and ``finish(_:)``, which hop there.
final class ServerStream: MessageSink, @unchecked Sendable {
    let id: Int32
    let eventLoop: any EventLoop
    unowned(unsafe) let connection: ServerConnectionHandler

    // Request headers, gathered by the header callback.
    var method: [UInt8] = []
    var path: [UInt8] = []
    var contentType: [UInt8] = []
    var timeout: [UInt8]?
    var encoding: [UInt8]?
    var metadata = Metadata()
    var headerBytes = 0
    var headerError: RPCError?

    // Request body.
    var deframer: MessageDeframer
    var inbound: InboundMessages?
    var remoteClosed = false
    var credit = InboundCredit()

    // Response.
    var context: ServerContext?
    /// Headers completed and the call counts as active (until `finished`).
    var isCall = false
    var task: Task<Void, Never>?
    var outbound = OutboundBuffer()
    var headersSent = false
    var pendingTrailers: HeaderBlock?
    /// The status is decided: nothing more is written.
    var finished = false
    /// nghttp2 has closed the stream.
    var closed = false
    var deadline: Scheduled<Void>?
    /// When the call started; set only when the server has a call observer.
    var startedAt: ContinuousClock.Instant?

    init(id: Int32, connection: ServerConnectionHandler, eventLoop: any EventLoop, maxMessageSize: Int) {
        self.id = id
        self.connection = connection
        self.eventLoop = eventLoop
        self.deframer = MessageDeframer(maxMessageSize: maxMessageSize)
    }

    // MARK: Handler side

    func write<M: ProtobufMessage>(_ message: M) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if eventLoop.inEventLoop {
                enqueue(message, continuation)
            } else {
                eventLoop.execute { self.enqueue(message, continuation) }
            }
        }
    }

    /// Ends the call with the handler's outcome (nil: OK).
    func finish(_ error: (any Error)?) {
        if eventLoop.inEventLoop {
            complete(with: Self.status(for: error))
        } else {
            eventLoop.execute { self.complete(with: Self.status(for: error)) }
        }
    }

    static func status(for error: (any Error)?) -> RPCError? {
        switch error {
        case nil: nil
        case let error as RPCError: error
        case is CancellationError: RPCError(code: .cancelled, message: "the handler was cancelled")
        case let error?: RPCError(code: .unknown, message: "handler failed: \(error)")
        }
    }

    // MARK: Event loop side

    private func enqueue<M: ProtobufMessage>(_ message: M, _ continuation: CheckedContinuation<Void, any Error>) {
        guard !finished else {
            continuation.resume(throwing: RPCError(code: .cancelled, message: "the call has already ended"))
            return
        }
        outbound.append(message, continuation)
        if !headersSent {
            sendHeaders()
        } else {
            connection.session?.resumeData(streamID: id)
        }
        connection.scheduleFlush()
    }

    private func sendHeaders() {
        headersSent = true
        var headers = HeaderBlock()
        headers.add(":status", "200")
        headers.add("content-type", "application/grpc")
        if let context {
            headers.add(context.responseMetadata.state.withLock { $0.initial })
        }
        let result = connection.session?.submitResponse(streamID: id, headers: headers, endStream: false) ?? 0
        if result != 0 { fail(RPCError(code: .internal, message: "cannot submit response: \(HTTP2Session.errorString(result))")) }
    }

    /// Sends the status (trailers, or a trailers-only response) unless one was already sent.
    func complete(with error: RPCError?) {
        guard !finished else { return }
        finished = true
        deadline?.cancel()
        deadline = nil
        connection.callEnded()
        if let startedAt, let observer = connection.callObserver, let context {
            observer.callFinished(method: context.method, status: error?.code, duration: .now - startedAt)
        }
        guard !closed else { return }
        var trailers = HeaderBlock()
        if !headersSent {
            trailers.add(":status", "200")
            trailers.add("content-type", "application/grpc")
        }
        trailers.add("grpc-status", String(error?.code.rawValue ?? 0))
        if let error, !error.message.isEmpty {
            trailers.add("grpc-message", StatusMessage.encode(error.message))
        }
        if let context {
            let metadata = context.responseMetadata.state.withLock { $0 }
            if !headersSent { trailers.add(metadata.initial) }
            trailers.add(metadata.trailing)
        }
        if let error { trailers.add(error.metadata) }
        if headersSent {
            pendingTrailers = trailers
            connection.session?.resumeData(streamID: id)
        } else {
            headersSent = true
            _ = connection.session?.submitResponse(streamID: id, headers: trailers, endStream: true)
        }
        inbound?.finish(.failure(error ?? RPCError(code: .cancelled, message: "the call has ended")))
        outbound.resumeWriters(throwing: RPCError(code: .cancelled, message: "the call has ended"))
        connection.scheduleFlush()
    }

    /// An error found by the transport (bad request, deadline): answer with it and stop the
    /// handler.
    func fail(_ error: RPCError) {
        task?.cancel()
        complete(with: error)
    }

    /// nghttp2 asks for response DATA.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> HTTP2DataChunk? {
        let count = outbound.read(into: buffer)
        if outbound.isEmpty, let trailers = pendingTrailers {
            pendingTrailers = nil
            connection.session?.submitTrailers(streamID: id, headers: trailers)
            return HTTP2DataChunk(count: count, end: .trailers)
        }
        return count > 0 ? HTTP2DataChunk(count: count, end: .more) : nil
    }

    /// nghttp2 closed the stream (after our END_STREAM, or a reset by either side).
    func streamClosed(errorCode: UInt32) {
        closed = true
        if !finished, !isCall {
            // Closed before its headers completed: no call was started.
            finished = true
        }
        if !finished {
            let error = RPCError(code: .cancelled, message: "the client cancelled the call (HTTP/2 error \(errorCode))")
            finished = true
            deadline?.cancel()
            connection.callEnded()
            task?.cancel()
            inbound?.finish(.failure(error))
            outbound.discard(failingWritersWith: error)
        } else {
            outbound.discard(failingWritersWith: RPCError(code: .cancelled, message: "the call has ended"))
        }
    }

}
