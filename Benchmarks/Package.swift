// swift-tools-version:6.1
// Baton's benchmarks: a package of their own, so the main build never compiles them.
// Run them through the scripts in dev/ (dev/bench-saga, dev/bench-api), in release mode.
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
                .product(name: "BatonWorkflow", package: "Baton"),
                .product(name: "BatonWorkflowSQLite", package: "Baton"),
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
    ]
)
