import NIOCore
import Synchronization

/// The server's open connections, for graceful shutdown. A connection leaves only once it has
/// closed, and closing ends every call on it: no connection left means no call left. (Calls
/// are counted per connection, on its event loop; a server-wide count would take a lock
/// shared by every loop twice per call.)
final class ConnectionTracker: Sendable {
    private struct Entry: @unchecked Sendable {
        let handler: ServerConnectionHandler
        let eventLoop: any EventLoop
    }

    private struct State {
        var connections: [ObjectIdentifier: Entry] = [:]
        var idleWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var draining = false
    }

    private let state = Mutex(State())

    func add(_ handler: ServerConnectionHandler, eventLoop: any EventLoop) {
        let drainNow = state.withLock { state -> Bool in
            state.connections[ObjectIdentifier(handler)] = Entry(handler: handler, eventLoop: eventLoop)
            return state.draining
        }
        if drainNow { handler.drain() }
    }

    func remove(_ handler: ServerConnectionHandler) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.connections[ObjectIdentifier(handler)] = nil
            return takeWaitersIfIdle(&state)
        }
        for waiter in waiters { waiter.resume() }
    }

    var connectionCount: Int { state.withLock { $0.connections.count } }

    private func takeWaitersIfIdle(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard state.connections.isEmpty else { return [] }
        let waiters = Array(state.idleWaiters.values)
        state.idleWaiters.removeAll()
        return waiters
    }

    /// Sends GOAWAY on every connection (and on any that opens from now on).
    func drainAll() {
        let entries = state.withLock { state -> [Entry] in
            state.draining = true
            return Array(state.connections.values)
        }
        for entry in entries {
            entry.eventLoop.execute { entry.handler.drain() }
        }
    }

    /// Ends every open call and closes every connection.
    func closeAll() {
        let entries = state.withLock { Array($0.connections.values) }
        for entry in entries {
            entry.eventLoop.execute { entry.handler.forceClose() }
        }
    }

    /// Returns when no connection is left, or when the task is cancelled.
    func waitUntilIdle() async {
        let id = state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if Task.isCancelled || state.connections.isEmpty { return true }
                    state.idleWaiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.idleWaiters.removeValue(forKey: id) }?.resume()
        }
    }
}
