// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "lookout",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lookout", targets: ["LookoutCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        // Domain: NVRs, cameras, presence events, renewal jobs, settings. No I/O.
        .target(
            name: "LookoutCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Redis client: hiredis's RESP reader and command formatter inside a SwiftNIO channel.
        .target(
            name: "LookoutRedis",
            dependencies: [
                "CHiredis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL: migrations and repositories.
        .target(
            name: "LookoutStore",
            dependencies: [
                "LookoutCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Hik-Connect for Teams OpenAPI client: shared token, shared 5 req/s limit, circuit breaker.
        .target(
            name: "LookoutHikConnect",
            dependencies: [
                "LookoutCore", "LookoutRedis",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Hik-Connect cloud as an HTTP server, for demos, tests and load (`lookout simulate hik-cloud`).
        .target(
            name: "LookoutHikSimulator",
            dependencies: [
                "LookoutCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"), "LookoutNotify",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // MediaMTX: render and write mediamtx.yml, drive the Control API, the single-writer sync.
        .target(
            name: "LookoutMediaMTX",
            dependencies: [
                "LookoutCore", "LookoutRedis",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A MediaMTX Control API double that follows the contract (`lookout simulate mediamtx`).
        .target(
            name: "LookoutMediaMTXSimulator",
            dependencies: [
                "LookoutCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Numbered dashboard notifications: sequence, capped history and pub/sub in one Lua call.
        .target(
            name: "LookoutNotify",
            dependencies: ["LookoutCore", "LookoutRedis"],
            swiftSettings: swiftSettings
        ),
        // Simulated NVR agents (and, with the streams issue, the Hik-Connect cloud).
        .target(
            name: "LookoutSimulator",
            dependencies: [
                "LookoutCore",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LookoutGateway",
            dependencies: [
                "LookoutCore", "LookoutRedis", "LookoutStore", "LookoutNotify",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The dashboard's page, script and style sheet: real files, compiled into the binary
            // (`PackageResources`), so a packaged `lookout` needs no resource folder beside it.
            resources: [
                .embedInCode("Dashboard/Assets/index.html"), .embedInCode("Dashboard/Assets/dashboard.js"),
                .embedInCode("Dashboard/Assets/dashboard.css"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LookoutWorkers",
            dependencies: [
                "LookoutCore", "LookoutRedis", "LookoutStore", "LookoutNotify", "LookoutHikConnect", "LookoutMediaMTX",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // `lookout bench …`: load generators and measurements, run by hand (docs/benchmarks.md);
        // `lookout chaos`: the fault matrix (Chaos/, docs/reliability.md).
        .target(
            name: "LookoutBench",
            dependencies: [
                "LookoutCore", "LookoutRedis", "LookoutStore", "LookoutWorkers", "LookoutNotify", "LookoutSimulator", "LookoutMediaMTX",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "LookoutCLI",
            dependencies: [
                "LookoutCore", "LookoutRedis", "LookoutStore", "LookoutGateway", "LookoutWorkers", "LookoutSimulator",
                "LookoutHikConnect", "LookoutHikSimulator", "LookoutMediaMTX", "LookoutMediaMTXSimulator", "LookoutBench", "LookoutNotify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutCoreTests",
            dependencies: ["LookoutCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutRedisTests",
            dependencies: ["LookoutRedis", "LookoutTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutStoreTests",
            dependencies: ["LookoutStore", "LookoutTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutSimulatorTests",
            dependencies: ["LookoutSimulator", "LookoutTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutPresenceTests",
            dependencies: [
                "LookoutCore", "LookoutRedis", "LookoutStore", "LookoutSimulator", "LookoutTestSupport", "LookoutNotify",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutStreamsTests",
            dependencies: [
                "LookoutTestSupport", "LookoutCore", "LookoutRedis", "LookoutStore", "LookoutWorkers", "LookoutHikConnect", "LookoutHikSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"), .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutHikConnectTests",
            dependencies: ["LookoutHikConnect", "LookoutHikSimulator", "LookoutRedis", "LookoutTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutMediaMTXTests",
            dependencies: [
                "LookoutMediaMTX", "LookoutMediaMTXSimulator", "LookoutRedis", "LookoutStore", "LookoutTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutGatewayTests",
            dependencies: [
                "LookoutGateway", "LookoutCore", "LookoutRedis", "LookoutTestSupport", "LookoutNotify",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutAPITests",
            dependencies: [
                "LookoutGateway", "LookoutStore", "LookoutRedis", "LookoutTestSupport", "LookoutMediaMTXSimulator",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutBenchTests",
            dependencies: ["LookoutBench"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LookoutCLITests",
            dependencies: ["LookoutTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Shared by the test targets: the servers `make test` started, child processes, waiting.
        .target(
            name: "LookoutTestSupport",
            dependencies: [
                "LookoutStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/LookoutTestSupport",
            swiftSettings: swiftSettings
        ),
    ]
)
