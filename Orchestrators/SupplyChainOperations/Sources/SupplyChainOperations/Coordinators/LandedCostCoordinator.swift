import BatonWorkflow

/// Landed cost: spreads freight, duty and insurance over a receipt's lines and posts each charge
/// to the inventory valuation; if a posting fails, the charges already posted are reversed.
public struct LandedCostCoordinator: Sendable {
    let valuation: any InventoryValuation

    public init(valuation: any InventoryValuation) {
        self.valuation = valuation
    }

    /// Allocates every charge (``allocate(_:over:basis:)``) and posts one valuation entry per
    /// charge, keyed `idempotencyKey/charge-<index>`, so a repeated run posts nothing twice.
    ///
    /// - Throws: ``SupplyChainError`` `invalidArgument` before anything is posted when the
    ///   request cannot be allocated; ``CoordinatorFailure`` when a posting failed (the entries
    ///   posted before it have been reversed).
    public func capitalize(_ request: LandedCostRequest, idempotencyKey: String) async throws -> LandedCostResult {
        let allocations = try request.charges.map { charge in
            ChargeAllocation(charge: charge, amountsMinor: try Self.allocate(charge.amountMinor, over: request.lines, basis: charge.basis))
        }
        let entries = try await withCompensatingSteps { steps in
            var entries: [ValuationEntry] = []
            for (index, allocation) in allocations.enumerated() {
                let posting = ValuationPosting(receiptID: request.receiptID, allocation: allocation, lines: request.lines)
                let entry = try await steps.run("post \(allocation.charge.kind.rawValue.lowercased()) #\(index)") {
                    try await valuation.postValuation(posting, idempotencyKey: "\(idempotencyKey)/charge-\(index)")
                } undo: { entry in
                    _ = try await valuation.reverseValuation(id: entry.id, idempotencyKey: "\(idempotencyKey)/charge-\(index)/reverse")
                }
                entries.append(entry)
            }
            return entries
        }
        let landed = request.lines.indices.map { line in
            allocations.reduce(request.lines[line].valueMinor) { $0 + $1.amountsMinor[line] }
        }
        return LandedCostResult(receiptID: request.receiptID, allocations: allocations, landedValuesMinor: landed, entries: entries)
    }

    /// Spreads `amountMinor` over `lines` in proportion to their value, weight or quantity.
    ///
    /// Each line first gets the floor of its exact share; the minor units left over go one each to
    /// the lines with the largest remainders, ties to the lowest line index. The result always
    /// adds up to `amountMinor` exactly.
    ///
    /// - Throws: ``SupplyChainError`` `invalidArgument` for a negative amount, no lines, a
    ///   negative weight, or weights that add up to zero.
    public static func allocate(_ amountMinor: Int64, over lines: [ReceiptLine], basis: AllocationBasis) throws(SupplyChainError) -> [Int64] {
        let weights = lines.map { line -> Int64 in
            switch basis {
            case .value: return line.valueMinor
            case .weight: return line.weightGrams
            case .quantity: return line.quantity
            }
        }
        return try allocate(amountMinor, weights: weights)
    }

    /// ``allocate(_:over:basis:)`` over plain weights.
    public static func allocate(_ amountMinor: Int64, weights: [Int64]) throws(SupplyChainError) -> [Int64] {
        guard amountMinor >= 0 else { throw SupplyChainError(.invalidArgument, "a landed charge must not be negative") }
        guard !weights.isEmpty, weights.allSatisfy({ $0 >= 0 }) else {
            throw SupplyChainError(.invalidArgument, "landed cost needs one or more lines with non-negative weights")
        }
        let total = weights.reduce(Int128(0)) { $0 + Int128($1) }
        guard total > 0 else { throw SupplyChainError(.invalidArgument, "the lines' weights add up to zero") }
        let exact = weights.map { Int128(amountMinor) * Int128($0) }
        var shares = exact.map { Int64($0 / total) }
        let remainders = exact.map { $0 % total }
        let leftover = Int(amountMinor - shares.reduce(0, +))
        let order = weights.indices.sorted { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
        for index in order.prefix(leftover) { shares[index] += 1 }
        return shares
    }
}
