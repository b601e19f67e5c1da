/// The namespace of IdentityOperations' adapters: each adapter module adds its implementation
/// and a static factory (`IdentityOperationsAdapters.inMemory(…)`, `IdentityOperationsAdapters.rpc(…)`),
/// so a composition root can import several and pick one by configuration.
public enum IdentityOperationsAdapters {}
