import BatonWorkflow

extension SupplyChainOperationsOrchestrator {
    /// The default DropshipOrder workflow id for an order reference.
    public static func dropshipOrderID(orderReference: String) -> String { "dropship-\(orderReference)" }

    /// The default ReturnMerchandise workflow id for a return reference.
    public static func returnMerchandiseID(returnReference: String) -> String { "rma-\(returnReference)" }

    /// Starts DropshipOrder for `request` (correlation id: its order reference). Idempotent on the
    /// workflow id, which defaults to ``dropshipOrderID(orderReference:)``: starting the same
    /// order twice answers the first instance.
    ///
    /// - Throws: ``SupplyChainError`` `invalidArgument` for an order without lines or reference;
    ///   ``WorkflowError`` from the engine.
    @discardableResult
    public func dropshipOrder(_ request: DropshipOrderRequest, engine: WorkflowEngine, workflowID: String? = nil) async throws -> WorkflowSnapshot {
        guard !request.orderReference.isEmpty, !request.lines.isEmpty else {
            throw SupplyChainError(.invalidArgument, "a dropship order needs a reference and one or more lines")
        }
        return try await engine.start(
            type: WorkflowTypes.dropshipOrder,
            id: workflowID ?? Self.dropshipOrderID(orderReference: request.orderReference),
            input: try WorkflowValue(encoding: request),
            correlationID: request.orderReference
        )
    }

    /// Starts ReturnMerchandise for `request` (correlation id: its return reference). Idempotent
    /// on the workflow id, which defaults to ``returnMerchandiseID(returnReference:)``.
    ///
    /// - Throws: ``SupplyChainError`` `invalidArgument` for a return without lines or reference;
    ///   ``WorkflowError`` from the engine.
    @discardableResult
    public func returnMerchandise(_ request: ReturnMerchandiseRequest, engine: WorkflowEngine, workflowID: String? = nil) async throws -> WorkflowSnapshot {
        guard !request.returnReference.isEmpty, !request.lines.isEmpty else {
            throw SupplyChainError(.invalidArgument, "a return needs a reference and one or more lines")
        }
        return try await engine.start(
            type: WorkflowTypes.returnMerchandise,
            id: workflowID ?? Self.returnMerchandiseID(returnReference: request.returnReference),
            input: try WorkflowValue(encoding: request),
            correlationID: request.returnReference
        )
    }
}
