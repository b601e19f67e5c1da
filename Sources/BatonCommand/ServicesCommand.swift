import ArgumentParser
import BatonAllocator
import BatonRPC
import BatonReferenceServices
import BatonServer
import Foundation
import Logging
import ServiceLifecycle

/// `baton services`: the reference atomic services of every orchestrator (inventory, payment,
/// shipping, notifier; identity, tenant, audit, session; sales, procurement, warehouse,
/// receivable, valuation) in one process, their truth in memory, with latency and failure
/// injection.
struct ServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "Run the reference atomic services of every orchestrator (inventory, payment, shipping, notifier, identity, tenant, audit, session, sales, procurement, warehouse, receivable, valuation) with fault injection.",
        discussion: """
            Per call, the request metadata `x-baton-fault: CODE` fails a call and `x-baton-latency-ms: N` delays it; \
            baton.atomic.faults.v1.FaultInjectionService injects failures and latency while running.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free port.")
    var port = 7080

    @Option(help: "Latency added to every call that has an effect, in milliseconds.")
    var latencyMs: Int?

    @Option(help: "Fail the next COUNT calls of METHOD (e.g. Charge) with CODE (e.g. UNAVAILABLE, PAYMENT_DECLINED); append :after-effect to lose only the answer. Repeatable.")
    var fail: [String] = []

    @Option(help: "Decline charges that would bring a customer's captured total above this many minor units (default: the demo limit, 50000, unless --no-demo-data).")
    var paymentLimitMinor: Int64?

    @Option(
        help: "Least severe log level written to standard error: trace, debug, info, notice, warning, error or critical; debug adds every call refused with a business error.",
        transform: { name in
            guard let level = Logger.Level(name: name) else {
                throw ValidationError("--log-level must be one of \(Logger.Level.names), not '\(name)'")
            }
            return level
        }
    )
    var logLevel = Logger.Level.info

    @Flag(inversion: .prefixedNo, help: "Start with the demo data of baton serve: WIDGET, GADGET and GIZMO in stock, the demo payment limit, the tenants acme and globex, the supply chain's warehouses, stock, sales history, vendor and purchase order.")
    var demoData = true

    func validate() throws {
        for rule in fail where ReferenceServices.FailureRule(parsing: rule) == nil {
            throw ValidationError("--fail takes METHOD=COUNT:CODE[:after-effect], not '\(rule)'")
        }
        if let latencyMs, latencyMs < 0 { throw ValidationError("--latency-ms cannot be negative") }
    }

    func run() async throws {
        bootstrapStandardErrorLogging(level: logLevel)
        let logger = Logger(label: "baton.services")
        logger.info("starting", metadata: ["allocator": "\(Allocator.name)"])
        let references: ReferenceServices
        do {
            references = try ReferenceServices(
                configuration: .defaults {
                    $0.latency = latencyMs.map { .milliseconds($0) }
                    $0.failures = fail.compactMap(ReferenceServices.FailureRule.init(parsing:))
                    $0.defaultPaymentLimitMinor = paymentLimitMinor ?? (demoData ? Orchestrators.DemoData.paymentLimitMinor : nil)
                },
                logger: logger
            )
            if demoData {
                Orchestrators.DemoData.seed(references.orders)
                Orchestrators.DemoData.seed(references.identity)
                try await Orchestrators.DemoData.seed(references.supplyChain)
            }
        } catch let error as ReferenceServicesError {
            throw ValidationError(error.description)
        }
        let server = references.makeServer(.defaults {
            $0.host = host
            $0.port = port
        })
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            let address = try await server.listeningAddress
            // One machine-readable line so scripts and tests can find the port.
            let line = "listening on \(address.ipAddress ?? host):\(address.port ?? port)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
