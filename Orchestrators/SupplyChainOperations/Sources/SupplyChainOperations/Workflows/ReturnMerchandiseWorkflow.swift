import BatonWorkflow

extension SupplyChainOperationsOrchestrator {
    /// ReturnMerchandise's step names.
    public enum ReturnMerchandiseSteps {
        public static let authorize = "authorize-return"
        public static let awaitReceipt = "await-receipt"
        public static let inspect = "inspect"
        public static let chooseDisposition = "choose-disposition"
        public static let restock = "restock"
        public static let skipScrap = "restocked"
        public static let scrap = "scrap"
        public static let issueCreditNote = "issue-credit-note"
    }

    /// ReturnMerchandise (RMA): authorize → wait for ``Signals/returnReceived`` → inspect →
    /// decision: restock (resellable) or scrap → credit note. Without the goods in time the
    /// authorization is cancelled; a refused credit note undoes the stock movement and the
    /// authorization.
    var returnMerchandiseWorkflow: WorkflowDefinition {
        let services = services
        let callTimeout = configuration.callTimeout
        typealias Steps = ReturnMerchandiseSteps
        /// One movement step per disposition: restock and scrap differ only in their kind.
        func movement(_ name: String, _ kind: StockMovementRequest.Kind) -> StepDefinition {
            StepDefinition.call(name, action: typedStep(ReturnMerchandiseRequest.self) { step, request in
                let rma = try step.output(of: Steps.authorize, as: ReturnAuthorization.self)
                let lines = request.lines.map { ItemQuantity(sku: $0.sku, quantity: $0.quantity) }
                let movement = StockMovementRequest(kind: kind, warehouseID: request.warehouseID, lines: lines, reason: rma.id)
                return try await services.stock.recordMovement(movement, idempotencyKey: step.idempotencyKey)
            }, compensate: typedStep(ReturnMerchandiseRequest.self) { step, _ in
                let movement = try step.output(of: name, as: StockMovement.self)
                return try await services.stock.reverseMovement(id: movement.id, idempotencyKey: step.idempotencyKey)
            }).timeout(callTimeout)
        }
        return WorkflowDefinition(WorkflowTypes.returnMerchandise, configuration: workflowConfiguration) {
            StepDefinition.call(Steps.authorize, action: typedStep(ReturnMerchandiseRequest.self) { step, request in
                let authorization = ReturnAuthorizationRequest(
                    reference: request.returnReference,
                    salesOrderID: request.salesOrderID,
                    customerID: request.customerID,
                    lines: request.lines,
                    currency: request.currency,
                    warehouseID: request.warehouseID
                )
                return try await services.returns.authorizeReturn(authorization, idempotencyKey: step.idempotencyKey)
            }, compensate: typedStep(ReturnMerchandiseRequest.self) { step, _ in
                let rma = try step.output(of: Steps.authorize, as: ReturnAuthorization.self)
                return try await services.returns.cancelReturn(id: rma.id, idempotencyKey: step.idempotencyKey)
            }).timeout(callTimeout)

            StepDefinition.waitForSignal(Steps.awaitReceipt, signal: Signals.returnReceived, timeout: configuration.returnReceiptTimeout)

            StepDefinition.call(Steps.inspect, action: typedStep(ReturnMerchandiseRequest.self) { step, _ in
                let rma = try step.output(of: Steps.authorize, as: ReturnAuthorization.self)
                let receipt = try step.output(of: Steps.awaitReceipt, as: ReturnReceipt.self)
                return try await services.returns.recordInspection(returnID: rma.id, condition: receipt.condition, idempotencyKey: step.idempotencyKey)
            }).timeout(callTimeout)

            StepDefinition.decision(Steps.chooseDisposition) { context in
                let disposition = context.outputs[Steps.inspect]?["disposition"]?.stringValue
                return disposition == Disposition.restock.rawValue ? .goto(Steps.restock) : .goto(Steps.scrap)
            }
            movement(Steps.restock, .restock)
            StepDefinition.decision(Steps.skipScrap) { _ in .goto(Steps.issueCreditNote) }
            movement(Steps.scrap, .scrap)

            StepDefinition.call(Steps.issueCreditNote, action: typedStep(ReturnMerchandiseRequest.self) { step, request in
                let rma = try step.output(of: Steps.authorize, as: ReturnAuthorization.self)
                let credit = CreditNoteRequest(returnAuthorizationID: rma.id, customerID: request.customerID, amountMinor: request.lines.totalMinor, currency: request.currency)
                return try await services.receivables.issueCreditNote(credit, idempotencyKey: step.idempotencyKey)
            }).timeout(callTimeout)
        }
        .input(ReturnMerchandiseRequest.self)
    }
}
