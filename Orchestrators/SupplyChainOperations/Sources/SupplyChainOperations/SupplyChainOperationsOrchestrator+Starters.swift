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
        try await start(
            WorkflowTypes.dropshipOrder, request, businessKey: request.orderReference, hasLines: !request.lines.isEmpty,
            id: workflowID ?? Self.dropshipOrderID(orderReference: request.orderReference), engine: engine
        )
    }

    /// Starts ReturnMerchandise for `request` (correlation id: its return reference). Idempotent
    /// on the workflow id, which defaults to ``returnMerchandiseID(returnReference:)``.
    ///
    /// - Throws: ``SupplyChainError`` `invalidArgument` for a return without lines or reference;
    ///   ``WorkflowError`` from the engine.
    @discardableResult
    public func returnMerchandise(_ request: ReturnMerchandiseRequest, engine: WorkflowEngine, workflowID: String? = nil) async throws -> WorkflowSnapshot {
        try await start(
            WorkflowTypes.returnMerchandise, request, businessKey: request.returnReference, hasLines: !request.lines.isEmpty,
            id: workflowID ?? Self.returnMerchandiseID(returnReference: request.returnReference), engine: engine
        )
    }

    /// Starts `type` with `input`, correlated by its business key, after checking it has a key and lines.
    private func start<Input: Encodable>(
        _ type: String,
        _ input: Input,
        businessKey: String,
        hasLines: Bool,
        id: String,
        engine: WorkflowEngine
    ) async throws -> WorkflowSnapshot {
        guard !businessKey.isEmpty, hasLines else {
            throw SupplyChainError(.invalidArgument, "a \(type) request needs a business key and one or more lines")
        }
        logger.debug("starting workflow", metadata: ["type": "\(type)", "id": "\(id)"])
        return try await engine.start(type: type, id: id, input: try WorkflowValue(encoding: input), correlationID: businessKey)
    }
}
