import BatonAtomicAPI
import BatonReferenceServicesTesting
import SupplyChainOperations
import SupplyChainOperationsContractSuite
import SupplyChainOperationsRPC
import Synchronization

/// The contract suite's seeding over the wire: the reference services' own seed RPCs.
struct RPCSupplyChainSeeding: SupplyChainOperationsSeeding {
    let adapter: SupplyChainOperationsAdapters.RPC

    func addVendor(_ id: String) async throws {
        var request = Baton_Atomic_Procurement_V1_AddVendorRequest()
        request.vendorID = id
        request.idempotencyKey = "seed-vendor-\(id)"
        _ = try await adapter.procurementClient.addVendor(request)
    }

    func setStock(sku: String, warehouseID: String, onHand: Int64, reserved: Int64) async throws {
        var request = Baton_Atomic_Warehouse_V1_SetStockLevelRequest()
        request.level = .init(StockLevel(sku: sku, warehouseID: warehouseID, onHand: onHand, reserved: reserved))
        request.idempotencyKey = "seed-stock-\(sku)-\(warehouseID)-\(onHand)-\(reserved)"
        _ = try await adapter.warehouseClient.setStockLevel(request)
    }

    func setSalesHistory(sku: String, warehouseID: String, demand: [Int64]) async throws {
        var request = Baton_Atomic_Sales_V1_SetSalesHistoryRequest()
        request.sku = sku
        request.warehouseID = warehouseID
        request.demand = demand
        request.idempotencyKey = "seed-history-\(sku)-\(warehouseID)"
        _ = try await adapter.salesHistoryClient.setSalesHistory(request)
    }
}

/// A fresh reference-service process (in-process, on its own port) and adapter per backend;
/// ``shutdown()`` stops everything it started.
final class RPCSupplyChainFactory: SupplyChainOperationsBackendFactory {
    private let started = Mutex<[(RunningReferenceServices, SupplyChainOperationsAdapters.RPC)]>([])

    func makeBackend() async throws -> SupplyChainOperationsContractBackend {
        let services = try await RunningReferenceServices.started()
        let adapter = services.supplyChainAdapter()
        started.withLock { $0.append((services, adapter)) }
        return SupplyChainOperationsContractBackend(services: adapter.services, seeding: RPCSupplyChainSeeding(adapter: adapter))
    }

    func shutdown() async {
        for (services, adapter) in started.withLock({ $0 }) {
            await adapter.close()
            await services.stop()
        }
    }
}

extension RunningReferenceServices {
    /// A SupplyChainOperations RPC adapter over these services (no health checks running;
    /// calls time out after 2 s).
    func supplyChainAdapter() -> SupplyChainOperationsAdapters.RPC {
        SupplyChainOperationsAdapters.rpc(endpoints: [endpoint], configuration: .defaults { $0.timeout = .seconds(2) })
    }
}
