import BatonAtomicAPI
import BatonReferenceServicesTesting
import OrderFulfillment
import OrderFulfillmentContractSuite
import OrderFulfillmentRPC
import Synchronization

/// The RPC adapter as a contract-suite backend: its seeding and inspection hooks call the
/// atomic services' own read and seed RPCs over the same sockets.
struct RPCOrderBackend: OrderFulfillmentTestBackend {
    let adapter: OrderFulfillmentAdapters.RPC

    var services: OrderFulfillmentServices { adapter.services }

    func stock(sku: String, quantity: Int) async throws {
        var request = Baton_Atomic_Inventory_V1_SetStockRequest()
        request.sku = sku
        request.quantity = Int64(quantity)
        request.idempotencyKey = "seed-\(sku)-\(quantity)"
        _ = try await adapter.inventoryClient.setStock(request)
    }

    func setPaymentLimit(customerID: String, limitMinor: Int64) async throws {
        var request = Baton_Atomic_Payment_V1_SetCustomerLimitRequest()
        request.customerID = customerID
        request.limitMinor = limitMinor
        _ = try await adapter.paymentClient.setCustomerLimit(request)
    }

    func available(sku: String) async throws -> Int {
        var request = Baton_Atomic_Inventory_V1_GetStockRequest()
        request.sku = sku
        return Int(try await adapter.inventoryClient.getStock(request).available)
    }

    func capturedMinor(customerID: String) async throws -> Int64 {
        var request = Baton_Atomic_Payment_V1_GetCustomerAccountRequest()
        request.customerID = customerID
        return try await adapter.paymentClient.getCustomerAccount(request).capturedMinor
    }

    func activeDeliveryCount(orderID: String) async throws -> Int {
        var request = Baton_Atomic_Shipping_V1_ListDeliveriesRequest()
        request.orderID = orderID
        return try await adapter.shippingClient.listDeliveries(request).deliveries.count
    }

    func notificationCount(orderID: String) async throws -> Int {
        var request = Baton_Atomic_Notifier_V1_CountNotificationsRequest()
        request.orderID = orderID
        return Int(try await adapter.notifierClient.countNotifications(request).count)
    }
}

/// A fresh reference-service process (in-process, on its own port) and adapter per backend;
/// ``shutdown()`` stops everything it started.
final class RPCOrderFactory: OrderFulfillmentBackendFactory {
    private let started = Mutex<[(RunningReferenceServices, OrderFulfillmentAdapters.RPC)]>([])

    func makeBackend() async throws -> any OrderFulfillmentTestBackend {
        let services = try await RunningReferenceServices.started()
        let adapter = services.adapter()
        started.withLock { $0.append((services, adapter)) }
        return RPCOrderBackend(adapter: adapter)
    }

    func shutdown() async {
        for (services, adapter) in started.withLock({ $0 }) {
            await adapter.close()
            await services.stop()
        }
    }
}
