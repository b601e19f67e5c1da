import OrderFulfillment

extension OrderFulfillmentAdapters {
    /// An in-memory backend implementing every OrderFulfillment contract, for tests and demos.
    public static func inMemory(_ configuration: InMemory.Configuration = .defaults) -> InMemory {
        InMemory(configuration: configuration)
    }
}
