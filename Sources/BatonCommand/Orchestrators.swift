import ArgumentParser
import BatonServer
import IdentityOperations
import IdentityOperationsInMemory
import Logging
import OrderFulfillment
import OrderFulfillmentInMemory

/// The composition root's list of hosted orchestrators, each built on the adapters the
/// settings choose. Swapping a backend happens here and nowhere else.
enum Orchestrators {
    /// What the in-memory backends start with, so that `baton serve` works with nothing else:
    /// three products in stock, a payment limit per customer, two tenants.
    enum DemoData {
        static let skus = ["WIDGET", "GADGET", "GIZMO"]
        static let stockPerSKU = 1_000_000
        /// A customer's charges are declined beyond this total (500.00).
        static let paymentLimitMinor: Int64 = 50_000
        static let tenants = ["acme", "globex"]
    }

    static func all(settings: ServerSettings, logger: Logger) throws -> [HostedOrchestrator] {
        switch settings.adapters {
        case .inMemory:
            let orders = OrderFulfillmentAdapters.inMemory(.defaults { $0.defaultPaymentLimitMinor = DemoData.paymentLimitMinor })
            for sku in DemoData.skus { orders.stock(sku: sku, quantity: DemoData.stockPerSKU) }
            let identity = IdentityOperationsAdapters.inMemory()
            for tenant in DemoData.tenants { identity.createTenant(tenant) }
            return [
                .orderFulfillment(OrderFulfillmentOrchestrator(services: orders.services, logger: logger)),
                .identityOperations(IdentityOperationsOrchestrator(services: identity.services, logger: logger)),
            ]
        case .rpc:
            throw ValidationError("--adapters rpc is not available in this build yet")
        }
    }
}
