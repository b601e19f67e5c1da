import BatonAtomicAPI
import BatonRPC
import BatonReferenceServicesTesting
import SupplyChainOperations
import SupplyChainOperationsRPC
import Testing

/// How the SupplyChainOperations RPC adapter reads statuses back, against the reference services.
@Suite("SupplyChainOperations RPC adapter on the wire")
struct SupplyChainOperationsRPCAdapterTests {
    @Test("statuses map to SupplyChainError and back; missing stock is FAILED_PRECONDITION / INSUFFICIENT_STOCK")
    func statusMapping() {
        let cases: [(SupplyChainError.Code, RPCError.Code)] = [
            (.insufficientStock, .failedPrecondition), (.failedPrecondition, .failedPrecondition), (.notFound, .notFound),
            (.invalidArgument, .invalidArgument), (.unavailable, .unavailable), (.timedOut, .deadlineExceeded),
        ]
        for (code, status) in cases {
            let wire = SupplyChainError(code, "m").rpcError
            #expect(wire.code == status, "\(code)")
            #expect(SupplyChainError(wire).code == code, "\(code)")
        }
        #expect(SupplyChainError(.insufficientStock, "m").rpcError.metadata[string: AtomicMetadata.errorReason] == "INSUFFICIENT_STOCK")
    }

    @Test("a transfer beyond the available stock is refused over RPC and moves nothing; a stopped service is UNAVAILABLE")
    func refusedTransfer() async throws {
        let services = try await RunningReferenceServices.started()
        services.references.supplyChain.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 5, reserved: 2)
        services.references.supplyChain.addWarehouse("WH-B")
        let adapter = services.supplyChainAdapter()
        let request = TransferRequest(sku: "WIDGET", fromWarehouseID: "WH-A", toWarehouseID: "WH-B", quantity: 4)
        let refused = await #expect(throws: SupplyChainError.self) { _ = try await adapter.transfer(request, idempotencyKey: "t-1") }
        #expect(refused?.code == .insufficientStock)
        #expect(refused?.isTransient == false)
        #expect(services.references.supplyChain.stockLevel(sku: "WIDGET", warehouseID: "WH-A")?.onHand == 5)
        await services.stop()
        let error = await #expect(throws: SupplyChainError.self) { _ = try await adapter.stockLevels(sku: "WIDGET") }
        #expect(error?.code == .unavailable)
        #expect(error?.isTransient == true)
        await adapter.close()
    }
}
