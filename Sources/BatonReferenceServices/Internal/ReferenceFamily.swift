import BatonRPC
import BatonRPCAdapterSupport

/// One family of reference services: the atomic services one orchestrator's RPC adapter calls,
/// with their truth in that orchestrator's in-memory adapter. ``ReferenceServices`` hosts every
/// family on one server, with health and reflection added once.
struct ReferenceFamily: Sendable {
    /// The fully qualified names of the atomic services the family hosts.
    var serviceNames: [String]
    /// The family's handlers, one per atomic service.
    var makeHandlers: @Sendable (ReferenceServices) -> [any RPCService]
    /// The methods that have an effect: faults and latency can be injected into them.
    var operations: [InjectableOperation]
}

/// A method with an effect, and how to inject a fault or latency into the in-memory
/// operation behind it.
struct InjectableOperation: Sendable {
    let method: MethodDescriptor
    /// Fails the next calls with the named code; false for a code the family cannot throw.
    let failNext: @Sendable (_ count: Int, _ code: String, _ afterEffect: Bool) -> Bool
    let addLatency: @Sendable (_ latency: Duration, _ calls: Int) -> Void

    /// An operation whose faults are `Failure`s (the family's orchestrator error).
    init<Failure: AtomicStatusError>(
        _ method: MethodDescriptor,
        failingWith _: Failure.Type,
        failNext: @escaping @Sendable (_ count: Int, _ code: Failure.Code, _ afterEffect: Bool) -> Void,
        addLatency: @escaping @Sendable (_ latency: Duration, _ calls: Int) -> Void
    ) {
        self.method = method
        self.failNext = { count, name, afterEffect in
            guard let error = Failure(injecting: name, message: "") else { return false }
            failNext(count, error.code, afterEffect)
            return true
        }
        self.addLatency = addLatency
    }

    /// Whether `name` names this method: `Charge`, `pkg.Service/Charge` or `/pkg.Service/Charge`.
    func isNamed(_ name: String) -> Bool {
        method.method == name || method.path == name || method.path == "/" + name
    }
}
