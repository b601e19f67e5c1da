public import BatonProtobuf
import NIOCore

/// The messages a peer sends on one call, in order: requests on the server, responses on the
/// client. Single consumer. Ends normally when the peer half-closes; throws ``RPCError`` when
/// the call fails (for example a message that cannot be decoded → `INTERNAL`).
public struct RPCRequestStream<Message: ProtobufMessage>: AsyncSequence, Sendable {
    public typealias Element = Message
    let source: InboundMessages

    init(_ source: InboundMessages) { self.source = source }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: InboundMessages

        public mutating func next() async throws -> Message? {
            try await source.next(Message.self)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source) }
}

/// Sends messages on one call: responses on the server, requests on the client.
///
/// `write` suspends while the peer is not reading fast enough (HTTP/2 flow control), so a
/// slow reader never makes either side buffer without bound.
public struct RPCWriter<Message: ProtobufMessage>: Sendable {
    let sink: any MessageSink

    init(_ sink: any MessageSink) { self.sink = sink }

    /// Sends one message.
    /// - Throws: ``RPCError`` (`CANCELLED`, `DEADLINE_EXCEEDED`, `UNAVAILABLE`) when the call
    ///   has ended and the message cannot be sent.
    public func write(_ message: Message) async throws {
        try await sink.write(message)
    }

    /// Sends every message of `messages`, in order.
    public func write(contentsOf messages: some Sequence<Message>) async throws {
        for message in messages { try await sink.write(message) }
    }
}

/// Where typed writers send their messages (a server response or a client request stream).
protocol MessageSink: Sendable {
    nonisolated(nonsending) func write<M: ProtobufMessage>(_ message: M) async throws
}
