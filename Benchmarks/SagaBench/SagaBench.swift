import BatonAtomicAPI
import BatonRPC
import BatonReferenceServices
import BatonWorkflow
import BatonWorkflowSQLite
import Foundation
import Logging
import OrderFulfillment
import OrderFulfillmentRPC

/// `baton-bench-sagas`: PlaceOrder sagas through the RPC adapter against the reference services
/// (in this process, over 127.0.0.1), durable on SQLite. Prints completed sagas/s and p50/p99
/// end-to-end saga latency per concurrency level. Not a test: numbers depend on the machine.
///
/// Usage: baton-bench-sagas [--sagas N] [--concurrency C[,C…]] [--services HOST:PORT]
///                          [--adapter rpc|inmemory] [--store sqlite|memory]
/// (`inmemory` and `memory` isolate the engine's and the store's share of the cost.)
@main
struct SagaBench {
    struct Options {
        var sagas = 2000
        var concurrency = [1, 64, 1024]
        var services: LoadBalancedRPCClient.Endpoint?
        var inMemoryAdapter = false
        var inMemoryStore = false
    }

    static func main() async throws {
        var options = Options()
        var arguments = CommandLine.arguments.dropFirst()
        while let flag = arguments.popFirst() {
            guard let value = arguments.popFirst() else { fatalError("\(flag) needs a value") }
            switch flag {
            case "--sagas": options.sagas = Int(value)!
            case "--concurrency": options.concurrency = value.split(separator: ",").map { Int($0)! }
            case "--services": options.services = LoadBalancedRPCClient.Endpoint(value)!
            case "--adapter": options.inMemoryAdapter = value == "inmemory"
            case "--store": options.inMemoryStore = value == "memory"
            default: fatalError("unknown flag \(flag)")
            }
        }
        var logger = Logger(label: "baton.bench")
        logger.logLevel = .error
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }

        // The services: in this process unless --services names running ones.
        let references = try ReferenceServices(logger: logger)
        let server = references.makeServer()
        let serverTask = Task { try await server.run() }
        let localPort = try await server.listeningAddress.port ?? 0
        let endpoint = options.services ?? .init(host: "127.0.0.1", port: localPort)
        let adapter = OrderFulfillmentAdapters.rpc(endpoints: [endpoint])
        var stock = Baton_Atomic_Inventory_V1_SetStockRequest()
        stock.quantity = 1 << 40
        for sku in ["sku-a", "sku-b"] {
            stock.sku = sku
            _ = try await adapter.inventoryClient.setStock(stock)
        }

        let contracts = options.inMemoryAdapter ? references.backend.services : adapter.services
        let orders = OrderFulfillmentOrchestrator(services: contracts, logger: logger)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("baton-bench-\(UUID().uuidString).sqlite").path
        let store: any WorkflowStore = options.inMemoryStore ? InMemoryWorkflowStore() : try SQLiteWorkflowStore(path: path)
        let engine = try WorkflowEngine(definitions: orders.workflows, store: store, logger: logger)
        print("PlaceOrder sagas: \(options.inMemoryAdapter ? "in-memory adapter" : "RPC adapter → reference services at \(endpoint)"), \(options.inMemoryStore ? "in-memory store" : "SQLite at \(path)")")
        print("concurrency  sagas  sagas/s  p50 ms  p99 ms  failed")
        try await measure(levels: options.concurrency, sagas: options.sagas, orders: orders, engine: engine)
        await adapter.close()
        server.beginGracefulShutdown()
        try await serverTask.value
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Runs each concurrency level in turn and prints one line per level.
    nonisolated static func measure(levels: [Int], sagas: Int, orders: OrderFulfillmentOrchestrator, engine: WorkflowEngine) async throws {
        try await withRunningEngine(engine) { engine in
            var round = 0
            for concurrency in levels {
                round += 1
                let count = concurrency == 1 ? min(sagas, 300) : sagas
                let (elapsed, latencies, failed) = try await run(count, concurrency: concurrency, round: round, orders: orders, engine: engine)
                let sorted = latencies.sorted()
                func percentile(_ p: Double) -> Double {
                    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
                }
                let rate = Double(count) / elapsed
                print(String(format: "%11d  %5d  %7.0f  %6.2f  %6.2f  %6d", concurrency, count, rate, percentile(0.5), percentile(0.99), failed))
            }
        }
    }

    /// Places `count` orders, at most `concurrency` at once; returns the wall time in seconds,
    /// each saga's latency in milliseconds and how many did not complete.
    nonisolated static func run(_ count: Int, concurrency: Int, round: Int, orders: OrderFulfillmentOrchestrator, engine: WorkflowEngine) async throws
        -> (Double, [Double], Int)
    {
        let clock = ContinuousClock()
        let start = clock.now
        var latencies: [Double] = []
        var failed = 0
        try await withThrowingTaskGroup(of: (Double, Bool).self) { group in
            var next = 0
            func launch() {
                let index = next
                next += 1
                group.addTask {
                    let began = clock.now
                    let request = PlaceOrderRequest(
                        orderID: "r\(round)-o\(index)", customerID: "c-\(index % 100)",
                        lines: [OrderLine(sku: "sku-a", quantity: 1, unitPriceMinor: 500), OrderLine(sku: "sku-b", quantity: 2, unitPriceMinor: 250)],
                        paymentMethodToken: "tok",
                        shippingAddress: ShippingAddress(street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US"))
                    let started = try await orders.placeOrder(request, engine: engine)
                    let final = try await engine.waitForCompletion(id: started.id)
                    let elapsed = began.duration(to: clock.now)
                    return (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15, final.status == .completed)
                }
            }
            for _ in 0..<min(concurrency, count) { launch() }
            while let (latency, completed) = try await group.next() {
                latencies.append(latency)
                if !completed { failed += 1 }
                if next < count { launch() }
            }
        }
        let elapsed = start.duration(to: clock.now)
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, latencies, failed)
    }
}
