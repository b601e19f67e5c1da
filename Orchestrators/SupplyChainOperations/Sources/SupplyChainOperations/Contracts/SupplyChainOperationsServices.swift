/// Everything the SupplyChainOperations orchestrator needs from the world, one contract per role.
/// The composition root fills it from adapters; one backend may play several roles.
public struct SupplyChainOperationsServices: Sendable {
    public var salesOrders: any SalesOrders
    public var purchaseOrders: any PurchaseOrders
    public var stock: any StockLevels
    public var transfers: any WarehouseTransfers
    public var receivables: any Receivables
    public var returns: any ReturnAuthorizations
    public var salesHistory: any SalesHistory
    public var valuation: any InventoryValuation

    public init(
        salesOrders: any SalesOrders,
        purchaseOrders: any PurchaseOrders,
        stock: any StockLevels,
        transfers: any WarehouseTransfers,
        receivables: any Receivables,
        returns: any ReturnAuthorizations,
        salesHistory: any SalesHistory,
        valuation: any InventoryValuation
    ) {
        self.salesOrders = salesOrders
        self.purchaseOrders = purchaseOrders
        self.stock = stock
        self.transfers = transfers
        self.receivables = receivables
        self.returns = returns
        self.salesHistory = salesHistory
        self.valuation = valuation
    }
}
