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
        var waiter: Waiter?

        var queued: Int { messages.count - head }

        /// The answer for a waiter that wants the only message: nil while it must wait.
        func onlyMessage(_ name: String) -> Result<ByteBuffer?, RPCError>? {
            if queued > 1 { return .failure(RPCError(code: .unimplemented, message: "expected one \(name) message, received more")) }
            switch end {
            case nil: return nil
            case .failure(let error)?: return .failure(error)
            case .success?: return .success(queued == 1 ? messages[head] : nil)
            }
        }
    }

    private enum Waiter {
        /// Waits for the next message or the end.
        case next(CheckedContinuation<ByteBuffer?, any Error>)
        /// Waits for the end of a stream that carries one message (named for errors), so that a
        /// unary response wakes its caller once, not once for the message and again for the end.
        case onlyMessage(CheckedContinuation<ByteBuffer?, any Error>, name: String)
    }

    private let state = Mutex(State())
    private let onConsume: @Sendable (Int) -> Void

    init(onConsume: @escaping @Sendable (Int) -> Void) {
        self.onConsume = onConsume
    }

    /// Adds a message (connection side).
    func deliver(_ message: ByteBuffer) {
        let answer = state.withLock { state -> (CheckedContinuation<ByteBuffer?, any Error>, Result<ByteBuffer?, RPCError>)? in
            guard state.end == nil else { return nil }
            switch state.waiter {
            case .next(let waiter)?:
                state.waiter = nil
                return (waiter, .success(message))
            case .onlyMessage(let waiter, let name)?:
                state.messages.append(message)
                guard case .failure(let error)? = state.onlyMessage(name) else { return nil }
                state.waiter = nil
                return (waiter, .failure(error))
            case nil:
                state.messages.append(message)
                return nil
            }
        }
        if let (waiter, result) = answer {
            if case .success = result { onConsume(message.readableBytes + 5) }
            waiter.resume(with: result)
        }
    }

    /// Ends the stream: normally (peer half-closed) or with an error. Later ends are ignored,
    /// except that an error replaces a normal end for messages not yet taken.
    func finish(_ result: Result<Void, RPCError>) {
        let answer = state.withLock { state -> (CheckedContinuation<ByteBuffer?, any Error>, Result<ByteBuffer?, RPCError>)? in
            if state.end != nil {
                // Nobody waits once the stream has ended: only the error may still matter.
                if case .success = state.end, case .failure = result, state.head < state.messages.count {
                    state.end = result
                }
                return nil
            }
            state.end = result
            defer { state.waiter = nil }
            switch state.waiter {
            case .next(let waiter)?:
                return (waiter, result.map { nil })
            case .onlyMessage(let waiter, let name)?:
                return state.onlyMessage(name).map { (waiter, $0) }
            case nil:
                return nil
            }
        }
        if let (waiter, result) = answer {
            if case .success(let message?) = result { onConsume(message.readableBytes + 5) }
            waiter.resume(with: result)
        }
    }

    /// The next message's bytes; nil at the end of the stream.
    nonisolated(nonsending) func nextBytes() async throws -> ByteBuffer? {
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
                            state.waiter = .next(continuation)
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
    nonisolated(nonsending) func next<M: ProtobufMessage>(_ type: M.Type) async throws -> M? {
        guard let bytes = try await nextBytes() else { return nil }
        return try Self.decode(M.self, bytes)
    }

    /// Exactly one message followed by the end of the stream (unary and server-streaming
    /// requests, unary and client-streaming responses).
    nonisolated(nonsending) func single<M: ProtobufMessage>(_ type: M.Type = M.self) async throws -> M {
        guard let bytes = try await onlyMessageBytes(M.protoMessageName) else {
            throw RPCError(code: .unimplemented, message: "expected one \(M.protoMessageName) message, received none")
        }
        return try Self.decode(M.self, bytes)
    }

    /// The stream's only message once it has ended; nil when it had none.
    private nonisolated(nonsending) func onlyMessageBytes(_ name: String) async throws -> ByteBuffer? {
        if let ready = state.withLock({ $0.onlyMessage(name) }) { return try handOver(ready) }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate = state.withLock { state -> Result<ByteBuffer?, RPCError>? in
                    if Task.isCancelled { return .failure(RPCError(code: .cancelled, message: "the call was cancelled")) }
                    if let ready = state.onlyMessage(name) { return ready }
                    state.waiter = .onlyMessage(continuation, name: name)
                    return nil
                }
                if let immediate { continuation.resume(with: Result { try handOver(immediate) }) }
            }
        } onCancel: {
            finish(.failure(RPCError(code: .cancelled, message: "the call was cancelled")))
        }
    }

    /// Returns the message of an answer found without waiting, counting it as taken.
    private func handOver(_ answer: Result<ByteBuffer?, RPCError>) throws(RPCError) -> ByteBuffer? {
        if case .success(let message?) = answer { onConsume(message.readableBytes + 5) }
        return try answer.get()
    }

    static func decode<M: ProtobufMessage>(_ type: M.Type, _ bytes: ByteBuffer) throws(RPCError) -> M {
        do {
            return try bytes.withUnsafeReadableBytes { (raw) throws(ProtobufDecodingError) in try M(serializedBytes: raw) }
        } catch {
            throw RPCError(code: .internal, message: "could not decode \(M.protoMessageName): \(error.message)", cause: error)
        }
    }
}
