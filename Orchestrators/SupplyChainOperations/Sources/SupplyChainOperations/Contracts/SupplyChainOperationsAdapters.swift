/// The namespace of SupplyChainOperations' adapters: each adapter module adds its
/// implementation and a static factory (`SupplyChainOperationsAdapters.inMemory()`,
/// `SupplyChainOperationsAdapters.rpc(…)`), so a composition root can import several and pick
/// one by configuration.
public enum SupplyChainOperationsAdapters {}
