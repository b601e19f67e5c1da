import BatonProtobuf
import NIOCore

/// Splits a gRPC stream's DATA payload into length-prefixed messages (1 byte compressed
/// flag, 4 bytes big-endian length, the message). DATA frame boundaries are unrelated to
/// message boundaries. The length prefix is checked against the limit before any body is
/// buffered.
struct MessageDeframer {
    let maxMessageSize: Int
    private var buffer = ByteBuffer()

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.writeBytes(bytes)
    }

    /// The next complete message, nil when more bytes are needed.
    mutating func next() throws(RPCError) -> ByteBuffer? {
        guard let flag = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self)
        else { return nil }
        guard flag == 0 else {
            throw RPCError(
                code: .internal,
                message: "compressed message received but no grpc-encoding was negotiated (flag \(flag))"
            )
        }
        guard Int(length) <= maxMessageSize else {
            throw RPCError(
                code: .resourceExhausted,
                message: "message of \(length) bytes exceeds the maximum of \(maxMessageSize) bytes"
            )
        }
        guard buffer.readableBytes >= 5 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 5)
        let message = buffer.readSlice(length: Int(length))!
        // The message shares the buffer's storage: clearing it would copy, a fresh (empty) one does not.
        if buffer.readableBytes == 0 { buffer = ByteBuffer() } else if buffer.readerIndex > 65536 { buffer.discardReadBytes() }
        return message
    }

    /// Bytes of a message that has not fully arrived.
    var pendingBytes: Int { buffer.readableBytes }
}

extension ByteBuffer {
    /// Appends `message` with its gRPC length prefix.
    mutating func writeGRPCMessage<M: ProtobufMessage>(_ message: M) {
        message.withLowered { lowered in
            let size = lowered.packedSize
            reserveCapacity(minimumWritableBytes: 5 + size)
            writeInteger(UInt8(0))
            writeInteger(UInt32(size))
            if size > 0 {
                writeWithUnsafeMutableBytes(minimumWritableBytes: size) { buffer in
                    lowered.pack(into: buffer.baseAddress!)
                }
            }
        }
    }
}
