import BatonContractTesting
import SupplyChainOperations

extension SupplyChainOperationsContract {
    static let salesOrderChecks: [Check] = [
        check("sales orders: create is idempotent per key") { backend in
            let sales = backend.services.salesOrders
            let first = try await sales.createSalesOrder(salesOrderRequest, idempotencyKey: "so-1")
            let again = try await sales.createSalesOrder(salesOrderRequest, idempotencyKey: "so-1")
            let other = try await sales.createSalesOrder(salesOrderRequest, idempotencyKey: "so-2")
            try requireEqual(again, first, "repeated create")
            try require(other.id != first.id, "another key creates another order")
            try requireEqual(first.status, .open, "new order status")
            try requireEqual(try await sales.salesOrder(id: first.id), first, "read back")
        },
        check("sales orders: cancel undoes create and is idempotent") { backend in
            let sales = backend.services.salesOrders
            let order = try await sales.createSalesOrder(salesOrderRequest, idempotencyKey: "so-1")
            let cancelled = try await sales.cancelSalesOrder(id: order.id, idempotencyKey: "so-1/compensate")
            try requireEqual(cancelled.status, .cancelled, "cancelled status")
            try requireEqual(try await sales.cancelSalesOrder(id: order.id, idempotencyKey: "so-1/compensate"), cancelled, "repeated cancel")
            try requireEqual(try await sales.salesOrder(id: order.id).status, .cancelled, "read back")
        },
        check("sales orders: unknown ids are not found") { backend in
            let sales = backend.services.salesOrders
            try await requireRefusal(.notFound, "read unknown order") { _ = try await sales.salesOrder(id: "SO-missing") }
            try await requireRefusal(.notFound, "cancel unknown order") { _ = try await sales.cancelSalesOrder(id: "SO-missing", idempotencyKey: "k") }
        },
        check("sales orders: an order without lines is invalid") { backend in
            let empty = SalesOrderRequest(reference: "web-1", customerID: "C-1", lines: [], currency: "EUR")
            try await requireRefusal(.invalidArgument, "empty order") {
                _ = try await backend.services.salesOrders.createSalesOrder(empty, idempotencyKey: "k")
            }
        },
    ]

    static let purchaseOrderChecks: [Check] = [
        check("purchase orders: an unknown vendor is not found") { backend in
            let request = PurchaseOrderRequest(vendorID: "V-missing", lines: lines, currency: "EUR")
            try await requireRefusal(.notFound, "unknown vendor") {
                _ = try await backend.services.purchaseOrders.createPurchaseOrder(request, idempotencyKey: "po-1")
            }
            try await requireRefusal(.notFound, "cancel unknown order") {
                _ = try await backend.services.purchaseOrders.cancelPurchaseOrder(id: "PO-missing", idempotencyKey: "k")
            }
        },
        check("purchase orders: create is idempotent; open orders list them by sku until cancelled") { backend in
            try await backend.seeding.addVendor("V-1")
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 0, reserved: 0)
            let orders = backend.services.purchaseOrders
            let day = CalendarDay(year: 2026, month: 12, day: 1)
            let request = PurchaseOrderRequest(vendorID: "V-1", lines: lines, currency: "EUR", warehouseID: "WH-A", expectedOn: day)
            let first = try await orders.createPurchaseOrder(request, idempotencyKey: "po-1")
            try requireEqual(try await orders.createPurchaseOrder(request, idempotencyKey: "po-1"), first, "repeated create")
            let second = try await orders.createPurchaseOrder(request, idempotencyKey: "po-2")
            try requireEqual(try await orders.openPurchaseOrders(sku: "WIDGET").map(\.id), [first.id, second.id], "open orders for the sku, by id")
            try requireEqual(try await orders.openPurchaseOrders(sku: "GADGET").count, 0, "open orders for another sku")
            let cancelled = try await orders.cancelPurchaseOrder(id: first.id, idempotencyKey: "po-1/compensate")
            try requireEqual(cancelled.status, .cancelled, "cancelled status")
            try requireEqual(try await orders.cancelPurchaseOrder(id: first.id, idempotencyKey: "po-1/compensate"), cancelled, "repeated cancel")
            try requireEqual(try await orders.openPurchaseOrders(sku: "WIDGET").map(\.id), [second.id], "the open order left after a cancel")
            try requireEqual(try await orders.purchaseOrder(id: first.id).status, .cancelled, "read back")
        },
    ]
}
