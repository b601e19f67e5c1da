import SupplyChainOperations

extension SupplyChainOperationsAdapters {
    /// A fresh in-memory backend playing every role; ``InMemory/services`` wires it into the orchestrator.
    public static func inMemory() -> InMemory {
        InMemory()
    }
}
