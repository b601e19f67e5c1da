import CNGHTTP2
import Logging
import NIOCore

/// One accepted connection: an nghttp2 server session driven from the channel, its streams,
/// and the limits that protect the server from a misbehaving peer.
/// Confined to its channel's event loop: every method runs there, which is what makes the
/// `@unchecked Sendable` sound (closures that capture it are scheduled on that loop).
///
/// Its mutable state is marked `@exclusivity(unchecked)`: being confined to one thread, it
/// cannot be accessed from two at once, and no access to it stays open across a call back into
/// the handler (nghttp2's callbacks read and write it between, never during, such accesses).
/// The runtime's dynamic exclusivity checks on it cost about 4% of the server's CPU per call,
/// with those of `ServerStream`. Keep new state on the same terms or leave the attribute off.
final class ServerConnectionHandler: ChannelInboundHandler, HTTP2SessionDelegate, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let configuration: RPCServer.Configuration
    var callObserver: (any RPCCallObserver)? { configuration.callObserver }
    /// Whether calls are timed for the observer (checked per call without copying it).
    private let observesCalls: Bool
    private let router: RPCRouter
    private let tracker: ConnectionTracker
    private let logger: Logger
    private let executor: EventLoopTaskExecutor
    @exclusivity(unchecked) private(set) var session: HTTP2Session?
    @exclusivity(unchecked) private var context: ChannelHandlerContext?
    @exclusivity(unchecked) private var streams: [Int32: ServerStream] = [:]
    /// The stream of the last lookup: nghttp2 reports a stream's frames in a row (its header
    /// block field by field, then its data), so most lookups need no hashing.
    @exclusivity(unchecked) private var lastStream: ServerStream?
    /// The method of the last call: clients call one method again and again, and comparing a
    /// path with it is cheaper than hashing the path.
    @exclusivity(unchecked) private var lastMethod: ServerMethodHandler?
    @exclusivity(unchecked) private var output = ByteBuffer()
    @exclusivity(unchecked) private var inRead = false
    @exclusivity(unchecked) private var flushScheduled = false
    @exclusivity(unchecked) private var activeCalls = 0
    /// Resets and protocol errors the peer may still cause, and when that was last worked out.
    @exclusivity(unchecked) private var errorAllowance: Double?
    @exclusivity(unchecked) private var errorAllowanceAt = NIODeadline.uptimeNanoseconds(0)
    @exclusivity(unchecked) private var receivedFrames = false
    @exclusivity(unchecked) private var handshakeTimer: Scheduled<Void>?
    /// Fires at the earliest time the connection may be idle for `idleTimeout`; nil while none
    /// is armed. Calls do not cancel it: when it fires it looks at `idleSince` and re-arms for
    /// the rest, so a connection serving call after call schedules no timer per call.
    @exclusivity(unchecked) private var idleTimer: Scheduled<Void>?
    /// When the last call ended; nil while calls are open.
    @exclusivity(unchecked) private var idleSince: NIODeadline?
    @exclusivity(unchecked) private var peer = ""
    @exclusivity(unchecked) private var draining = false
    @exclusivity(unchecked) private var flushing = false
    /// Set when the connection must close once what is queued (GOAWAY) has been written.
    @exclusivity(unchecked) private var closeAfterFlush = false

    init(configuration: RPCServer.Configuration, router: RPCRouter, tracker: ConnectionTracker, eventLoop: any EventLoop, logger: Logger) {
        self.configuration = configuration
        self.observesCalls = configuration.callObserver != nil
        self.router = router
        self.tracker = tracker
        self.logger = logger
        self.executor = EventLoopTaskExecutor(eventLoop: eventLoop)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.output = context.channel.allocator.buffer(capacity: 16 * 1024)
        do {
            var options = HTTP2SessionOptions()
            options.maxConcurrentStreams = configuration.maxConcurrentStreams
            options.maxHeaderListSize = UInt32(configuration.maxHeaderListSize)
            session = try HTTP2Session(role: .server, options: options, delegate: self)
        } catch {
            logger.error("cannot start HTTP/2 session: \(error)")
            context.close(promise: nil)
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        peer = context.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown"
        tracker.add(self, eventLoop: context.eventLoop)
        flush()
        // The timers capture the handler strongly and are cancelled when the channel closes:
        // a weak reference would give the handler a side table and make every retain of it,
        // several per request in the nghttp2 callbacks, take the runtime's slow path.
        handshakeTimer = context.eventLoop.scheduleTask(in: TimeAmount(configuration.handshakeTimeout)) {
            self.handshakeTimer = nil
            guard !self.receivedFrames else { return }
            self.logger.debug("closing connection from \(self.peer): no HTTP/2 preface within the handshake timeout")
            self.context?.close(promise: nil)
        }
        becameIdle()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        handshakeTimer = nil
        idleTimer?.cancel()
        idleTimer = nil
        let open = streams.values
        streams.removeAll()
        lastStream = nil
        for stream in open { stream.streamClosed(errorCode: UInt32(NGHTTP2_CANCEL.rawValue)) }
        session = nil
        tracker.remove(self)
        self.context = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        inRead = true
        defer { inRead = false }
        do {
            try buffer.withUnsafeReadableBytes { try session?.receive($0) }
            receivedFrames = true
        } catch {
            logger.debug("closing connection from \(peer): \(error)")
            flush()
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { flush() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error from \(peer): \(error)")
        context.close(promise: nil)
    }

    // MARK: Output

    /// Flushes soon: at the end of the current read, or on the next loop tick.
    func scheduleFlush() {
        guard !inRead, !flushScheduled, let context else { return }
        flushScheduled = true
        context.eventLoop.execute {
            self.flushScheduled = false
            self.flush()
        }
    }

    func flush() {
        // nghttp2 callbacks run inside session.send and may ask for a flush: never re-enter.
        guard !flushing, let context, let session else { return }
        flushing = true
        defer { flushing = false }
        guard context.channel.isWritable || output.readableBytes == 0 else { return }
        do {
            try session.send(into: &output)
        } catch {
            logger.debug("closing connection from \(peer): \(error)")
            context.close(promise: nil)
            return
        }
        if output.readableBytes > 0 {
            // Swap before writing: the write may re-enter flush() (writability changes).
            let chunk = output
            output = context.channel.allocator.buffer(capacity: 16 * 1024)
            context.writeAndFlush(wrapOutboundOut(chunk), promise: nil)
        }
        if !session.isAlive || closeAfterFlush {
            context.close(promise: nil)
        }
    }

    // MARK: Calls

    func callEnded() {
        activeCalls -= 1
        guard activeCalls == 0 else { return }
        if draining {
            closeWhenFlushed()
        } else {
            becameIdle()
        }
    }

    /// Sends what is pending (the last trailers, GOAWAY) and closes the connection.
    private func closeWhenFlushed() {
        guard let context else { return }
        context.eventLoop.execute {
            self.flush()
            self.context?.close(promise: nil)
        }
    }

    /// The last open call ended (or the connection opened): closes it after `idleTimeout`
    /// unless a call starts meanwhile.
    private func becameIdle() {
        let now = NIODeadline.now()
        idleSince = now
        if idleTimer == nil { armIdleTimer(at: now + TimeAmount(configuration.idleTimeout)) }
    }

    private func armIdleTimer(at deadline: NIODeadline) {
        guard let context else { return }
        idleTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            self.idleTimer = nil
            // Busy: the end of the last call arms the timer again.
            guard self.activeCalls == 0, let idleSince = self.idleSince else { return }
            let idleUntil = idleSince + TimeAmount(self.configuration.idleTimeout)
            if idleUntil > .now() { return self.armIdleTimer(at: idleUntil) }
            self.session?.submitGoAway(errorCode: UInt32(NGHTTP2_NO_ERROR.rawValue), debug: "idle")
            self.flush()
            self.context?.close(promise: nil)
        }
    }

    /// Begins a graceful shutdown: GOAWAY, let open calls finish; the session closes itself
    /// once they have.
    func drain() {
        guard !draining else { return }
        logger.debug("draining connection", metadata: ["peer": "\(peer)", "calls": "\(activeCalls)"])
        draining = true
        session?.submitGoAway(errorCode: UInt32(NGHTTP2_NO_ERROR.rawValue))
        flush()
        // Streams whose headers never completed are not calls: they do not hold shutdown up.
        if activeCalls == 0 {
            closeWhenFlushed()
        }
    }

    /// Ends every call now and closes the connection.
    func forceClose() {
        for stream in streams.values {
            stream.fail(RPCError(code: .unavailable, message: "the server is shutting down"))
        }
        flush()
        context?.close(promise: nil)
    }

    /// Counts a reset or protocol error that the peer caused against its allowance (a token
    /// bucket of `errorBurst`, refilled at `errorsPerSecond`); once it runs out the connection is
    /// closed (protects against floods of bad streams).
    private func countAbuse() {
        let now = NIODeadline.now()
        let burst = Double(configuration.errorBurst)
        let elapsed = Double((now - errorAllowanceAt).nanoseconds) / 1e9
        let allowance = min(burst, (errorAllowance ?? burst) + elapsed * configuration.errorsPerSecond) - 1
        (errorAllowance, errorAllowanceAt) = (allowance, now)
        if allowance < 0, !closeAfterFlush {
            logger.warning("closing connection from \(peer): more than \(configuration.errorBurst) protocol errors and resets in a burst")
            session?.submitGoAway(errorCode: UInt32(NGHTTP2_ENHANCE_YOUR_CALM.rawValue), debug: "too_many_errors")
            // Called from inside nghttp2 callbacks: flush and close from the event loop.
            closeAfterFlush = true
            context?.eventLoop.execute { self.flush() }
        }
    }

    // MARK: HTTP2SessionDelegate

    /// The method `path` names: the last call's when it is the same, as it usually is.
    private func method(forPath path: UnsafeRawBufferPointer) -> ServerMethodHandler? {
        if let lastMethod, lastMethod.matches(path: path) { return lastMethod }
        let method = router.table.handler(forPath: path)
        if method != nil { lastMethod = method }
        return method
    }

    private func stream(_ id: Int32) -> ServerStream? {
        if let lastStream, lastStream.id == id { return lastStream }
        guard let stream = streams[id] else { return nil }
        lastStream = stream
        return stream
    }

    func http2BeginHeaders(streamID: Int32) {
        guard stream(streamID) == nil, let context else { return }
        let stream = ServerStream(
            id: streamID,
            connection: self,
            eventLoop: context.eventLoop,
            maxMessageSize: configuration.maxReceiveMessageSize
        )
        streams[streamID] = stream
        lastStream = stream
    }

    func http2Header(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Bool {
        guard let stream = stream(streamID) else { return true }
        if stream.isCall { return true }  // trailers from a client: ignored
        stream.headerBytes += name.count + value.count + 32
        if stream.headerBytes > configuration.maxHeaderListSize {
            stream.headerError = RPCError(
                code: .resourceExhausted,
                message: "request headers exceed the limit of \(configuration.maxHeaderListSize) bytes"
            )
            return true
        }
        guard stream.headerError == nil else { return true }
        switch HeaderField(name) {
        case .method:
            stream.unexpectedMethod = HeaderField.mismatch(value, "POST")
        case .path:
            stream.handler = method(forPath: value)
            stream.unknownPath = stream.handler == nil ? String(decoding: value, as: UTF8.self) : ""
        case .contentType:
            stream.unexpectedContentType = HeaderField.mismatch(value, "application/grpc", prefix: true)
        case .grpcTimeout:
            stream.timeout = Timeout.parse(value)
            stream.malformedTimeout = stream.timeout == nil ? String(decoding: value, as: UTF8.self) : nil
        case .grpcEncoding:
            stream.unsupportedEncoding = HeaderField.mismatch(value, "identity")
        case .status, .grpcStatus, .grpcMessage, .reserved: break
        case .metadata:
            let key = String(decoding: name, as: UTF8.self)
            guard let metadataValue = ReceivedMetadata.metadataValue(name: key, value: value) else {
                stream.headerError = RPCError(code: .invalidArgument, message: "metadata '\(key)' is not valid base64")
                return true
            }
            stream.metadata.append(lowercasedKey: key, metadataValue)
        }
        return true
    }

    func http2HeadersComplete(streamID: Int32, endStream: Bool) {
        guard let stream = stream(streamID) else { return }
        if !stream.isCall, !stream.finished {
            start(stream)
        }
        if endStream { endOfRequest(stream) }
    }

    private func start(_ stream: ServerStream) {
        stream.isCall = true
        if observesCalls { stream.startedAt = .now }
        activeCalls += 1
        idleSince = nil
        let method = stream.handler
        let context = ServerContext(
            method: method?.descriptor ?? MethodDescriptor(service: "", method: stream.unknownPath),
            requestMetadata: stream.metadata,
            deadline: stream.timeout.map { .now + $0 },
            peer: peer
        )
        stream.context = context
        if let error = stream.headerError {
            return reject(stream, error)
        }
        if let method = stream.unexpectedMethod {
            return respondHTTP(stream, status: "405", message: "gRPC requires POST, got \(method)")
        }
        if let contentType = stream.unexpectedContentType {
            return respondHTTP(stream, status: "415", message: "invalid gRPC content-type '\(contentType)'")
        }
        if let encoding = stream.unsupportedEncoding {
            var error = RPCError(code: .unimplemented, message: "grpc-encoding '\(encoding)' is not supported")
            error.metadata.append("grpc-accept-encoding", "identity")
            return reject(stream, error)
        }
        if let malformed = stream.malformedTimeout {
            return reject(stream, RPCError(code: .invalidArgument, message: "malformed grpc-timeout '\(malformed)'"))
        }
        if let timeout = stream.timeout {
            // Strong: the stream cancels its deadline when it completes or closes.
            stream.deadline = self.context?.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                stream.fail(RPCError(code: .deadlineExceeded, message: "the deadline of \(timeout) expired"))
            }
        }
        guard let method else {
            let path = stream.unknownPath
            let service = path.split(separator: "/").first.map(String.init) ?? ""
            let message = router.services.contains(service)
                ? "method \(path) is not implemented"
                : "service '\(service)' is not implemented (path \(path))"
            return reject(stream, RPCError(code: .unimplemented, message: message))
        }
        let eventLoop = self.context!.eventLoop
        let streamID = stream.id
        // Strong, as the timers: the stream holding this closure leaves `streams` when it closes.
        let inbound = InboundMessages { count in
            if eventLoop.inEventLoop {
                self.messageTaken(streamID: streamID, count: count)
            } else {
                eventLoop.execute { self.messageTaken(streamID: streamID, count: count) }
            }
        }
        stream.inbound = inbound
        let call = ServerCall(requests: inbound, writer: stream, context: context)
        stream.task = Task(executorPreference: executor) {
            do {
                try await method.run(call)
                stream.finish(nil)
            } catch {
                stream.finish(error)
            }
        }
    }

    /// The handler took a message of `count` bytes off the queue.
    private func messageTaken(streamID: Int32, count: Int) {
        guard let session, let stream = stream(streamID) else { return }
        let credit = stream.credit.taken(messageBytes: count)
        if credit > 0 {
            session.consume(streamID: streamID, count: credit)
            scheduleFlush()
        }
    }

    private func reject(_ stream: ServerStream, _ error: RPCError) {
        countAbuse()
        stream.complete(with: error)
    }

    private func respondHTTP(_ stream: ServerStream, status: String, message: String) {
        countAbuse()
        stream.finished = true
        callEnded()
        var headers = HeaderBlock()
        headers.add(":status", status)
        headers.add("content-type", "text/plain")
        headers.add("grpc-status", String(RPCError.Code.unknown.rawValue))
        headers.add("grpc-message", StatusMessage.encode(message))
        _ = session?.submitResponse(streamID: stream.id, headers: headers, endStream: true)
    }

    private func endOfRequest(_ stream: ServerStream) {
        stream.remoteClosed = true
        if stream.deframer.pendingBytes > 0, !stream.finished {
            stream.fail(RPCError(code: .internal, message: "the request ended inside a message (\(stream.deframer.pendingBytes) bytes left over)"))
            return
        }
        stream.inbound?.finish(.success(()))
    }

    func http2Data(streamID: Int32, bytes: UnsafeRawBufferPointer) {
        guard let stream = stream(streamID), !stream.finished, let inbound = stream.inbound else {
            session?.consume(streamID: streamID, count: bytes.count)
            return
        }
        stream.deframer.append(bytes)
        var messageBytes = 0
        do {
            while let message = try stream.deframer.next() {
                messageBytes += message.readableBytes + 5
                inbound.deliver(message)
            }
        } catch {
            session?.consume(streamID: streamID, count: bytes.count)
            reject(stream, error)
            return
        }
        session?.consume(streamID: streamID, count: stream.credit.received(dataBytes: bytes.count, messageBytes: messageBytes))
    }

    func http2DataEndStream(streamID: Int32) {
        guard let stream = stream(streamID) else { return }
        endOfRequest(stream)
    }

    func http2StreamClosed(streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        if lastStream === stream { lastStream = nil }
        session?.consumeConnection(count: stream.credit.releaseAll())
        if errorCode != 0, !stream.finished { countAbuse() }
        stream.streamClosed(errorCode: errorCode)
    }

    func http2ReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> HTTP2DataChunk? {
        stream(streamID)?.read(into: buffer)
    }

    /// After the status, a client that is still sending gets RST_STREAM(NO_ERROR), so it stops
    /// sending a request nobody will read.
    func http2SentEndStream(streamID: Int32) {
        guard let stream = stream(streamID), !stream.remoteClosed else { return }
        session?.submitReset(streamID: streamID, errorCode: UInt32(NGHTTP2_NO_ERROR.rawValue))
        scheduleFlush()
    }

    func http2GoAway(lastStreamID: Int32, errorCode: UInt32) {}

    func http2ProtocolError() {
        countAbuse()
    }
}
