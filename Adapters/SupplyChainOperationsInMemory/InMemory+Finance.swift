import SupplyChainOperations

extension SupplyChainOperationsAdapters.InMemory: Receivables {
    public func issueInvoice(_ request: InvoiceRequest, idempotencyKey: String) async throws -> Invoice {
        try await store.perform(.issueInvoice, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            let order = try state.existing(state.salesOrders, request.salesOrderID, "sales order")
            guard order.status == .open else { throw SupplyChainError(.failedPrecondition, "sales order '\(order.id)' is cancelled") }
            guard request.amountMinor > 0 else { throw SupplyChainError(.invalidArgument, "an invoice needs a positive amount") }
            return state.insert(\.invoices, prefix: "INV") { id in Invoice(id: id, request: request) }
        }
    }

    public func issueCreditNote(_ request: CreditNoteRequest, idempotencyKey: String) async throws -> CreditNote {
        try await store.perform(.issueCreditNote, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            let rma = try state.existing(state.returns, request.returnAuthorizationID, "return authorization")
            guard rma.status != .cancelled else { throw SupplyChainError(.failedPrecondition, "return '\(rma.id)' is cancelled") }
            guard request.amountMinor > 0 else { throw SupplyChainError(.invalidArgument, "a credit note needs a positive amount") }
            return state.insert(\.creditNotes, prefix: "CN") { id in CreditNote(id: id, request: request) }
        }
    }
}

extension SupplyChainOperationsAdapters.InMemory: InventoryValuation {
    public func postValuation(_ posting: ValuationPosting, idempotencyKey: String) async throws -> ValuationEntry {
        try await store.perform(.postValuation, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            let amounts = posting.allocation.amountsMinor
            guard amounts.count == posting.lines.count, amounts.reduce(0, +) == posting.allocation.charge.amountMinor else {
                throw SupplyChainError(.invalidArgument, "the allocation needs one amount per line adding up to the charge")
            }
            return state.insert(\.valuation, prefix: "VAL") { id in ValuationEntry(id: id, posting: posting, reversed: false) }
        }
    }

    public func reverseValuation(id: String, idempotencyKey: String) async throws -> ValuationEntry {
        try await store.perform(.reverseValuation, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            try state.update(\.valuation, id, "valuation entry") { $0.reversed = true }
        }
    }
}
