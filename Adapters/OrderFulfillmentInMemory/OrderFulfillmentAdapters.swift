import OrderFulfillment

/// Implementations of OrderFulfillment's contracts, found through static factories.
public enum OrderFulfillmentAdapters {
    /// An in-memory backend implementing every OrderFulfillment contract, for tests and demos.
    public static func inMemory(_ configuration: InMemory.Configuration = .defaults) -> InMemory {
        InMemory(configuration: configuration)
    }
}
