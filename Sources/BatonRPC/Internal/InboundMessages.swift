import BatonProtobuf
import NIOCore
import Synchronization

/// The messages received on one stream, handed from the connection (event loop) to one
/// consumer task. Every message taken returns its bytes to HTTP/2 flow control through
/// `onConsume`, so an idle consumer stops the peer instead of growing a buffer.
final class InboundMessages: Sendable {
    private struct State {
        var messages: [ByteBuffer] = []
        var head = 0
        var end: Result<Void, RPCError>?
        var waiter: CheckedContinuation<ByteBuffer?, any Error>?
    }

    private let state = Mutex(State())
    private let onConsume: @Sendable (Int) -> Void

    init(onConsume: @escaping @Sendable (Int) -> Void) {
        self.onConsume = onConsume
    }

    /// Adds a message (connection side).
    func deliver(_ message: ByteBuffer) {
        let waiter = state.withLock { state -> CheckedContinuation<ByteBuffer?, any Error>? in
            guard state.end == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.messages.append(message)
            return nil
        }
        if let waiter {
            onConsume(message.readableBytes + 5)
            waiter.resume(returning: message)
        }
    }

    /// Ends the stream: normally (peer half-closed) or with an error. Later ends are ignored,
    /// except that an error replaces a normal end for messages not yet taken.
    func finish(_ result: Result<Void, RPCError>) {
        let waiter = state.withLock { state -> CheckedContinuation<ByteBuffer?, any Error>? in
            if case .success = state.end, case .failure = result, state.head < state.messages.count {
                state.end = result
            } else if state.end == nil {
                state.end = result
            }
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        switch result {
        case .success: waiter?.resume(returning: nil)
        case .failure(let error): waiter?.resume(throwing: error)
        }
    }

    /// The next message's bytes; nil at the end of the stream.
    func nextBytes() async throws -> ByteBuffer? {
        enum Next { case message(ByteBuffer), end(Result<Void, RPCError>), wait }
        let next = state.withLock { state -> Next in
            if state.head < state.messages.count {
                let message = state.messages[state.head]
                state.head += 1
                if state.head == state.messages.count {
                    state.messages.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return .message(message)
            }
            if let end = state.end { return .end(end) }
            return .wait
        }
        switch next {
        case .message(let message):
            onConsume(message.readableBytes + 5)
            return message
        case .end(.success):
            return nil
        case .end(.failure(let error)):
            throw error
        case .wait:
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let immediate = state.withLock { state -> Result<ByteBuffer?, RPCError>? in
                        if Task.isCancelled { return .failure(RPCError(code: .cancelled, message: "the call was cancelled")) }
                        if state.head < state.messages.count {
                            let message = state.messages[state.head]
                            state.head += 1
                            return .success(message)
                        }
                        switch state.end {
                        case .success?: return .success(nil)
                        case .failure(let error)?: return .failure(error)
                        case nil:
                            state.waiter = continuation
                            return nil
                        }
                    }
                    if let immediate {
                        if case .success(let message?) = immediate { onConsume(message.readableBytes + 5) }
                        continuation.resume(with: immediate)
                    }
                }
            } onCancel: {
                finish(.failure(RPCError(code: .cancelled, message: "the call was cancelled")))
            }
        }
    }

    /// The next message decoded as `M`; nil at the end of the stream.
    func next<M: ProtobufMessage>(_ type: M.Type) async throws -> M? {
        guard let bytes = try await nextBytes() else { return nil }
        return try Self.decode(M.self, bytes)
    }

    /// Exactly one message followed by the end of the stream (unary and server-streaming
    /// requests, unary and client-streaming responses).
    func single<M: ProtobufMessage>(_ type: M.Type = M.self) async throws -> M {
        guard let message = try await next(M.self) else {
            throw RPCError(code: .unimplemented, message: "expected one \(M.protoMessageName) message, received none")
        }
        if try await nextBytes() != nil {
            throw RPCError(code: .unimplemented, message: "expected one \(M.protoMessageName) message, received more")
        }
        return message
    }

    static func decode<M: ProtobufMessage>(_ type: M.Type, _ bytes: ByteBuffer) throws(RPCError) -> M {
        do {
            return try bytes.withUnsafeReadableBytes { (raw) throws(ProtobufDecodingError) in try M(serializedBytes: raw) }
        } catch {
            throw RPCError(code: .internal, message: "could not decode \(M.protoMessageName): \(error.message)", cause: error)
        }
    }
}
