// swift-tools-version:6.1
// Baton's benchmarks: a package of their own, so the main build never compiles them.
// Run them through the scripts in dev/ (dev/bench-saga), in release mode.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "BatonBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Baton", path: "..")
    ],
    targets: [
        // The durable-saga benchmark of issue 3: fsync reference, sagas/s, start latency, parked RSS.
        .executableTarget(
            name: "SagaBenchmark",
            dependencies: [
                .product(name: "BatonWorkflow", package: "Baton"),
                .product(name: "BatonWorkflowSQLite", package: "Baton"),
            ],
            swiftSettings: swiftSettings
        )
    ]
)
