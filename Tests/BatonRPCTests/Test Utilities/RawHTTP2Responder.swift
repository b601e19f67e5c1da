import NIOCore
import NIOPosix
import Synchronization

/// An HTTP/2 server on 127.0.0.1 written frame by frame, for answers no gRPC server gives: it
/// answers every request stream with one canned header block and a DATA frame, both without
/// END_STREAM (its side stays open), and records the RST_STREAM frames it receives.
final class RawHTTP2Responder: Sendable {
    /// A received RST_STREAM: stream id and HTTP/2 error code.
    struct Reset: Equatable, Sendable {
        var streamID: UInt32
        var errorCode: UInt32
    }

    /// The resets received, shared with the connections' handlers.
    private final class Resets: Sendable {
        let received = Mutex<[Reset]>([])
    }

    private let channel: any Channel
    private let resets = Resets()

    var port: Int { channel.localAddress!.port! }

    /// Serves `headerBlock` (HPACK, see ``Self/literalHeader(nameIndex:value:)``) as the response
    /// headers of every stream.
    init(headerBlock: [UInt8], group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        let resets = self.resets
        channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Connection(headerBlock: headerBlock, resets: resets))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    /// The resets received, once there are `count` of them or `timeout` passed.
    func resets(count: Int, within timeout: Duration = .seconds(5)) async throws -> [Reset] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while resets.received.withLock({ $0.count }) < count, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return resets.received.withLock { $0 }
    }

    func close() async throws {
        try await channel.close()
    }

    /// A header field in HPACK's "literal without indexing" form, its name from the static
    /// table (8 is `:status`, 31 `content-type`), its value not Huffman-coded.
    static func literalHeader(nameIndex: Int, value: String) -> [UInt8] {
        let prefix: [UInt8] = nameIndex < 15 ? [UInt8(nameIndex)] : [0x0F, UInt8(nameIndex - 15)]
        return prefix + [UInt8(value.utf8.count)] + Array(value.utf8)
    }

    private final class Connection: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        private let headerBlock: [UInt8]
        private let resets: Resets
        private var received: [UInt8] = []
        private var prefaceSeen = false

        init(headerBlock: [UInt8], resets: Resets) {
            self.headerBlock = headerBlock
            self.resets = resets
        }

        func channelActive(context: ChannelHandlerContext) {
            send(context, type: 0x4, flags: 0, stream: 0, payload: [])  // SETTINGS, all defaults
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            received += buffer.readBytes(length: buffer.readableBytes) ?? []
            if !prefaceSeen {
                guard received.count >= Self.preface.count else { return }
                guard Array(received.prefix(Self.preface.count)) == Self.preface else {
                    context.close(promise: nil)
                    return
                }
                received.removeFirst(Self.preface.count)
                prefaceSeen = true
            }
            while received.count >= 9 {
                let length = Int(received[0]) << 16 | Int(received[1]) << 8 | Int(received[2])
                guard received.count >= 9 + length else { break }
                let type = received[3]
                let flags = received[4]
                let stream = (UInt32(received[5]) << 24 | UInt32(received[6]) << 16 | UInt32(received[7]) << 8 | UInt32(received[8])) & 0x7FFF_FFFF
                let payload = Array(received[9..<(9 + length)])
                received.removeFirst(9 + length)
                frame(context, type: type, flags: flags, stream: stream, payload: payload)
            }
        }

        private func frame(_ context: ChannelHandlerContext, type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) {
            switch type {
            case 0x4 where flags & 0x1 == 0:  // SETTINGS: acknowledge
                send(context, type: 0x4, flags: 0x1, stream: 0, payload: [])
            case 0x1:  // HEADERS (a request): the canned answer, END_HEADERS but never END_STREAM
                send(context, type: 0x1, flags: 0x4, stream: stream, payload: headerBlock)
                send(context, type: 0x0, flags: 0, stream: stream, payload: Array("not a gRPC answer".utf8))
            case 0x3 where payload.count == 4:  // RST_STREAM
                let code = UInt32(payload[0]) << 24 | UInt32(payload[1]) << 16 | UInt32(payload[2]) << 8 | UInt32(payload[3])
                resets.received.withLock { $0.append(Reset(streamID: stream, errorCode: code)) }
            default:
                break
            }
        }

        private func send(_ context: ChannelHandlerContext, type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) {
            var frame = context.channel.allocator.buffer(capacity: 9 + payload.count)
            frame.writeBytes([UInt8(payload.count >> 16 & 0xFF), UInt8(payload.count >> 8 & 0xFF), UInt8(payload.count & 0xFF), type, flags])
            frame.writeInteger(stream)
            frame.writeBytes(payload)
            context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        }
    }
}
