// swift-tools-version:6.1
// Baton's benchmarks: a package of their own, so the main build never compiles them.
// Run them through the scripts in dev/ (dev/bench-saga, dev/bench-api, dev/bench-rpc), in release mode.
// grpc-swift-2 is here only as a peer to measure Baton's RPC server against; the product never uses it.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "BatonBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Baton", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // SQLite's C API, for the bare-SQLite floor of a durable start (SagaBenchmark's SQLiteCommitProbe).
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // The grpc-swift-2 peer of dev/bench-rpc (GRPCSwiftPeer) only.
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // What every benchmark shares: the fsync reference, latency samples, argument and table helpers.
        .target(
            name: "BenchmarkSupport",
            swiftSettings: swiftSettings
        ),
        // The durable-saga benchmark of issue 3: fsync reference, sagas/s, start latency, parked RSS.
        .executableTarget(
            name: "SagaBenchmark",
            dependencies: [
                "BenchmarkSupport",
                // The allocator `baton serve` runs the engine on (jemalloc), so that the engine is measured as it runs there.
                .product(name: "BatonAllocator", package: "Baton"),
                .product(name: "BatonWorkflow", package: "Baton"),
                .product(name: "BatonWorkflowSQLite", package: "Baton"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The API benchmark of issue 6: StartWorkflow and PlaceOrder over RPC against a spawned `baton serve`.
        .executableTarget(
            name: "APIBenchmark",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "BatonAPI", package: "Baton"),
                .product(name: "BatonRPC", package: "Baton"),
            ],
            swiftSettings: swiftSettings
        ),
        // The grpc-swift-2 peer of dev/bench-rpc: grpc.testing.TestService/UnaryCall over the HTTP/2 NIO
        // transport, plaintext. Its message and service code in Generated/ comes from
        // proto/grpc/testing/*.proto through Benchmarks/generate-grpc-swift-peer.sh.
        .executableTarget(
            name: "GRPCSwiftPeer",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
