import BatonContractTesting
import SupplyChainOperations

extension SupplyChainOperationsContract {
    static func returnRequest(salesOrderID: String) -> ReturnAuthorizationRequest {
        ReturnAuthorizationRequest(reference: "ret-1", salesOrderID: salesOrderID, customerID: "C-1", lines: lines, currency: "EUR", warehouseID: "WH-A")
    }

    static let returnChecks: [Check] = [
        check("returns: authorization is idempotent; an unknown sales order is not found") { backend in
            let returns = backend.services.returns
            try await requireRefusal(.notFound, "unknown sales order") {
                _ = try await returns.authorizeReturn(returnRequest(salesOrderID: "SO-missing"), idempotencyKey: "rma-1")
            }
            let order = try await backend.services.salesOrders.createSalesOrder(salesOrderRequest, idempotencyKey: "so-1")
            let rma = try await returns.authorizeReturn(returnRequest(salesOrderID: order.id), idempotencyKey: "rma-1")
            try requireEqual(try await returns.authorizeReturn(returnRequest(salesOrderID: order.id), idempotencyKey: "rma-1"), rma, "repeated authorization")
            try requireEqual(rma.status, .authorized, "status")
            try requireEqual(try await returns.returnAuthorization(id: rma.id), rma, "read back")
            try await requireRefusal(.notFound, "read unknown return") { _ = try await returns.returnAuthorization(id: "RMA-missing") }
        },
        check("returns: inspection restocks resellable goods and scraps damaged ones") { backend in
            let order = try await backend.services.salesOrders.createSalesOrder(salesOrderRequest, idempotencyKey: "so-1")
            let returns = backend.services.returns
            let first = try await returns.authorizeReturn(returnRequest(salesOrderID: order.id), idempotencyKey: "rma-1")
            let second = try await returns.authorizeReturn(returnRequest(salesOrderID: order.id), idempotencyKey: "rma-2")
            try requireEqual(try await returns.recordInspection(returnID: first.id, condition: .resellable, idempotencyKey: "i-1").disposition, .restock, "resellable")
            try requireEqual(try await returns.recordInspection(returnID: second.id, condition: .damaged, idempotencyKey: "i-2").disposition, .scrap, "damaged")
            try requireEqual(try await returns.returnAuthorization(id: first.id).status, .inspected, "status after inspection")
            try await requireRefusal(.notFound, "inspect unknown return") {
                _ = try await returns.recordInspection(returnID: "RMA-missing", condition: .resellable, idempotencyKey: "i-3")
            }
        },
        check("returns: cancel undoes the authorization, once; a cancelled return gets no credit note") { backend in
            let order = try await backend.services.salesOrders.createSalesOrder(salesOrderRequest, idempotencyKey: "so-1")
            let returns = backend.services.returns
            let rma = try await returns.authorizeReturn(returnRequest(salesOrderID: order.id), idempotencyKey: "rma-1")
            let cancelled = try await returns.cancelReturn(id: rma.id, idempotencyKey: "rma-1/compensate")
            try requireEqual(cancelled.status, .cancelled, "cancelled status")
            try requireEqual(try await returns.cancelReturn(id: rma.id, idempotencyKey: "rma-1/compensate"), cancelled, "repeated cancel")
            try await requireRefusal(.failedPrecondition, "credit note for a cancelled return") {
                _ = try await backend.services.receivables.issueCreditNote(
                    CreditNoteRequest(returnAuthorizationID: rma.id, customerID: "C-1", amountMinor: 2_500, currency: "EUR"), idempotencyKey: "cn-1")
            }
            try await requireRefusal(.notFound, "cancel unknown return") { _ = try await returns.cancelReturn(id: "RMA-missing", idempotencyKey: "k") }
        },
        check("receivables: a credit note is issued once per key; an unknown return is not found") { backend in
            let order = try await backend.services.salesOrders.createSalesOrder(salesOrderRequest, idempotencyKey: "so-1")
            let rma = try await backend.services.returns.authorizeReturn(returnRequest(salesOrderID: order.id), idempotencyKey: "rma-1")
            let receivables = backend.services.receivables
            let request = CreditNoteRequest(returnAuthorizationID: rma.id, customerID: "C-1", amountMinor: 2_500, currency: "EUR")
            let note = try await receivables.issueCreditNote(request, idempotencyKey: "cn-1")
            try requireEqual(try await receivables.issueCreditNote(request, idempotencyKey: "cn-1"), note, "repeated credit note")
            try await requireRefusal(.notFound, "unknown return") {
                _ = try await receivables.issueCreditNote(
                    CreditNoteRequest(returnAuthorizationID: "RMA-missing", customerID: "C-1", amountMinor: 1, currency: "EUR"), idempotencyKey: "cn-2")
            }
        },
    ]
}
