/// A balancing run for one item: the stock each warehouse should hold.
public struct BalancingRequest: Sendable, Codable, Hashable {
    public var sku: String
    /// Target available quantity per warehouse id. Warehouses without a target keep their stock.
    public var targets: [String: Int64]
    /// Transfers smaller than this are not proposed.
    public var minimumTransfer: Int64

    public init(sku: String, targets: [String: Int64], minimumTransfer: Int64 = 1) {
        self.sku = sku
        self.targets = targets
        self.minimumTransfer = minimumTransfer
    }
}

/// The answer of a balancing run: the plan and the transfers executed for it, in plan order.
public struct BalancingResult: Sendable, Codable, Hashable {
    public var plan: [TransferRequest]
    public var executed: [TransferReceipt]

    public init(plan: [TransferRequest], executed: [TransferReceipt]) {
        self.plan = plan
        self.executed = executed
    }
}
