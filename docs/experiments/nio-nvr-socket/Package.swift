// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "NIOProto",
    dependencies: [.package(path: "../../../.build/checkouts/swift-nio")],
    targets: [.executableTarget(name: "NIOProto", dependencies: [
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
    ])]
)
