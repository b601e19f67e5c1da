import SupplyChainOperations

/// Implementations of the SupplyChainOperations contracts, found through static factories.
public enum SupplyChainOperationsAdapters {
    /// A fresh in-memory backend playing every role; ``InMemory/services`` wires it into the orchestrator.
    public static func inMemory() -> InMemory {
        InMemory()
    }
}
