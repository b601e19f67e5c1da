/// A fact another service announced (`OrderCreated`, `UserDeactivated`, …), routed to the
/// listeners that subscribed to its type.
public struct DomainEvent: Sendable, Hashable, Codable {
    /// The event's type name, e.g. `OrderCreated`.
    public var type: String
    /// Unique per event: a second event with the same id is a duplicate and is not delivered again.
    public var id: String
    /// The business key the event is about (an order id, a user id), when there is one.
    public var correlationID: String?
    public var payload: WorkflowValue

    public init(type: String, id: String, correlationID: String? = nil, payload: WorkflowValue = .null) {
        self.type = type
        self.id = id
        self.correlationID = correlationID
        self.payload = payload
    }

    /// The payload decoded as `T`.
    public func payload<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try payload.decode(T.self)
    }
}
