import BatonContractTesting
import SupplyChainOperations

extension SupplyChainOperationsContract {
    static let receivableChecks: [Check] = [
        check("receivables: an invoice is issued once per key") { backend in
            let order = try await backend.services.salesOrders.createSalesOrder(salesOrderRequest, idempotencyKey: "so-1")
            let request = InvoiceRequest(salesOrderID: order.id, customerID: "C-1", amountMinor: 2_500, currency: "EUR")
            let invoice = try await backend.services.receivables.issueInvoice(request, idempotencyKey: "inv-1")
            try requireEqual(try await backend.services.receivables.issueInvoice(request, idempotencyKey: "inv-1"), invoice, "repeated invoice")
            try requireEqual(invoice.request.amountMinor, 2_500, "amount")
        },
        check("receivables: invoicing an unknown or cancelled order is refused") { backend in
            let receivables = backend.services.receivables
            try await requireRefusal(.notFound, "unknown order") {
                _ = try await receivables.issueInvoice(InvoiceRequest(salesOrderID: "SO-missing", customerID: "C-1", amountMinor: 1, currency: "EUR"), idempotencyKey: "inv-1")
            }
            let order = try await backend.services.salesOrders.createSalesOrder(salesOrderRequest, idempotencyKey: "so-1")
            _ = try await backend.services.salesOrders.cancelSalesOrder(id: order.id, idempotencyKey: "so-1/compensate")
            try await requireRefusal(.failedPrecondition, "cancelled order") {
                _ = try await receivables.issueInvoice(InvoiceRequest(salesOrderID: order.id, customerID: "C-1", amountMinor: 1, currency: "EUR"), idempotencyKey: "inv-2")
            }
        },
    ]

    static let valuationChecks: [Check] = [
        check("valuation: a posting is recorded once per key and reversed once") { backend in
            let valuation = backend.services.valuation
            let receipt = [ReceiptLine(sku: "WIDGET", quantity: 1, valueMinor: 100, weightGrams: 1)]
            let posting = ValuationPosting(
                receiptID: "GR-1",
                allocation: ChargeAllocation(charge: LandedCharge(kind: .freight, amountMinor: 30, basis: .value), amountsMinor: [30]),
                lines: receipt
            )
            let entry = try await valuation.postValuation(posting, idempotencyKey: "val-1")
            try requireEqual(try await valuation.postValuation(posting, idempotencyKey: "val-1"), entry, "repeated posting")
            let reversed = try await valuation.reverseValuation(id: entry.id, idempotencyKey: "val-1/reverse")
            try require(reversed.reversed, "reversal is marked")
            try requireEqual(try await valuation.reverseValuation(id: entry.id, idempotencyKey: "val-1/reverse"), reversed, "repeated reversal")
            try await requireRefusal(.notFound, "reverse an unknown entry") { _ = try await valuation.reverseValuation(id: "VAL-missing", idempotencyKey: "k") }
        },
        check("valuation: an allocation that does not add up to its charge is invalid") { backend in
            let receipt = [ReceiptLine(sku: "A", quantity: 1, valueMinor: 100, weightGrams: 1), ReceiptLine(sku: "B", quantity: 1, valueMinor: 100, weightGrams: 1)]
            let posting = ValuationPosting(
                receiptID: "GR-1",
                allocation: ChargeAllocation(charge: LandedCharge(kind: .duty, amountMinor: 31, basis: .value), amountsMinor: [15, 15]),
                lines: receipt
            )
            try await requireRefusal(.invalidArgument, "short allocation") { _ = try await backend.services.valuation.postValuation(posting, idempotencyKey: "val-1") }
        },
    ]

    static let salesHistoryChecks: [Check] = [
        check("sales history: the last periods, oldest first; none for an unknown item") { backend in
            try await backend.seeding.setSalesHistory(sku: "WIDGET", warehouseID: "WH-A", demand: [5, 6, 7, 8])
            let history = backend.services.salesHistory
            try requireEqual(try await history.demand(sku: "WIDGET", warehouseID: "WH-A", periods: 3), [6, 7, 8], "last three periods")
            try requireEqual(try await history.demand(sku: "WIDGET", warehouseID: "WH-A", periods: 10), [5, 6, 7, 8], "all there is")
            try requireEqual(try await history.demand(sku: "OTHER", warehouseID: "WH-A", periods: 3), [], "unknown item")
            try await requireRefusal(.invalidArgument, "zero periods") { _ = try await history.demand(sku: "WIDGET", warehouseID: "WH-A", periods: 0) }
        }
    ]
}
