import ArgumentParser
import BatonServer
import Foundation
import IdentityOperations
import IdentityOperationsInMemory
import IdentityOperationsRPC
import Logging
import OrderFulfillment
import OrderFulfillmentInMemory
import OrderFulfillmentRPC
import BatonRPC
import ServiceLifecycle
import SupplyChainOperations
import SupplyChainOperationsInMemory
import SupplyChainOperationsRPC

/// The composition root's list of hosted orchestrators, each built on the adapters the
/// settings choose. Swapping a backend happens here and nowhere else.
enum Orchestrators {
    /// What the in-memory backends start with, so that `baton serve` works with nothing else:
    /// three products in stock, a payment limit per customer, two tenants, and a supply chain of
    /// two warehouses, a vendor, stock, sales history and one open purchase order.
    enum DemoData {
        static let skus = ["WIDGET", "GADGET", "GIZMO"]
        static let stockPerSKU = 1_000_000
        /// A customer's charges are declined beyond this total (500.00).
        static let paymentLimitMinor: Int64 = 50_000
        static let tenants = ["acme", "globex"]

        /// The supply chain's warehouses and their stock (on hand, reserved) by sku.
        static let warehouses = ["WH-EAST", "WH-WEST"]
        static let warehouseStock: [(sku: String, warehouseID: String, onHand: Int64, reserved: Int64)] = [
            ("WIDGET", "WH-EAST", 240, 40), ("WIDGET", "WH-WEST", 30, 0),
            ("GADGET", "WH-EAST", 60, 10), ("GADGET", "WH-WEST", 150, 25),
            ("GIZMO", "WH-EAST", 12, 0), ("GIZMO", "WH-WEST", 8, 2),
        ]
        /// Units sold per week, oldest first, by sku (the same in both warehouses).
        static let weeklyDemand: [String: [Int64]] = [
            "WIDGET": [18, 22, 20, 25, 19, 24, 21, 23],
            "GADGET": [9, 11, 10, 12, 8, 10, 11, 9],
            "GIZMO": [3, 5, 4, 6, 5, 4, 6, 7],
        ]
        static let vendor = "ACME-SUPPLY"
        /// An open purchase order of 100 WIDGET into WH-EAST, due a week after the server starts.
        static let incomingWidgets: Int64 = 100
        static let incomingAfterDays = 7

        /// Puts the order demo data (stock of every demo sku) into a fresh in-memory backend,
        /// the composition root's or the reference services'.
        static func seed(_ orders: OrderFulfillmentAdapters.InMemory) {
            for sku in skus { orders.stock(sku: sku, quantity: stockPerSKU) }
        }

        /// Puts the identity demo data (the demo tenants) into a fresh in-memory backend, the
        /// composition root's or the reference services'.
        static func seed(_ identity: IdentityOperationsAdapters.InMemory) {
            for tenant in tenants { identity.createTenant(tenant) }
        }

        /// Puts the supply-chain demo data into a fresh in-memory backend, the composition
        /// root's or the reference services'.
        static func seed(_ supply: SupplyChainOperationsAdapters.InMemory) async throws {
            supply.addVendor(vendor)
            for warehouse in warehouses { supply.addWarehouse(warehouse) }
            for level in warehouseStock {
                supply.setStock(sku: level.sku, warehouseID: level.warehouseID, onHand: level.onHand, reserved: level.reserved)
            }
            for (sku, demand) in weeklyDemand {
                for warehouse in warehouses { supply.setSalesHistory(sku: sku, warehouseID: warehouse, demand: demand) }
            }
            let due = Date().addingTimeInterval(TimeInterval(incomingAfterDays * 24 * 3600))
            let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: due)
            let order = PurchaseOrderRequest(
                vendorID: vendor,
                lines: [OrderLine(sku: "WIDGET", quantity: incomingWidgets, unitPriceMinor: 450)],
                currency: "EUR",
                warehouseID: "WH-EAST",
                expectedOn: CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!)
            )
            _ = try await supply.createPurchaseOrder(order, idempotencyKey: "demo-incoming-widgets")
        }
    }

    /// What `baton serve` hosts, and the long-running parts its adapters need (health checks
    /// of the atomic services' endpoints), to run in its ServiceGroup.
    struct Composition {
        var orchestrators: [HostedOrchestrator]
        var services: [any Service]
    }

    /// With `--adapters rpc`, every orchestrator calls the atomic services (`baton services`,
    /// which seeds the same demo data) at `--services`.
    static func compose(settings: ServerSettings, logger: Logger) async throws -> Composition {
        let orderServices: OrderFulfillmentServices
        let identityServices: IdentityOperationsServices
        let supplyServices: SupplyChainOperationsServices
        var background: [any Service] = []
        switch settings.adapters {
        case .inMemory:
            let orders = OrderFulfillmentAdapters.inMemory(.defaults { $0.defaultPaymentLimitMinor = DemoData.paymentLimitMinor })
            DemoData.seed(orders)
            orderServices = orders.services
            let identity = IdentityOperationsAdapters.inMemory()
            DemoData.seed(identity)
            identityServices = identity.services
            let supply = SupplyChainOperationsAdapters.inMemory()
            try await DemoData.seed(supply)
            supplyServices = supply.services
        case .rpc:
            let orders = OrderFulfillmentAdapters.rpc(endpoints: settings.services)
            let identity = IdentityOperationsAdapters.rpc(endpoints: settings.services)
            let supply = SupplyChainOperationsAdapters.rpc(endpoints: settings.services)
            orderServices = orders.services
            identityServices = identity.services
            supplyServices = supply.services
            background = orders.backgroundServices + identity.backgroundServices + supply.backgroundServices
        }
        return Composition(
            orchestrators: [
                .orderFulfillment(OrderFulfillmentOrchestrator(services: orderServices, logger: logger)),
                .identityOperations(IdentityOperationsOrchestrator(services: identityServices, logger: logger)),
                .supplyChainOperations(SupplyChainOperationsOrchestrator(services: supplyServices, logger: logger)),
            ],
            services: background
        )
    }
}
