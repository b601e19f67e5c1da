/// The namespace of OrderFulfillment's adapters: each adapter module adds its implementation
/// and a static factory (`OrderFulfillmentAdapters.inMemory(…)`, `OrderFulfillmentAdapters.rpc(…)`),
/// so a composition root can import several and pick one by configuration.
public enum OrderFulfillmentAdapters {}
