import CNGHTTP2
import NIOCore

/// The client side of one HTTP/2 connection: an nghttp2 client session and its streams.
/// Confined to its channel's event loop (hence `@unchecked Sendable`).
final class ClientConnectionHandler: ChannelInboundHandler, HTTP2SessionDelegate, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private(set) var session: HTTP2Session?
    private var context: ChannelHandlerContext?
    private var streams: [Int32: ClientStream] = [:]
    private var output = ByteBuffer()
    private var inRead = false
    private var flushScheduled = false
    private var flushing = false
    private(set) var isUsable = true
    private let authority: String
    private let onClose: @Sendable () -> Void

    init(authority: String, onClose: @escaping @Sendable () -> Void) {
        self.authority = authority
        self.onClose = onClose
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        output = context.channel.allocator.buffer(capacity: 16 * 1024)
        session = try? HTTP2Session(role: .client, options: HTTP2SessionOptions(), delegate: self)
        if context.channel.isActive { flush() }
    }

    func channelActive(context: ChannelHandlerContext) {
        flush()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isUsable = false
        let open = streams.values
        streams.removeAll()
        for stream in open {
            stream.complete(.failure(RPCError(code: .unavailable, message: "the connection to \(authority) closed")))
        }
        session = nil
        self.context = nil
        onClose()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        inRead = true
        defer { inRead = false }
        do {
            try buffer.withUnsafeReadableBytes { try session?.receive($0) }
        } catch {
            isUsable = false
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
        isUsable = false
        context.close(promise: nil)
    }

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
        do {
            try session.send(into: &output)
        } catch {
            isUsable = false
            context.close(promise: nil)
            return
        }
        if output.readableBytes > 0 {
            // Swap before writing: the write may re-enter flush() (writability changes).
            let chunk = output
            output = context.channel.allocator.buffer(capacity: 16 * 1024)
            context.writeAndFlush(wrapOutboundOut(chunk), promise: nil)
        }
        if !session.isAlive { context.close(promise: nil) }
    }

    /// Opens a stream for `stream`'s call (on the loop).
    func open(_ stream: ClientStream, options: CallOptions) {
        guard isUsable, let session else {
            return stream.complete(.failure(RPCError(code: .unavailable, message: "the connection to \(authority) is closed")))
        }
        var headers = HeaderBlock()
        headers.add(":method", "POST")
        headers.add(":scheme", "http")
        headers.add(":path", stream.method.path)
        headers.add(":authority", authority)
        headers.add("content-type", "application/grpc")
        headers.add("te", "trailers")
        headers.add("user-agent", "baton-rpc/1")
        if let timeout = options.timeout {
            headers.add("grpc-timeout", Timeout.encode(timeout))
            stream.deadline = context?.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [weak stream] in
                stream?.cancel(RPCError(code: .deadlineExceeded, message: "the deadline of \(timeout) expired before \(stream?.method.path ?? "the call") finished"))
            }
        }
        headers.add(options.metadata)
        let id = session.submitRequest(headers: headers)
        guard id > 0 else {
            return stream.complete(.failure(RPCError(code: .unavailable, message: "cannot open a stream to \(authority): \(HTTP2Session.errorString(id))")))
        }
        stream.id = id
        streams[id] = stream
        scheduleFlush()
    }

    func consume(streamID: Int32, count: Int) {
        guard let session, streamID > 0, count > 0 else { return }
        if streams[streamID] != nil {
            session.consume(streamID: streamID, count: count)
        } else {
            session.consumeConnection(count: count)
        }
        scheduleFlush()
    }

    func close() {
        isUsable = false
        session?.submitGoAway(errorCode: UInt32(NGHTTP2_NO_ERROR.rawValue))
        flush()
        context?.close(promise: nil)
    }

    // MARK: HTTP2SessionDelegate

    func http2BeginHeaders(streamID: Int32) {}

    func http2Header(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Bool {
        streams[streamID]?.header(name: name, value: value)
        return true
    }

    func http2HeadersComplete(streamID: Int32, endStream: Bool) {
        streams[streamID]?.headersComplete(endStream: endStream)
    }

    func http2Data(streamID: Int32, bytes: UnsafeRawBufferPointer) {
        if let stream = streams[streamID] {
            stream.data(bytes)
        } else {
            session?.consume(streamID: streamID, count: bytes.count)
        }
    }

    func http2DataEndStream(streamID: Int32) {
        // A response must end with trailers; END_STREAM on DATA means no status.
        streams[streamID]?.complete(.failure(RPCError(code: .internal, message: "the response ended without trailers")))
    }

    func http2StreamClosed(streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        session?.consumeConnection(count: stream.credit.releaseAll())
        stream.closed(errorCode: errorCode)
    }

    func http2ReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> HTTP2DataChunk? {
        streams[streamID]?.read(into: buffer)
    }

    func http2SentEndStream(streamID: Int32) {}

    func http2GoAway(lastStreamID: Int32, errorCode: UInt32) {
        isUsable = false
    }

    func http2ProtocolError() {}
}
