// swift-tools-version: 6.0
import PackageDescription

/// One settings list for every target: Swift 6 language mode is the package default;
/// these add the checks we want everywhere.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "slawatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "slawatch", targets: ["slawatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    ],
    targets: [
        .target(name: "BusinessTime", swiftSettings: settings),
        .target(name: "SLAEngine", dependencies: ["BusinessTime"], swiftSettings: settings),
        .target(name: "SLAReport", dependencies: ["SLAEngine", "BusinessTime"], swiftSettings: settings),
        .target(
            name: "SLAConfig",
            dependencies: ["SLAEngine", "SLAReport", "BusinessTime", "Transport", .product(name: "Yams", package: "Yams")],
            swiftSettings: settings
        ),
        .target(name: "TicketSources", dependencies: ["SLAEngine", "Transport"], swiftSettings: settings),
        .target(
            name: "StateStore",
            dependencies: [
                "SLAEngine", "Transport", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "Transport", dependencies: ["CCurl"], swiftSettings: settings),
        .target(
            name: "Delivery",
            dependencies: ["Transport", "SLAEngine", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings
        ),
        .target(
            name: "Service",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: settings
        ),
        .target(
            name: "Daemon",
            dependencies: [
                "SLAConfig", "SLAEngine", "SLAReport", "BusinessTime", "TicketSources", "StateStore", "Transport", "Delivery",
                "Service", .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "slawatch",
            dependencies: [
                "Daemon", "Service", "SLAConfig", "SLAEngine", "SLAReport", "BusinessTime", "TicketSources", "StateStore",
                "Transport", "Delivery", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "slawatch-bench",
            dependencies: [
                "SLAEngine", "BusinessTime", "SLAConfig", "StateStore", "TicketSources", "Daemon", "Service", "Transport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/slawatch-bench",
            swiftSettings: settings
        ),
        .target(name: "BenchSupport", path: "Benchmarks/BenchSupport", swiftSettings: settings),
        .executableTarget(
            name: "delivery-bench",
            dependencies: ["Transport", "Delivery", "SLAEngine", "BenchSupport"],
            path: "Benchmarks/delivery-bench",
            swiftSettings: settings
        ),
        .executableTarget(
            name: "e2e-bench",
            dependencies: ["Transport", "BenchSupport"],
            path: "Benchmarks/e2e-bench",
            swiftSettings: settings
        ),
        .testTarget(name: "BusinessTimeTests", dependencies: ["BusinessTime"], exclude: ["Fixtures"], swiftSettings: settings),
        .testTarget(name: "SLAEngineTests", dependencies: ["SLAEngine", "BusinessTime"], swiftSettings: settings),
        .testTarget(name: "SLAReportTests", dependencies: ["SLAReport", "SLAEngine", "BusinessTime"], swiftSettings: settings),
        .testTarget(
            name: "SLAConfigTests",
            dependencies: ["SLAConfig", "SLAEngine", "BusinessTime"],
            exclude: ["Fixtures"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "TicketSourcesTests",
            dependencies: ["TicketSources", "SLAEngine", "Transport", "TestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "StateStoreTests",
            dependencies: [
                "StateStore", "SLAEngine", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .target(name: "TestSupport", dependencies: ["Transport"], path: "Tests/TestSupport", swiftSettings: settings),
        .testTarget(
            name: "DeliveryTests",
            dependencies: ["Delivery", "Transport", "SLAEngine", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Fixtures"],
            swiftSettings: settings
        ),
        .testTarget(name: "ServiceTests", dependencies: ["Service"], swiftSettings: settings),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "Service", "SLAEngine", "SLAConfig", "StateStore", "TicketSources", "Transport", "Delivery", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["Fixtures"], swiftSettings: settings
        ),
        .testTarget(name: "CLITests", dependencies: ["slawatch", "TestSupport"], exclude: ["Fixtures"], swiftSettings: settings),
    ]
)
