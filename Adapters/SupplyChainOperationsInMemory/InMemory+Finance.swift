import SupplyChainOperations

extension SupplyChainOperationsAdapters.InMemory: Receivables {
    public func issueInvoice(_ request: InvoiceRequest, idempotencyKey: String) async throws -> Invoice {
        try await perform(.issueInvoice, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            let order = try state.existing(state.salesOrders, request.salesOrderID, "sales order")
            guard order.status == .open else { throw SupplyChainError(.failedPrecondition, "sales order '\(order.id)' is cancelled") }
            guard request.amountMinor > 0 else { throw SupplyChainError(.invalidArgument, "an invoice needs a positive amount") }
            let invoice = Invoice(id: state.nextID("INV"), request: request)
            state.invoices[invoice.id] = invoice
            return invoice
        }
    }

    public func issueCreditNote(_ request: CreditNoteRequest, idempotencyKey: String) async throws -> CreditNote {
        try await perform(.issueCreditNote, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            let rma = try state.existing(state.returns, request.returnAuthorizationID, "return authorization")
            guard rma.status != .cancelled else { throw SupplyChainError(.failedPrecondition, "return '\(rma.id)' is cancelled") }
            guard request.amountMinor > 0 else { throw SupplyChainError(.invalidArgument, "a credit note needs a positive amount") }
            let note = CreditNote(id: state.nextID("CN"), request: request)
            state.creditNotes[note.id] = note
            return note
        }
    }
}

extension SupplyChainOperationsAdapters.InMemory: InventoryValuation {
    public func postValuation(_ posting: ValuationPosting, idempotencyKey: String) async throws -> ValuationEntry {
        try await perform(.postValuation, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            let amounts = posting.allocation.amountsMinor
            guard amounts.count == posting.lines.count, amounts.reduce(0, +) == posting.allocation.charge.amountMinor else {
                throw SupplyChainError(.invalidArgument, "the allocation needs one amount per line adding up to the charge")
            }
            let entry = ValuationEntry(id: state.nextID("VAL"), posting: posting, reversed: false)
            state.valuation[entry.id] = entry
            return entry
        }
    }

    public func reverseValuation(id: String, idempotencyKey: String) async throws -> ValuationEntry {
        try await perform(.reverseValuation, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            try state.update(\.valuation, id, "valuation entry") { $0.reversed = true }
        }
    }
}
