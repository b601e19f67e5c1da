import BatonProtobuf
import BatonRPC
import BatonWorkflow

/// One orchestrator package as the server hosts it: the workflows to register on the engine,
/// the listeners that receive published domain events, and its typed RPC services (e.g.
/// `baton.order_fulfillment.v1.OrderFulfillment`), made once the engine exists.
public struct HostedOrchestrator: Sendable {
    public var name: String
    public var workflows: [WorkflowDefinition]
    public var listeners: [any DomainEventListener]
    public var makeServices: @Sendable (WorkflowEngine) -> [any RPCService]
    /// The .proto files of those services, for server reflection.
    public var protoFiles: [ProtoFileDescriptor]

    public init(
        name: String,
        workflows: [WorkflowDefinition],
        listeners: [any DomainEventListener] = [],
        protoFiles: [ProtoFileDescriptor] = [],
        makeServices: @escaping @Sendable (WorkflowEngine) -> [any RPCService] = { _ in [] }
    ) {
        self.name = name
        self.workflows = workflows
        self.listeners = listeners
        self.protoFiles = protoFiles
        self.makeServices = makeServices
    }
}
