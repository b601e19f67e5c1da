import BatonAtomicAPI
import SupplyChainOperations

// The wire form of SupplyChainOperations' DTOs, in both directions (the RPC adapter builds
// requests and reads responses; the reference services read requests and build responses).
// Enums travel as their raw names; an unknown name is `invalidArgument`.

extension OrderLine {
    public init(_ line: Baton_Atomic_Sales_V1_OrderLine) {
        self.init(sku: line.sku, quantity: line.quantity, unitPriceMinor: line.unitPriceMinor)
    }
}

extension Baton_Atomic_Sales_V1_OrderLine {
    public init(_ line: OrderLine) {
        self.init()
        sku = line.sku
        quantity = line.quantity
        unitPriceMinor = line.unitPriceMinor
    }
}

// MARK: Sales orders

extension SalesOrderRequest {
    public init(_ request: Baton_Atomic_Sales_V1_CreateSalesOrderRequest) {
        self.init(reference: request.reference, customerID: request.customerID, lines: request.lines.map(OrderLine.init), currency: request.currency)
    }
}

extension Baton_Atomic_Sales_V1_CreateSalesOrderRequest {
    public init(_ request: SalesOrderRequest, idempotencyKey: String) {
        self.init()
        reference = request.reference
        customerID = request.customerID
        lines = request.lines.map(Baton_Atomic_Sales_V1_OrderLine.init)
        currency = request.currency
        self.idempotencyKey = idempotencyKey
    }
}

extension SalesOrder {
    public init(_ order: Baton_Atomic_Sales_V1_SalesOrder) throws(SupplyChainError) {
        self.init(
            id: order.id, reference: order.reference, customerID: order.customerID, lines: order.lines.map(OrderLine.init),
            currency: order.currency, status: try wireEnum(order.status, "sales order status"))
    }
}

extension Baton_Atomic_Sales_V1_SalesOrder {
    public init(_ order: SalesOrder) {
        self.init()
        id = order.id
        reference = order.reference
        customerID = order.customerID
        lines = order.lines.map(Baton_Atomic_Sales_V1_OrderLine.init)
        currency = order.currency
        status = order.status.rawValue
    }
}

// MARK: Purchase orders

extension PurchaseOrderRequest {
    public init(_ terms: Baton_Atomic_Procurement_V1_PurchaseOrderTerms) throws(SupplyChainError) {
        var expected: CalendarDay?
        if let day = terms.expectedOn {
            let parts = day.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3 else { throw SupplyChainError(.invalidArgument, "expected_on must be YYYY-MM-DD, not '\(day)'") }
            expected = CalendarDay(year: parts[0], month: parts[1], day: parts[2])
        }
        self.init(
            vendorID: terms.vendorID, lines: terms.lines.map(OrderLine.init), currency: terms.currency, warehouseID: terms.warehouseID,
            salesOrderID: terms.salesOrderID, expectedOn: expected)
    }
}

extension Baton_Atomic_Procurement_V1_PurchaseOrderTerms {
    public init(_ request: PurchaseOrderRequest) {
        self.init()
        vendorID = request.vendorID
        lines = request.lines.map(Baton_Atomic_Sales_V1_OrderLine.init)
        currency = request.currency
        warehouseID = request.warehouseID
        salesOrderID = request.salesOrderID
        expectedOn = request.expectedOn?.description
    }
}

extension PurchaseOrder {
    public init(_ order: Baton_Atomic_Procurement_V1_PurchaseOrder) throws(SupplyChainError) {
        self.init(
            id: order.id, request: try PurchaseOrderRequest(order.terms ?? .init()), status: try wireEnum(order.status, "purchase order status"))
    }
}

extension Baton_Atomic_Procurement_V1_PurchaseOrder {
    public init(_ order: PurchaseOrder) {
        self.init()
        id = order.id
        terms = .init(order.request)
        status = order.status.rawValue
    }
}

// MARK: Stock, movements, transfers

extension StockLevel {
    public init(_ level: Baton_Atomic_Warehouse_V1_StockLevel) {
        self.init(sku: level.sku, warehouseID: level.warehouseID, onHand: level.onHand, reserved: level.reserved)
    }
}

extension Baton_Atomic_Warehouse_V1_StockLevel {
    public init(_ level: StockLevel) {
        self.init()
        sku = level.sku
        warehouseID = level.warehouseID
        onHand = level.onHand
        reserved = level.reserved
    }
}

extension StockMovementRequest {
    public init(_ movement: Baton_Atomic_Warehouse_V1_Movement) throws(SupplyChainError) {
        self.init(
            kind: try wireEnum(movement.kind, "movement kind"), warehouseID: movement.warehouseID,
            lines: movement.lines.map { ItemQuantity(sku: $0.sku, quantity: $0.quantity) }, reason: movement.reason)
    }
}

extension Baton_Atomic_Warehouse_V1_Movement {
    public init(_ request: StockMovementRequest) {
        self.init()
        kind = request.kind.rawValue
        warehouseID = request.warehouseID
        lines = request.lines.map { line in
            var item = Baton_Atomic_Warehouse_V1_ItemQuantity()
            item.sku = line.sku
            item.quantity = line.quantity
            return item
        }
        reason = request.reason
    }
}

extension StockMovement {
    public init(_ movement: Baton_Atomic_Warehouse_V1_StockMovement) throws(SupplyChainError) {
        self.init(id: movement.id, request: try StockMovementRequest(movement.movement ?? .init()), reversed: movement.reversed)
    }
}

extension Baton_Atomic_Warehouse_V1_StockMovement {
    public init(_ movement: StockMovement) {
        self.init()
        id = movement.id
        self.movement = .init(movement.request)
        reversed = movement.reversed
    }
}

extension TransferRequest {
    public init(_ transfer: Baton_Atomic_Warehouse_V1_Transfer) {
        self.init(sku: transfer.sku, fromWarehouseID: transfer.fromWarehouseID, toWarehouseID: transfer.toWarehouseID, quantity: transfer.quantity)
    }
}

extension Baton_Atomic_Warehouse_V1_Transfer {
    public init(_ request: TransferRequest) {
        self.init()
        sku = request.sku
        fromWarehouseID = request.fromWarehouseID
        toWarehouseID = request.toWarehouseID
        quantity = request.quantity
    }
}

extension TransferReceipt {
    public init(_ receipt: Baton_Atomic_Warehouse_V1_TransferReceipt) {
        self.init(transferID: receipt.transferID, request: TransferRequest(receipt.transfer ?? .init()), reversed: receipt.reversed)
    }
}

extension Baton_Atomic_Warehouse_V1_TransferReceipt {
    public init(_ receipt: TransferReceipt) {
        self.init()
        transferID = receipt.transferID
        transfer = .init(receipt.request)
        reversed = receipt.reversed
    }
}

// MARK: Receivables

extension InvoiceRequest {
    public init(_ terms: Baton_Atomic_Receivable_V1_InvoiceTerms) {
        self.init(
            salesOrderID: terms.salesOrderID, customerID: terms.customerID, amountMinor: terms.amountMinor, currency: terms.currency,
            shipmentReference: terms.shipmentReference)
    }
}

extension Baton_Atomic_Receivable_V1_InvoiceTerms {
    public init(_ request: InvoiceRequest) {
        self.init()
        salesOrderID = request.salesOrderID
        customerID = request.customerID
        amountMinor = request.amountMinor
        currency = request.currency
        shipmentReference = request.shipmentReference
    }
}

extension Invoice {
    public init(_ invoice: Baton_Atomic_Receivable_V1_Invoice) {
        self.init(id: invoice.id, request: InvoiceRequest(invoice.terms ?? .init()))
    }
}

extension Baton_Atomic_Receivable_V1_Invoice {
    public init(_ invoice: Invoice) {
        self.init()
        id = invoice.id
        terms = .init(invoice.request)
    }
}

extension CreditNoteRequest {
    public init(_ terms: Baton_Atomic_Receivable_V1_CreditNoteTerms) {
        self.init(returnAuthorizationID: terms.returnAuthorizationID, customerID: terms.customerID, amountMinor: terms.amountMinor, currency: terms.currency)
    }
}

extension Baton_Atomic_Receivable_V1_CreditNoteTerms {
    public init(_ request: CreditNoteRequest) {
        self.init()
        returnAuthorizationID = request.returnAuthorizationID
        customerID = request.customerID
        amountMinor = request.amountMinor
        currency = request.currency
    }
}

extension CreditNote {
    public init(_ note: Baton_Atomic_Receivable_V1_CreditNote) {
        self.init(id: note.id, request: CreditNoteRequest(note.terms ?? .init()))
    }
}

extension Baton_Atomic_Receivable_V1_CreditNote {
    public init(_ note: CreditNote) {
        self.init()
        id = note.id
        terms = .init(note.request)
    }
}

// MARK: Returns

extension ReturnAuthorizationRequest {
    public init(_ request: Baton_Atomic_Sales_V1_AuthorizeReturnRequest) {
        self.init(
            reference: request.reference, salesOrderID: request.salesOrderID, customerID: request.customerID,
            lines: request.lines.map(OrderLine.init), currency: request.currency, warehouseID: request.warehouseID)
    }
}

extension Baton_Atomic_Sales_V1_AuthorizeReturnRequest {
    public init(_ request: ReturnAuthorizationRequest, idempotencyKey: String) {
        self.init()
        reference = request.reference
        salesOrderID = request.salesOrderID
        customerID = request.customerID
        lines = request.lines.map(Baton_Atomic_Sales_V1_OrderLine.init)
        currency = request.currency
        warehouseID = request.warehouseID
        self.idempotencyKey = idempotencyKey
    }
}

extension ReturnAuthorization {
    public init(_ rma: Baton_Atomic_Sales_V1_ReturnAuthorization) throws(SupplyChainError) {
        let request = ReturnAuthorizationRequest(
            reference: rma.reference, salesOrderID: rma.salesOrderID, customerID: rma.customerID, lines: rma.lines.map(OrderLine.init),
            currency: rma.currency, warehouseID: rma.warehouseID)
        self.init(id: rma.id, request: request, status: try wireEnum(rma.status, "return status"))
    }
}

extension Baton_Atomic_Sales_V1_ReturnAuthorization {
    public init(_ rma: ReturnAuthorization) {
        self.init()
        id = rma.id
        reference = rma.request.reference
        salesOrderID = rma.request.salesOrderID
        customerID = rma.request.customerID
        lines = rma.request.lines.map(Baton_Atomic_Sales_V1_OrderLine.init)
        currency = rma.request.currency
        warehouseID = rma.request.warehouseID
        status = rma.status.rawValue
    }
}

extension Inspection {
    public init(_ inspection: Baton_Atomic_Sales_V1_Inspection) throws(SupplyChainError) {
        self.init(
            returnAuthorizationID: inspection.returnAuthorizationID, condition: try wireEnum(inspection.condition, "item condition"),
            disposition: try wireEnum(inspection.disposition, "disposition"))
    }
}

extension Baton_Atomic_Sales_V1_Inspection {
    public init(_ inspection: Inspection) {
        self.init()
        returnAuthorizationID = inspection.returnAuthorizationID
        condition = inspection.condition.rawValue
        disposition = inspection.disposition.rawValue
    }
}

// MARK: Valuation

extension ReceiptLine {
    public init(_ line: Baton_Atomic_Valuation_V1_ReceiptLine) {
        self.init(sku: line.sku, quantity: line.quantity, valueMinor: line.valueMinor, weightGrams: line.weightGrams)
    }
}

extension Baton_Atomic_Valuation_V1_ReceiptLine {
    public init(_ line: ReceiptLine) {
        self.init()
        sku = line.sku
        quantity = line.quantity
        valueMinor = line.valueMinor
        weightGrams = line.weightGrams
    }
}

extension ValuationPosting {
    public init(_ posting: Baton_Atomic_Valuation_V1_Posting) throws(SupplyChainError) {
        let wire = posting.charge ?? .init()
        let charge = LandedCharge(kind: try wireEnum(wire.kind, "charge kind"), amountMinor: wire.amountMinor, basis: try wireEnum(wire.basis, "allocation basis"))
        self.init(
            receiptID: posting.receiptID, allocation: ChargeAllocation(charge: charge, amountsMinor: posting.amountsMinor),
            lines: posting.lines.map(ReceiptLine.init))
    }
}

extension Baton_Atomic_Valuation_V1_Posting {
    public init(_ posting: ValuationPosting) {
        self.init()
        receiptID = posting.receiptID
        var charge = Baton_Atomic_Valuation_V1_LandedCharge()
        charge.kind = posting.allocation.charge.kind.rawValue
        charge.amountMinor = posting.allocation.charge.amountMinor
        charge.basis = posting.allocation.charge.basis.rawValue
        self.charge = charge
        amountsMinor = posting.allocation.amountsMinor
        lines = posting.lines.map(Baton_Atomic_Valuation_V1_ReceiptLine.init)
    }
}

extension ValuationEntry {
    public init(_ entry: Baton_Atomic_Valuation_V1_ValuationEntry) throws(SupplyChainError) {
        self.init(id: entry.id, posting: try ValuationPosting(entry.posting ?? .init()), reversed: entry.reversed)
    }
}

extension Baton_Atomic_Valuation_V1_ValuationEntry {
    public init(_ entry: ValuationEntry) {
        self.init()
        id = entry.id
        posting = .init(entry.posting)
        reversed = entry.reversed
    }
}
