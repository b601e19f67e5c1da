import BatonProtobuf
import NIOCore

/// One call on a server connection. Its state belongs to the connection's event loop; the
/// handler task reaches it only through ``write(_:)`` and ``finish(_:)``, which hop there.
/// Its state is `@exclusivity(unchecked)` on the terms given at `ServerConnectionHandler`.
final class ServerStream: MessageSink, @unchecked Sendable {
    let id: Int32
    let eventLoop: any EventLoop
    unowned(unsafe) let connection: ServerConnectionHandler

    // Request headers, checked by the header callback as they arrive. A value is kept as text
    // only when the call is refused for it (for the error message).
    @exclusivity(unchecked) var handler: ServerMethodHandler?
    /// `:path`, when no handler matched it.
    @exclusivity(unchecked) var unknownPath = ""
    /// `:method` unless it is POST; a missing header is refused as empty.
    @exclusivity(unchecked) var unexpectedMethod: String? = ""
    /// `content-type` unless it is gRPC's; a missing header is refused as empty.
    @exclusivity(unchecked) var unexpectedContentType: String? = ""
    @exclusivity(unchecked) var timeout: Duration?
    @exclusivity(unchecked) var malformedTimeout: String?
    @exclusivity(unchecked) var unsupportedEncoding: String?
    @exclusivity(unchecked) var metadata = Metadata()
    @exclusivity(unchecked) var headerBytes = 0
    @exclusivity(unchecked) var headerError: RPCError?

    // Request body.
    @exclusivity(unchecked) var deframer: MessageDeframer
    @exclusivity(unchecked) var inbound: InboundMessages?
    @exclusivity(unchecked) var remoteClosed = false
    @exclusivity(unchecked) var credit = InboundCredit()

    // Response.
    @exclusivity(unchecked) var context: ServerContext?
    /// Headers completed and the call counts as active (until `finished`).
    @exclusivity(unchecked) var isCall = false
    @exclusivity(unchecked) var task: Task<Void, Never>?
    @exclusivity(unchecked) var outbound = OutboundBuffer()
    @exclusivity(unchecked) var headersSent = false
    @exclusivity(unchecked) var pendingTrailers: (any HTTP2HeaderFields)?
    /// The status is decided: nothing more is written.
    @exclusivity(unchecked) var finished = false
    /// nghttp2 has closed the stream.
    @exclusivity(unchecked) var closed = false
    @exclusivity(unchecked) var deadline: Scheduled<Void>?
    /// When the call started; set only when the server has a call observer.
    @exclusivity(unchecked) var startedAt: ContinuousClock.Instant?

    init(id: Int32, connection: ServerConnectionHandler, eventLoop: any EventLoop, maxMessageSize: Int) {
        self.id = id
        self.connection = connection
        self.eventLoop = eventLoop
        self.deframer = MessageDeframer(maxMessageSize: maxMessageSize)
    }

    // MARK: Handler side

    nonisolated(nonsending) func write<M: ProtobufMessage>(_ message: M) async throws {
        if eventLoop.inEventLoop {
            // The usual case: the handler runs on the connection's loop. While the buffer has
            // room, writing neither hops nor suspends.
            if try enqueue(message) { return }
            try await withCheckedThrowingContinuation { outbound.waitForRoom($0) }
        } else {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                eventLoop.execute {
                    do {
                        if try self.enqueue(message) { continuation.resume() } else { self.outbound.waitForRoom(continuation) }
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
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

    /// Queues `message` for sending. - Returns: whether the buffer has room for more.
    private func enqueue<M: ProtobufMessage>(_ message: M) throws(RPCError) -> Bool {
        guard !finished else { throw RPCError(code: .cancelled, message: "the call has already ended") }
        let room = outbound.append(message)
        if !headersSent {
            sendHeaders()
        } else {
            connection.session?.resumeData(streamID: id)
        }
        connection.scheduleFlush()
        return room
    }

    private func sendHeaders() {
        headersSent = true
        let metadata = context?.responseMetadata.withLock { $0.initial } ?? Metadata()
        let result: Int32
        if metadata.isEmpty {
            result = connection.session?.submitResponse(streamID: id, headers: StaticHeaderBlock.grpcResponse, endStream: false) ?? 0
        } else {
            var headers = HeaderBlock.grpcResponse()
            headers.add(metadata)
            result = connection.session?.submitResponse(streamID: id, headers: headers, endStream: false) ?? 0
        }
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
        let metadata = context?.responseMetadata.withLock { $0 }
        if headersSent {
            if error == nil, metadata?.trailing.isEmpty ?? true {
                pendingTrailers = StaticHeaderBlock.okTrailers
            } else {
                var trailers = HeaderBlock()
                Self.addStatus(error, trailing: metadata?.trailing, to: &trailers)
                pendingTrailers = trailers
            }
            connection.session?.resumeData(streamID: id)
        } else {
            headersSent = true
            var trailers = HeaderBlock.grpcResponse()
            if let metadata { trailers.add(metadata.initial) }
            Self.addStatus(error, trailing: metadata?.trailing, to: &trailers)
            _ = connection.session?.submitResponse(streamID: id, headers: trailers, endStream: true)
        }
        inbound?.finish(.failure(error ?? RPCError(code: .cancelled, message: "the call has ended")))
        outbound.resumeWriters(throwing: RPCError(code: .cancelled, message: "the call has ended"))
        connection.scheduleFlush()
    }

    /// The status fields of the trailers: code, message, trailing and error metadata.
    private static func addStatus(_ error: RPCError?, trailing: Metadata?, to trailers: inout HeaderBlock) {
        trailers.add("grpc-status", String(error?.code.rawValue ?? 0))
        if let error, !error.message.isEmpty {
            trailers.add("grpc-message", StatusMessage.encode(error.message))
        }
        if let trailing { trailers.add(trailing) }
        if let error { trailers.add(error.metadata) }
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
