import BatonWorkflow

/// Warehouse balancing: proposes transfers from warehouses above their target to those below it,
/// executes them, and reverses the executed ones (newest first) if a later transfer fails.
public struct WarehouseBalancingCoordinator: Sendable {
    let stock: any StockLevels
    let transfers: any WarehouseTransfers

    public init(stock: any StockLevels, transfers: any WarehouseTransfers) {
        self.stock = stock
        self.transfers = transfers
    }

    /// Plans from the current stock levels and executes the plan; transfer `k` (from 1) is keyed
    /// `idempotencyKey/transfer-k`, its reversal `idempotencyKey/transfer-k/reverse`.
    ///
    /// - Throws: ``SupplyChainError`` when the stock levels cannot be read (nothing moved);
    ///   ``CoordinatorFailure`` when a transfer failed (the executed ones have been reversed,
    ///   its `undone` lists them newest first).
    public func balance(_ request: BalancingRequest, idempotencyKey: String) async throws -> BalancingResult {
        let plan = Self.plan(request, levels: try await stock.stockLevels(sku: request.sku))
        let executed = try await withCompensatingSteps { steps in
            var executed: [TransferReceipt] = []
            for (index, transfer) in plan.enumerated() {
                let key = "\(idempotencyKey)/transfer-\(index + 1)"
                let receipt = try await steps.run("transfer-\(index + 1)") {
                    try await transfers.transfer(transfer, idempotencyKey: key)
                } undo: { receipt in
                    _ = try await transfers.reverseTransfer(id: receipt.transferID, idempotencyKey: "\(key)/reverse")
                }
                executed.append(receipt)
            }
            return executed
        }
        return BalancingResult(plan: plan, executed: executed)
    }

    /// The pure plan. Surplus = available − target, deficit = target − available, for warehouses
    /// with a target. Deficits, largest first (ties by warehouse id), are filled from surpluses,
    /// largest first (ties by warehouse id); transfers below the minimum are left out.
    public static func plan(_ request: BalancingRequest, levels: [StockLevel]) -> [TransferRequest] {
        let available = Dictionary(levels.filter { $0.sku == request.sku }.map { ($0.warehouseID, $0.available) }, uniquingKeysWith: +)
        func ranked(_ gap: (Int64, Int64) -> Int64) -> [(warehouse: String, quantity: Int64)] {
            request.targets.map { (warehouse: $0.key, quantity: gap(available[$0.key] ?? 0, $0.value)) }
                .filter { $0.quantity > 0 }
                .sorted { $0.quantity != $1.quantity ? $0.quantity > $1.quantity : $0.warehouse < $1.warehouse }
        }
        var surpluses = ranked { available, target in available - target }
        var deficits = ranked { available, target in target - available }
        var plan: [TransferRequest] = []
        var (s, d) = (0, 0)
        while s < surpluses.count, d < deficits.count {
            let quantity = min(surpluses[s].quantity, deficits[d].quantity)
            if quantity >= request.minimumTransfer {
                plan.append(TransferRequest(sku: request.sku, fromWarehouseID: surpluses[s].warehouse, toWarehouseID: deficits[d].warehouse, quantity: quantity))
            }
            surpluses[s].quantity -= quantity
            deficits[d].quantity -= quantity
            if surpluses[s].quantity == 0 { s += 1 }
            if deficits[d].quantity == 0 { d += 1 }
        }
        return plan
    }
}
