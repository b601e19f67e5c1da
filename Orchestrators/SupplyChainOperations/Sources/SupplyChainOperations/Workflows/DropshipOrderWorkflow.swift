import BatonWorkflow

extension SupplyChainOperationsOrchestrator {
    /// DropshipOrder's step names.
    public enum DropshipOrderSteps {
        public static let createSalesOrder = "create-sales-order"
        public static let placePurchaseOrder = "place-purchase-order"
        public static let awaitShipment = "await-shipment"
        public static let issueInvoice = "issue-invoice"
    }

    /// DropshipOrder: sales order → purchase order to the vendor (shipping to the customer) →
    /// wait for the vendor's ``Signals/shipmentDispatched`` → customer invoice. Without the
    /// shipment in time, or if invoicing is refused, the purchase order and then the sales order
    /// are cancelled.
    var dropshipOrderWorkflow: WorkflowDefinition {
        let services = services
        let callTimeout = configuration.callTimeout
        typealias Steps = DropshipOrderSteps
        return WorkflowDefinition(WorkflowTypes.dropshipOrder, configuration: workflowConfiguration) {
            StepDefinition.call(Steps.createSalesOrder, action: typedStep(DropshipOrderRequest.self) { step, order in
                let request = SalesOrderRequest(reference: order.orderReference, customerID: order.customerID, lines: order.lines, currency: order.currency)
                return try await services.salesOrders.createSalesOrder(request, idempotencyKey: step.idempotencyKey)
            }, compensate: typedStep(DropshipOrderRequest.self) { step, _ in
                let salesOrder = try step.output(of: Steps.createSalesOrder, as: SalesOrder.self)
                return try await services.salesOrders.cancelSalesOrder(id: salesOrder.id, idempotencyKey: step.idempotencyKey)
            }).timeout(callTimeout)

            StepDefinition.call(Steps.placePurchaseOrder, action: typedStep(DropshipOrderRequest.self) { step, order in
                let salesOrder = try step.output(of: Steps.createSalesOrder, as: SalesOrder.self)
                let lines = order.lines.map { OrderLine(sku: $0.sku, quantity: $0.quantity, unitPriceMinor: order.vendorUnitCostsMinor[$0.sku] ?? $0.unitPriceMinor) }
                let request = PurchaseOrderRequest(vendorID: order.vendorID, lines: lines, currency: order.currency, salesOrderID: salesOrder.id)
                return try await services.purchaseOrders.createPurchaseOrder(request, idempotencyKey: step.idempotencyKey)
            }, compensate: typedStep(DropshipOrderRequest.self) { step, _ in
                let purchaseOrder = try step.output(of: Steps.placePurchaseOrder, as: PurchaseOrder.self)
                return try await services.purchaseOrders.cancelPurchaseOrder(id: purchaseOrder.id, idempotencyKey: step.idempotencyKey)
            }).timeout(callTimeout)

            StepDefinition.waitForSignal(Steps.awaitShipment, signal: Signals.shipmentDispatched, timeout: configuration.shipmentTimeout)

            StepDefinition.call(Steps.issueInvoice, action: typedStep(DropshipOrderRequest.self) { step, order in
                let salesOrder = try step.output(of: Steps.createSalesOrder, as: SalesOrder.self)
                let shipment = try? step.output(of: Steps.awaitShipment, as: ShipmentNotice.self)
                let request = InvoiceRequest(
                    salesOrderID: salesOrder.id,
                    customerID: order.customerID,
                    amountMinor: order.lines.totalMinor,
                    currency: order.currency,
                    shipmentReference: shipment?.trackingNumber
                )
                return try await services.receivables.issueInvoice(request, idempotencyKey: step.idempotencyKey)
            }).timeout(callTimeout)
        }
        .input(DropshipOrderRequest.self)
    }
}
