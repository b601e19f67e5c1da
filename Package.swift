// swift-tools-version:6.1
// Baton: a coordination server for business processes that span several services.
// See README.md for the quick start and ARCHITECTURE in the docs for the layering.
import PackageDescription

/// One set of Swift settings for every Swift target.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]

/// An orchestrator package (issue 4): its library (Contracts/, DTOs/, Workflows/, Coordinators/,
/// Listeners/, Errors/ under `Orchestrators/<Name>/Sources/<Name>`), its reusable contract suite,
/// its in-memory adapter under `Adapters/<Name>InMemory` (built on the shared `BatonInMemorySupport`),
/// and its tests (sharing the engine-driving helpers of `BatonWorkflowTesting`).
/// The orchestrator itself depends on the engine and logging only.
func orchestrator(_ name: String) -> [Target] {
    [
        .target(
            name: name,
            dependencies: ["BatonWorkflow", .product(name: "Logging", package: "swift-log")],
            path: "Orchestrators/\(name)/Sources/\(name)",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "\(name)ContractSuite",
            dependencies: [.target(name: name), "BatonWorkflow", "BatonContractTesting"],
            path: "Orchestrators/\(name)/Sources/\(name)ContractSuite",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "\(name)InMemory",
            dependencies: [.target(name: name), "BatonWorkflow", "BatonInMemorySupport"],
            path: "Adapters/\(name)InMemory",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "\(name)Tests",
            dependencies: [
                .target(name: name), .target(name: "\(name)ContractSuite"), .target(name: "\(name)InMemory"),
                "BatonWorkflow", "BatonContractTesting", "BatonWorkflowTesting",
            ],
            path: "Orchestrators/\(name)/Tests/\(name)Tests",
            swiftSettings: swiftSettings
        ),
    ]
}

let orchestrators = ["OrderFulfillment", "IdentityOperations", "SupplyChainOperations"]

/// An orchestrator's RPC adapter (issue 5) under `Adapters/<Name>RPC`: its contracts on the
/// generated atomic-service clients, through the shared `BatonRPCAdapterSupport`; and its tests
/// against the reference services over 127.0.0.1 (the contract suite unchanged, end to end on a
/// real engine and SQLite), sharing `BatonReferenceServicesTesting`.
func rpcAdapter(_ name: String) -> [Target] {
    [
        .target(
            name: "\(name)RPC",
            dependencies: [
                .target(name: name), "BatonRPCAdapterSupport", "BatonAtomicAPI", "BatonRPC", "BatonWorkflow",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Adapters/\(name)RPC",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "\(name)RPCTests",
            dependencies: [
                .target(name: name), .target(name: "\(name)ContractSuite"), .target(name: "\(name)InMemory"), .target(name: "\(name)RPC"),
                "BatonReferenceServices", "BatonReferenceServicesTesting", "BatonRPCAdapterSupport", "BatonAtomicAPI", "BatonRPC",
                "BatonWorkflow", "BatonWorkflowSQLite", "BatonWorkflowTesting", "BatonContractTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
}

let rpcAdapters = ["OrderFulfillment", "IdentityOperations", "SupplyChainOperations"]

func orchestratorProducts(_ name: String) -> [Product] {
    [
        .library(name: name, targets: [name]),
        .library(name: "\(name)ContractSuite", targets: ["\(name)ContractSuite"]),
        .library(name: "\(name)InMemory", targets: ["\(name)InMemory"]),
    ]
}

func rpcAdapterProduct(_ name: String) -> Product {
    .library(name: "\(name)RPC", targets: ["\(name)RPC"])
}

let package = Package(
    name: "Baton",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "BatonProtobuf", targets: ["BatonProtobuf"]),
        .library(name: "BatonRPC", targets: ["BatonRPC"]),
        .library(name: "BatonInterop", targets: ["BatonInterop"]),
        .executable(name: "baton-interop-server", targets: ["BatonInteropServer"]),
        .executable(name: "baton-interop-client", targets: ["BatonInteropClient"]),
        .library(name: "BatonWorkflow", targets: ["BatonWorkflow"]),
        .library(name: "BatonWorkflowSQLite", targets: ["BatonWorkflowSQLite"]),
        .library(name: "BatonWorkflowPostgres", targets: ["BatonWorkflowPostgres"]),
        .library(name: "BatonContractTesting", targets: ["BatonContractTesting"]),
        .library(name: "BatonAPI", targets: ["BatonAPI"]),
        .library(name: "BatonAtomicAPI", targets: ["BatonAtomicAPI"]),
        .library(name: "BatonReferenceServices", targets: ["BatonReferenceServices"]),
        .library(name: "BatonRPCAdapterSupport", targets: ["BatonRPCAdapterSupport"]),
        .library(name: "BatonServer", targets: ["BatonServer"]),
        .executable(name: "baton", targets: ["BatonCommand"]),
        .library(name: "BatonAllocator", targets: ["BatonAllocator"]),
    ] + orchestrators.flatMap(orchestratorProducts) + rpcAdapters.map(rpcAdapterProduct),
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // MARK: System libraries (the only C besides protoc-c's output)
        .systemLibrary(
            name: "CNGHTTP2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        .systemLibrary(
            name: "CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),

        // MARK: The executables' memory allocator (jemalloc; see Allocator.swift)
        .target(
            name: "BatonAllocator",
            dependencies: ["CJemalloc"],
            swiftSettings: swiftSettings
        ),

        // MARK: Protobuf runtime for generated messages
        .target(
            name: "BatonProtobuf",
            dependencies: ["CProtobufC"],
            swiftSettings: swiftSettings
        ),

        // MARK: gRPC-compatible HTTP/2 server and client
        .target(
            name: "CBatonRPCProtos",
            dependencies: ["CProtobufC"]
        ),
        .target(
            name: "BatonRPC",
            dependencies: [
                "CNGHTTP2",
                "BatonProtobuf",
                "CBatonRPCProtos",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ] + nio,
            swiftSettings: swiftSettings
        ),

        // MARK: gRPC interoperability (grpc.testing.TestService)
        .target(
            name: "CBatonInteropProtos",
            dependencies: ["CProtobufC"]
        ),
        .target(
            name: "BatonInterop",
            dependencies: ["BatonRPC", "BatonProtobuf", "CBatonInteropProtos"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BatonInteropServer",
            dependencies: [
                "BatonAllocator",
                "BatonInterop",
                "BatonRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BatonInteropClient",
            dependencies: [
                "BatonInterop",
                "BatonRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Test-only protos (proto3 coverage)
        .target(
            name: "CBatonTestProtos",
            dependencies: ["CProtobufC"],
            path: "Tests/Support/CBatonTestProtos"
        ),
        .target(
            name: "BatonTestProtos",
            dependencies: ["BatonProtobuf", "CBatonTestProtos"],
            path: "Tests/Support/BatonTestProtos",
            swiftSettings: swiftSettings
        ),

        // MARK: Durable saga engine (issue 3), its SQLite store and its PostgreSQL store (several replicas)
        .target(
            name: "BatonWorkflow",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BatonWorkflowSQLite",
            dependencies: [
                "BatonWorkflow",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the few statements each write runs (see SQLiteStep.swift).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BatonWorkflowPostgres",
            dependencies: [
                "BatonWorkflow",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BatonCrashTester",
            dependencies: ["BatonWorkflow", "BatonWorkflowSQLite"],
            swiftSettings: swiftSettings
        ),

        // MARK: The coordination server: its binary API, the services behind it, the `baton` command
        .target(
            name: "CBatonAPIProtos",
            dependencies: ["CProtobufC"]
        ),
        .target(
            name: "BatonAPI",
            dependencies: ["BatonRPC", "BatonProtobuf", "CBatonAPIProtos"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BatonServer",
            dependencies: [
                "BatonAPI", "BatonRPC", "BatonProtobuf", "BatonWorkflow", "BatonWorkflowSQLite", "BatonWorkflowPostgres",
                "OrderFulfillment", "IdentityOperations", "SupplyChainOperations",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ] + nio,
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BatonCommand",
            dependencies: [
                "BatonAllocator",
                "BatonServer", "BatonAPI", "BatonRPC", "BatonWorkflow", "BatonWorkflowSQLite", "BatonWorkflowPostgres", "BatonReferenceServices",
                "OrderFulfillment", "OrderFulfillmentInMemory", "OrderFulfillmentRPC", "IdentityOperations", "IdentityOperationsInMemory",
                "IdentityOperationsRPC", "SupplyChainOperations", "SupplyChainOperationsInMemory", "SupplyChainOperationsRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Atomic services: their API (generated), the reference implementations
        .target(
            name: "CBatonAtomicProtos",
            dependencies: ["CProtobufC"]
        ),
        .target(
            name: "BatonAtomicAPI",
            dependencies: ["BatonRPC", "BatonProtobuf", "CBatonAtomicProtos"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "BatonReferenceServices",
            dependencies: [
                "BatonAtomicAPI", "BatonRPC", "BatonRPCAdapterSupport",
                "OrderFulfillment", "OrderFulfillmentInMemory", "OrderFulfillmentRPC",
                "IdentityOperations", "IdentityOperationsInMemory", "IdentityOperationsRPC",
                "SupplyChainOperations", "SupplyChainOperationsInMemory", "SupplyChainOperationsRPC",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: RPC adapters: what every orchestrator's RPC adapter shares (see `rpcAdapter(_:)`)
        .target(
            name: "BatonRPCAdapterSupport",
            dependencies: ["BatonAtomicAPI", "BatonRPC", "BatonWorkflow", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings
        ),

        // MARK: Contract suites: checks written once, run against every adapter
        .target(
            name: "BatonContractTesting",
            swiftSettings: swiftSettings
        ),

        // MARK: What the in-memory adapters share: idempotency ledger, fault and latency injection
        .target(
            name: "BatonInMemorySupport",
            swiftSettings: swiftSettings
        ),

        // MARK: Test support: a PostgreSQL schema per test on the server of BATON_TEST_POSTGRES_URL
        .target(
            name: "BatonPostgresTesting",
            dependencies: [
                "BatonWorkflow", "BatonWorkflowPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support/BatonPostgresTesting",
            swiftSettings: swiftSettings
        ),

        // MARK: Test support: driving a running engine from orchestrator tests
        .target(
            name: "BatonWorkflowTesting",
            dependencies: ["BatonWorkflow"],
            path: "Tests/Support/BatonWorkflowTesting",
            swiftSettings: swiftSettings
        ),
        // Reference services on a real socket, stopped and started by RPC adapter tests.
        .target(
            name: "BatonReferenceServicesTesting",
            dependencies: ["BatonReferenceServices", "BatonRPC", "BatonRPCAdapterSupport", "BatonWorkflow", "BatonWorkflowSQLite"],
            path: "Tests/Support/BatonReferenceServicesTesting",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(
            name: "BatonProtobufTests",
            dependencies: ["BatonProtobuf", "BatonTestProtos"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatonWorkflowTests",
            dependencies: [
                "BatonWorkflow", "BatonWorkflowTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatonInMemorySupportTests",
            dependencies: ["BatonInMemorySupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatonWorkflowSQLiteTests",
            dependencies: ["BatonWorkflowSQLite", "BatonWorkflow", "BatonPostgresTesting"],
            swiftSettings: swiftSettings
        ),
        // Needs a real PostgreSQL server: BATON_TEST_POSTGRES_URL (dev/test starts one).
        .testTarget(
            name: "BatonWorkflowPostgresTests",
            dependencies: [
                "BatonWorkflowPostgres", "BatonWorkflow", "BatonPostgresTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatonServerTests",
            dependencies: [
                "BatonAllocator", "BatonServer", "BatonAPI", "BatonRPC", "BatonWorkflow", "BatonWorkflowSQLite", "BatonWorkflowPostgres",
                "SupplyChainOperations", "SupplyChainOperationsInMemory",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatonRPCTests",
            dependencies: ["BatonRPC", "BatonInterop", "BatonProtobuf"] + nio,
            swiftSettings: swiftSettings
        ),
    ] + orchestrators.flatMap(orchestrator) + rpcAdapters.flatMap(rpcAdapter)
)
