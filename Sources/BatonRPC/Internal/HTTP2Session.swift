import CNGHTTP2
import NIOCore

/// What an ``HTTP2Session`` reports while it parses frames. Implemented by the server and
/// client connection handlers; every call happens on the connection's event loop, inside
/// ``HTTP2Session/receive(_:)`` or ``HTTP2Session/send(into:)``.
protocol HTTP2SessionDelegate: AnyObject {
    /// A HEADERS frame opens (or continues) a header block on `streamID`.
    func http2BeginHeaders(streamID: Int32)
    /// One header field. Return false to reset the stream.
    func http2Header(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Bool
    /// A complete header block arrived (initial headers or trailers).
    func http2HeadersComplete(streamID: Int32, endStream: Bool)
    /// A chunk of DATA payload.
    func http2Data(streamID: Int32, bytes: UnsafeRawBufferPointer)
    /// The peer half-closed the stream with a DATA frame carrying END_STREAM.
    func http2DataEndStream(streamID: Int32)
    /// The stream is closed (HTTP/2 error code 0 = NO_ERROR).
    func http2StreamClosed(streamID: Int32, errorCode: UInt32)
    /// nghttp2 wants DATA for `streamID`: copy up to `buffer.count` bytes and say whether the
    /// data ends. Return nil when nothing is ready yet (the stream is deferred until resumed).
    func http2ReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> HTTP2DataChunk?
    /// This side sent a frame carrying END_STREAM on `streamID`.
    func http2SentEndStream(streamID: Int32)
    /// The peer sent GOAWAY.
    func http2GoAway(lastStreamID: Int32, errorCode: UInt32)
    /// nghttp2 detected a protocol error caused by the peer (counted against abuse limits).
    func http2ProtocolError()
}

/// How much ``HTTP2SessionDelegate/http2ReadData(streamID:into:)`` copied and what follows it.
struct HTTP2DataChunk {
    enum End {
        /// More data will follow.
        case more
        /// The data ends and the stream ends with it (END_STREAM on the last DATA frame).
        case endStream
        /// The data ends and trailers follow (the delegate submits them).
        case trailers
    }
    var count: Int
    var end: End
}

/// Settings and protections applied to a new session.
struct HTTP2SessionOptions {
    var maxConcurrentStreams: UInt32 = 100
    var initialWindowSize: UInt32 = 1 << 20
    var maxHeaderListSize: UInt32 = 8192
    /// Rapid Reset protection: a token bucket of stream resets the peer may cause.
    var streamResetBurst: UInt64 = 1000
    var streamResetRate: UInt64 = 33
    /// CONTINUATION flood protection.
    var maxContinuations: Int = 8
    var maxSettingsEntries: Int = 32
    var maxOutboundAcks: Int = 1000
}

/// One libnghttp2 session, bound to one connection and its event loop.
///
/// Owns the `nghttp2_session`; C callbacks reach the delegate through `user_data`. Not
/// thread-safe: use it on the connection's event loop only.
final class HTTP2Session {
    enum Role { case server, client }

    private var session: OpaquePointer?
    unowned(unsafe) var delegate: (any HTTP2SessionDelegate)?

    init(role: Role, options: HTTP2SessionOptions, delegate: any HTTP2SessionDelegate) throws {
        self.delegate = delegate
        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else {
            throw RPCError(code: .internal, message: "nghttp2_option_new failed")
        }
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_no_auto_window_update(option, 1)
        // Closed streams are kept only for RFC 7540 priorities, which Baton does not use.
        nghttp2_option_set_no_closed_streams(option, 1)
        nghttp2_option_set_stream_reset_rate_limit(option, options.streamResetBurst, options.streamResetRate)
        nghttp2_option_set_max_continuations(option, options.maxContinuations)
        nghttp2_option_set_max_settings(option, options.maxSettingsEntries)
        nghttp2_option_set_max_outbound_ack(option, options.maxOutboundAcks)
        nghttp2_option_set_peer_max_concurrent_streams(option, 100)

        let userData = Unmanaged.passUnretained(self).toOpaque()
        let result: Int32
        switch role {
        case .server: result = nghttp2_session_server_new2(&session, HTTP2Callbacks.shared.pointer, userData, option)
        case .client: result = nghttp2_session_client_new2(&session, HTTP2Callbacks.shared.pointer, userData, option)
        }
        guard result == 0 else {
            throw RPCError(code: .internal, message: "nghttp2 session creation failed: \(Self.errorString(result))")
        }
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: options.maxConcurrentStreams),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: options.initialWindowSize),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: options.maxHeaderListSize),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        // A generous connection window; streams are flow-controlled individually.
        nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, 1 << 24)
    }

    deinit {
        nghttp2_session_del(session)
    }

    static func errorString(_ code: Int32) -> String {
        String(cString: nghttp2_strerror(code))
    }

    /// Feeds bytes read from the socket. Throws when the peer broke the protocol so badly that
    /// the connection must close.
    func receive(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let result = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if result < 0 {
            throw RPCError(code: .unavailable, message: "HTTP/2 error: \(Self.errorString(Int32(result)))")
        }
    }

    /// Appends every frame nghttp2 has ready to `buffer`.
    func send(into buffer: inout ByteBuffer) throws {
        while true {
            var data: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &data)
            if count < 0 {
                throw RPCError(code: .unavailable, message: "HTTP/2 error: \(Self.errorString(Int32(count)))")
            }
            guard count > 0, let data else { return }
            buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: count))
        }
    }

    /// Whether the session still wants to read or write; false once it has ended (GOAWAY
    /// exchanged and no active streams, or a fatal error).
    var isAlive: Bool {
        nghttp2_session_want_read(session) != 0 || nghttp2_session_want_write(session) != 0
    }

    /// Submits response headers (server) with a data provider, or a headers-only response
    /// that ends the stream when `endStream` is true.
    func submitResponse(streamID: Int32, headers: some HTTP2HeaderFields, endStream: Bool) -> Int32 {
        return headers.withNV { nv, count in
            if endStream {
                return nghttp2_submit_response(session, streamID, nv, count, nil)
            }
            var provider = HTTP2Callbacks.dataProvider
            return nghttp2_submit_response(session, streamID, nv, count, &provider)
        }
    }

    /// Submits a request (client) whose body comes from the delegate's data callback.
    /// - Returns: the new stream id, or a negative nghttp2 error.
    func submitRequest(headers: some HTTP2HeaderFields) -> Int32 {
        headers.withNV { nv, count in
            var provider = HTTP2Callbacks.dataProvider
            return nghttp2_submit_request(session, nil, nv, count, &provider, nil)
        }
    }

    /// Submits trailers, which end the stream.
    @discardableResult
    func submitTrailers(streamID: Int32, headers: some HTTP2HeaderFields) -> Int32 {
        headers.withNV { nv, count in nghttp2_submit_trailer(session, streamID, nv, count) }
    }

    func submitReset(streamID: Int32, errorCode: UInt32) {
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode)
    }

    /// Sends GOAWAY with the last stream this side processed.
    func submitGoAway(errorCode: UInt32, debug: String = "") {
        let last = nghttp2_session_get_last_proc_stream_id(session)
        var debug = debug
        debug.withUTF8 { bytes in
            _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), last, errorCode, bytes.baseAddress, bytes.count)
        }
    }

    /// Tells nghttp2 that more DATA is ready for a deferred stream.
    func resumeData(streamID: Int32) {
        nghttp2_session_resume_data(session, streamID)
    }

    /// Returns flow-control credit for `count` received bytes that the application consumed.
    func consume(streamID: Int32, count: Int) {
        guard count > 0 else { return }
        nghttp2_session_consume(session, streamID, count)
    }

    /// Credit for DATA bytes that never reach the application (connection window only).
    func consumeConnection(count: Int) {
        guard count > 0 else { return }
        nghttp2_session_consume_connection(session, count)
    }

    // MARK: Callback entry points (called from HTTP2Callbacks)

    /// Runs `body` with the session `userData` points at, borrowed: no retain and release per
    /// callback (nghttp2 calls back once per header field).
    fileprivate static func with<R>(_ userData: UnsafeMutableRawPointer?, _ body: (HTTP2Session) -> R) -> R {
        Unmanaged<HTTP2Session>.fromOpaque(userData!)._withUnsafeGuaranteedRef(body)
    }
}

/// The single immutable nghttp2 callbacks table (C function pointers cannot capture).
private struct HTTP2Callbacks: @unchecked Sendable {
    let pointer: OpaquePointer

    static let shared = HTTP2Callbacks()

    static var dataProvider: nghttp2_data_provider {
        nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: readData)
    }

    private init() {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameRecv)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks, onInvalidFrame)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSend)
        nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks, onFrameNotSend)
        pointer = callbacks!
    }
}

private let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
    HTTP2Session.with(userData) { $0.delegate?.http2BeginHeaders(streamID: frame!.pointee.hd.stream_id) }
    return 0
}

private let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
    let accepted = HTTP2Session.with(userData) { session in
        session.delegate?.http2Header(
            streamID: frame!.pointee.hd.stream_id,
            name: UnsafeRawBufferPointer(start: name, count: nameLength),
            value: UnsafeRawBufferPointer(start: value, count: valueLength)
        ) ?? false
    }
    return accepted ? 0 : Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
}

private let onFrameRecv: nghttp2_on_frame_recv_callback = { _, frame, userData in
    HTTP2Session.with(userData) { session in frameReceived(frame!, by: session) }
    return 0
}

private func frameReceived(_ frame: UnsafePointer<nghttp2_frame>, by session: HTTP2Session) {
    let header = frame.pointee.hd
    let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
    switch Int(header.type) {
    case Int(NGHTTP2_HEADERS.rawValue):
        session.delegate?.http2HeadersComplete(streamID: header.stream_id, endStream: endStream)
    case Int(NGHTTP2_DATA.rawValue):
        if endStream { session.delegate?.http2DataEndStream(streamID: header.stream_id) }
    case Int(NGHTTP2_GOAWAY.rawValue):
        session.delegate?.http2GoAway(
            lastStreamID: frame.pointee.goaway.last_stream_id,
            errorCode: frame.pointee.goaway.error_code
        )
    default:
        break
    }
}

private let onFrameSend: nghttp2_on_frame_send_callback = { _, frame, userData in
    let header = frame!.pointee.hd
    let type = UInt32(header.type)
    if (type == NGHTTP2_HEADERS.rawValue || type == NGHTTP2_DATA.rawValue),
       header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 {
        HTTP2Session.with(userData) { $0.delegate?.http2SentEndStream(streamID: header.stream_id) }
    }
    return 0
}

/// A response's headers or trailers that nghttp2 refused to send because the header block is over
/// its 64 KiB limit: nghttp2 leaves the stream open, so it is reset, or its caller would wait for a
/// status forever. (Frames not sent because the stream closed meanwhile need nothing; a request's
/// HEADERS that fail close their stream in nghttp2 itself.)
private let onFrameNotSend: nghttp2_on_frame_not_send_callback = { session, frame, errorCode, _ in
    let header = frame!.pointee.hd
    if errorCode == NGHTTP2_ERR_FRAME_SIZE_ERROR.rawValue, UInt32(header.type) == NGHTTP2_HEADERS.rawValue,
       frame!.pointee.headers.cat != NGHTTP2_HCAT_REQUEST, header.stream_id > 0 {
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), header.stream_id, NGHTTP2_INTERNAL_ERROR.rawValue)
    }
    return 0
}

private let onDataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, streamID, data, length, userData in
    HTTP2Session.with(userData) { $0.delegate?.http2Data(streamID: streamID, bytes: UnsafeRawBufferPointer(start: data, count: length)) }
    return 0
}

private let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
    HTTP2Session.with(userData) { $0.delegate?.http2StreamClosed(streamID: streamID, errorCode: errorCode) }
    return 0
}

private let onInvalidFrame: nghttp2_on_invalid_frame_recv_callback = { _, _, _, userData in
    HTTP2Session.with(userData) { $0.delegate?.http2ProtocolError() }
    return 0
}

private let readData: nghttp2_data_source_read_callback = { _, streamID, buffer, length, flags, _, userData in
    let chunk = HTTP2Session.with(userData) { session in
        session.delegate?.http2ReadData(streamID: streamID, into: UnsafeMutableRawBufferPointer(start: buffer, count: length))
    }
    guard let chunk else {
        return Int(NGHTTP2_ERR_DEFERRED.rawValue)
    }
    switch chunk.end {
    case .more:
        break
    case .endStream:
        flags!.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue)
    case .trailers:
        flags!.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue) | UInt32(NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue)
    }
    return chunk.count
}

/// Header fields in the layout nghttp2 takes.
protocol HTTP2HeaderFields {
    /// Calls `body` with the fields as nghttp2 name/value pairs, valid during the call.
    func withNV<R>(_ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R
}

/// Header fields to submit, kept in one contiguous buffer for nghttp2 (which copies them).
struct HeaderBlock: HTTP2HeaderFields {
    private var bytes: [UInt8] = []
    private var fields: [(nameStart: Int, nameLength: Int, valueLength: Int)] = []

    init() {
        bytes.reserveCapacity(256)
        fields.reserveCapacity(8)
    }

    /// A response's first fields, `:status: 200` and `content-type: application/grpc` (as
    /// `StaticHeaderBlock.grpcResponse`), for a response that goes on with metadata.
    static func grpcResponse() -> HeaderBlock {
        var headers = HeaderBlock()
        headers.add(":status", "200")
        headers.add("content-type", "application/grpc")
        return headers
    }

    mutating func add(_ name: String, _ value: String) {
        var name = name
        var value = value
        let start = bytes.count
        name.withUTF8 { bytes.append(contentsOf: $0) }
        let nameLength = bytes.count - start
        value.withUTF8 { bytes.append(contentsOf: $0) }
        fields.append((start, nameLength, bytes.count - start - nameLength))
    }

    /// Adds every entry of `metadata`; binary values are base64-encoded (unpadded).
    mutating func add(_ metadata: Metadata) {
        for (key, value) in metadata {
            switch value {
            case .string(let string): add(key, string)
            case .binary(let data): add(key, Base64.encode(data))
            }
        }
    }

    func withNV<R>(_ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        bytes.withUnsafeBufferPointer { storage in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: fields.count) { nv in
                // nghttp2 takes mutable pointers but only reads (and copies) the fields.
                let base = UnsafeMutablePointer(mutating: storage.baseAddress)
                for (index, field) in fields.enumerated() {
                    nv.initializeElement(
                        at: index,
                        to: nghttp2_nv(
                            name: base! + field.nameStart,
                            value: base! + field.nameStart + field.nameLength,
                            namelen: field.nameLength,
                            valuelen: field.valueLength,
                            flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
                        )
                    )
                }
                return body(UnsafePointer(nv.baseAddress!), fields.count)
            }
        }
    }
}

/// Header fields that never change (the usual response headers, the OK status), laid out once
/// for the life of the process and submitted with nghttp2's no-copy flags: sending them costs no
/// allocation on either side.
final class StaticHeaderBlock: HTTP2HeaderFields, @unchecked Sendable {
    /// `:status: 200` and `content-type: application/grpc`: a response's headers without metadata.
    static let grpcResponse = StaticHeaderBlock([(":status", "200"), ("content-type", "application/grpc")])
    /// `grpc-status: 0`: the trailers of a successful call without trailing metadata.
    static let okTrailers = StaticHeaderBlock([("grpc-status", "0")])

    private let nv: UnsafeMutableBufferPointer<nghttp2_nv>

    private init(_ fields: [(name: StaticString, value: StaticString)]) {
        nv = .allocate(capacity: fields.count)
        let noCopy = UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue)
        for (index, field) in fields.enumerated() {
            nv.initializeElement(
                at: index,
                to: nghttp2_nv(
                    name: UnsafeMutablePointer(mutating: field.name.utf8Start),
                    value: UnsafeMutablePointer(mutating: field.value.utf8Start),
                    namelen: field.name.utf8CodeUnitCount,
                    valuelen: field.value.utf8CodeUnitCount,
                    flags: noCopy
                )
            )
        }
    }

    deinit { nv.deallocate() }

    func withNV<R>(_ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        body(UnsafePointer(nv.baseAddress!), nv.count)
    }
}
