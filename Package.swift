// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
        .library(name: "KilnCore", targets: ["KilnCore"]),
        .library(name: "KilnHarness", targets: ["KilnHarness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C: system libraries and the few calls Swift cannot make itself.
        .systemLibrary(
            name: "CLibSSH2", pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"])]),
        .systemLibrary(
            name: "CLibvirt", pkgConfig: "libvirt",
            providers: [.apt(["libvirt-dev"])]),
        .target(name: "CKilnSupport"),

        // The pure core: models, parsing, selection, reports. No I/O.
        .target(
            name: "KilnCore",
            dependencies: [.product(name: "Yams", package: "Yams")]),
        // The seam between the harness and the backends.
        .target(
            name: "KilnPlatform",
            dependencies: ["CKilnSupport", "KilnCore", .product(name: "Logging", package: "swift-log")]),
        // SSH over libssh2.
        .target(
            name: "KilnSSH",
            dependencies: [
                "CLibSSH2", "KilnCore", "KilnPlatform",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // QEMU started directly as Kiln's child.
        .target(
            name: "KilnQEMU",
            dependencies: [
                "CKilnSupport", "KilnCore", "KilnPlatform", "KilnSSH",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Machines as transient libvirt domains.
        .target(
            name: "KilnLibvirt",
            dependencies: [
                "CLibvirt", "KilnCore", "KilnPlatform", "KilnSSH",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Scheduling, timeouts, artifacts, reports.
        .target(
            name: "KilnHarness",
            dependencies: [
                "KilnCore", "KilnPlatform", "KilnQEMU", "KilnSSH",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The results database: every run and test attempt, in SQLite; the gate's history.
        .target(
            name: "KilnResults",
            dependencies: ["KilnCore", "KilnHarness", "KilnPlatform", .product(name: "GRDB", package: "GRDB.swift")]),
        // The built-in checks.
        .target(
            name: "KilnChecks",
            dependencies: ["KilnCore", "KilnPlatform", "KilnHarness"]),
        .executableTarget(
            name: "kiln",
            dependencies: [
                "KilnCore", "KilnHarness", "KilnChecks", "KilnQEMU", "KilnLibvirt", "KilnResults", "CKilnSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Test support, like hummingbird's HummingbirdTesting.
        .target(
            name: "KilnTesting",
            dependencies: ["KilnCore", "KilnPlatform"]),
        .testTarget(
            name: "KilnCoreTests",
            dependencies: [
                "KilnCore", "KilnTesting",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(name: "KilnQEMUTests", dependencies: ["KilnQEMU", "KilnCore", "KilnPlatform", "KilnTesting"]),
        .testTarget(name: "KilnSSHTests", dependencies: ["KilnSSH", "KilnTesting"]),
        .testTarget(name: "KilnLibvirtTests", dependencies: ["KilnLibvirt", "KilnTesting"]),
        .testTarget(name: "KilnHarnessTests", dependencies: ["KilnHarness", "KilnChecks", "KilnCore", "KilnPlatform"]),
        // These run the built `kiln` (the results tests kill -9 its hidden writer); depending on it
        // makes `swift test` build it.
        .testTarget(
            name: "KilnIntegrationTests",
            dependencies: ["kiln", "KilnHarness", "KilnChecks", "KilnQEMU", "KilnLibvirt", "KilnTesting"]),
        .testTarget(
            name: "KilnCLITests",
            dependencies: ["kiln", "KilnCore", "KilnPlatform", "KilnTesting", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(
            name: "KilnResultsTests",
            dependencies: ["kiln", "KilnResults", "KilnCore", "KilnTesting", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)

// Strict settings for every target of ours, as swift-log does.
for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("NonisolatedNonsendingByDefault"))
    target.swiftSettings = settings
}
