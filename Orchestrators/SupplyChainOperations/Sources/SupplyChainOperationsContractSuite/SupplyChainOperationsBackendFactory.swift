import SupplyChainOperations

/// Makes a fresh, empty set of SupplyChainOperations contract implementations per contract
/// check, with the seeding hooks the checks need. An in-memory backend implements it directly;
/// an RPC adapter's factory seeds the remote services through their test endpoints.
public protocol SupplyChainOperationsBackendFactory: Sendable {
    /// A backend no other check has touched.
    func makeBackend() async throws -> SupplyChainOperationsContractBackend
}

/// One fresh backend: the contracts under test and the hooks to put facts into it.
public struct SupplyChainOperationsContractBackend: Sendable {
    public var services: SupplyChainOperationsServices
    public var seeding: any SupplyChainOperationsSeeding

    public init(services: SupplyChainOperationsServices, seeding: any SupplyChainOperationsSeeding) {
        self.services = services
        self.seeding = seeding
    }
}

/// Facts a contract check needs before it can call the contracts. Nothing here is part of the
/// orchestrator's contracts: the real services get these facts from their own processes.
public protocol SupplyChainOperationsSeeding: Sendable {
    /// Registers a vendor purchase orders may be placed with.
    func addVendor(_ id: String) async throws
    /// Sets the stock of `sku` in `warehouseID`, registering the warehouse.
    func setStock(sku: String, warehouseID: String, onHand: Int64, reserved: Int64) async throws
    /// Sets the demand history of `sku` from `warehouseID`, oldest period first.
    func setSalesHistory(sku: String, warehouseID: String, demand: [Int64]) async throws
}
