import BatonAtomicAPI
import BatonRPC
import SupplyChainOperations
import SupplyChainOperationsInMemory
import SupplyChainOperationsRPC

extension ReferenceFamily {
    /// Sales (orders, returns, history), procurement, warehouse, receivables and valuation, on
    /// SupplyChainOperations' in-memory adapter.
    static func supplyChain(_ backend: SupplyChainOperationsAdapters.InMemory) -> ReferenceFamily {
        let operations: [(MethodDescriptor, SupplyChainOperationsAdapters.InMemory.Operation)] = [
            (Baton_Atomic_Sales_V1_SalesService.Method.createSalesOrder, .createSalesOrder),
            (Baton_Atomic_Sales_V1_SalesService.Method.cancelSalesOrder, .cancelSalesOrder),
            (Baton_Atomic_Sales_V1_ReturnService.Method.authorizeReturn, .authorizeReturn),
            (Baton_Atomic_Sales_V1_ReturnService.Method.cancelReturn, .cancelReturn),
            (Baton_Atomic_Sales_V1_ReturnService.Method.recordInspection, .recordInspection),
            (Baton_Atomic_Procurement_V1_ProcurementService.Method.createPurchaseOrder, .createPurchaseOrder),
            (Baton_Atomic_Procurement_V1_ProcurementService.Method.cancelPurchaseOrder, .cancelPurchaseOrder),
            (Baton_Atomic_Warehouse_V1_WarehouseService.Method.recordMovement, .recordMovement),
            (Baton_Atomic_Warehouse_V1_WarehouseService.Method.reverseMovement, .reverseMovement),
            (Baton_Atomic_Warehouse_V1_WarehouseService.Method.transfer, .transfer),
            (Baton_Atomic_Warehouse_V1_WarehouseService.Method.reverseTransfer, .reverseTransfer),
            (Baton_Atomic_Receivable_V1_ReceivableService.Method.issueInvoice, .issueInvoice),
            (Baton_Atomic_Receivable_V1_ReceivableService.Method.issueCreditNote, .issueCreditNote),
            (Baton_Atomic_Valuation_V1_ValuationService.Method.postValuation, .postValuation),
            (Baton_Atomic_Valuation_V1_ValuationService.Method.reverseValuation, .reverseValuation),
        ]
        return ReferenceFamily(
            serviceNames: supplyChainServiceNames,
            makeHandlers: { host in
                [
                    SalesServiceHandler(host: host), ReturnServiceHandler(host: host), SalesHistoryServiceHandler(host: host),
                    ProcurementServiceHandler(host: host), WarehouseServiceHandler(host: host), ReceivableServiceHandler(host: host),
                    ValuationServiceHandler(host: host),
                ]
            },
            operations: operations.map { method, operation in
                InjectableOperation(
                    method, failingWith: SupplyChainError.self,
                    failNext: { backend.failNext(operation, times: $0, with: $1, losingResponse: $2) },
                    addLatency: { backend.setLatency($0, for: operation, calls: $1) }
                )
            }
        )
    }

    static let supplyChainServiceNames = [
        Baton_Atomic_Sales_V1_SalesService.name,
        Baton_Atomic_Sales_V1_ReturnService.name,
        Baton_Atomic_Sales_V1_SalesHistoryService.name,
        Baton_Atomic_Procurement_V1_ProcurementService.name,
        Baton_Atomic_Warehouse_V1_WarehouseService.name,
        Baton_Atomic_Receivable_V1_ReceivableService.name,
        Baton_Atomic_Valuation_V1_ValuationService.name,
    ]
}
