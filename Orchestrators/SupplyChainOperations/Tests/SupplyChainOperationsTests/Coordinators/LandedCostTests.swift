import BatonWorkflow
import SupplyChainOperations
import SupplyChainOperationsInMemory
import Testing

@Suite("LandedCost coordinator")
struct LandedCostTests {
    static let lines = [
        ReceiptLine(sku: "A", quantity: 10, valueMinor: 1_000, weightGrams: 500),
        ReceiptLine(sku: "B", quantity: 30, valueMinor: 3_000, weightGrams: 250),
        ReceiptLine(sku: "C", quantity: 60, valueMinor: 1_000, weightGrams: 250),
    ]
    static let request = LandedCostRequest(
        receiptID: "GR-1",
        lines: lines,
        charges: [
            LandedCharge(kind: .freight, amountMinor: 1_000, basis: .weight),
            LandedCharge(kind: .duty, amountMinor: 501, basis: .value),
            LandedCharge(kind: .insurance, amountMinor: 7, basis: .quantity),
        ]
    )

    static let allocations: [(amount: Int64, weights: [Int64], expected: [Int64])] = [
            (100, [1, 1, 1], [34, 33, 33]),
            (10, [3, 3, 1, 1], [4, 4, 1, 1]),
            (2, [1, 1, 1], [1, 1, 0]),
            (7, [10, 30, 60], [1, 2, 4]),
            (501, [1_000, 3_000, 1_000], [100, 301, 100]),
            (0, [5, 5], [0, 0]),
            (5, [0, 1], [0, 5]),
    ]

    @Test("the remainder goes to the largest remainders, ties to the lowest line index", arguments: allocations)
    func allocation(_ amount: Int64, _ weights: [Int64], _ expected: [Int64]) throws {
        let shares = try LandedCostCoordinator.allocate(amount, weights: weights)
        #expect(shares == expected)
        #expect(shares.reduce(0, +) == amount)
    }

    @Test("large amounts and weights do not overflow and still add up exactly")
    func largeNumbers() throws {
        let shares = try LandedCostCoordinator.allocate(9_000_000_000_000_000_001, weights: [Int64.max / 2, Int64.max / 3, 7])
        #expect(shares.reduce(0, +) == 9_000_000_000_000_000_001)
        #expect(shares[2] == 8 || shares[2] == 9)  // 7 / (max/2 + max/3 + 7) of the amount is 8.2
    }

    @Test("negative amounts, no lines, negative or all-zero weights are invalid")
    func invalid() {
        for (amount, weights) in [(Int64(-1), [Int64(1)]), (1, []), (1, [0, 0]), (1, [2, -1])] {
            let error = #expect(throws: SupplyChainError.self) { _ = try LandedCostCoordinator.allocate(amount, weights: weights) }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("freight by weight, duty by value, insurance by quantity: exact landed values, one posting per charge, idempotent")
    func capitalize() async throws {
        let backend = SupplyChainOperationsAdapters.inMemory()
        let orchestrator = SupplyChainOperationsOrchestrator(services: backend.services)
        let result = try await orchestrator.landedCost(Self.request, idempotencyKey: "lc-GR-1")
        #expect(result.allocations.map(\.amountsMinor) == [[500, 250, 250], [100, 301, 100], [1, 2, 4]])
        #expect(result.landedValuesMinor == [1_601, 3_553, 1_354])
        #expect(result.landedValuesMinor.reduce(0, +) == 5_000 + 1_508)
        #expect(result.entries.map(\.posting.allocation.charge.kind) == [.freight, .duty, .insurance])
        let again = try await orchestrator.landedCost(Self.request, idempotencyKey: "lc-GR-1")
        #expect(again == result)
        #expect(backend.valuationEntries.count == 3)
    }

    @Test("a failed posting reverses the postings made before it, newest first")
    func compensation() async throws {
        let backend = SupplyChainOperationsAdapters.inMemory()
        backend.failNext(.postValuation, with: .unavailable, after: 2)
        let orchestrator = SupplyChainOperationsOrchestrator(services: backend.services)
        let failure = await #expect(throws: CoordinatorFailure.self) { try await orchestrator.landedCost(Self.request, idempotencyKey: "lc-GR-1") }
        #expect(failure?.undone == ["post duty #1", "post freight #0"])
        #expect((failure?.underlying as? SupplyChainError)?.code == .unavailable)
        #expect(backend.valuationEntries.map(\.reversed) == [true, true])
        #expect(backend.journal == [.postValuation, .postValuation, .reverseValuation, .reverseValuation])
    }
}
