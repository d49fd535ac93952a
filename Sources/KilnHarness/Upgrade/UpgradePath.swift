import Foundation
public import KilnCore

/// One update a run tests: a machine of `from` updated to `to`, expected to boot `to` (or,
/// for a deliberately broken candidate, to roll back to `from`).
public struct UpgradePath: Sendable {
    public let from: LoadedBuild
    public let to: LoadedBuild
    /// Why `from` was chosen (``UpgradeSource/roles``): `n-1`, `n-2`, `oldest`, `parent`, `given`.
    public let roles: [String]
    public let expectation: UpgradeExpectation
    /// The candidate's update method, and its payload on this machine (size and sha256 checked).
    public let method: UpdateMethod
    public let payloadPath: String

    /// - Parameter payload: the candidate's update method and payload, from
    ///   ``verifiedPayload(of:)`` (checked once for all the paths to one candidate).
    /// - Throws: `BuildMetadataError` when `from` does not sort before the candidate.
    public init(from: LoadedBuild, to: LoadedBuild, payload: (method: UpdateMethod, path: String), roles: [String],
                expectRollback: Bool) throws(BuildMetadataError) {
        guard BuildVersion(from.metadata.buildID) < BuildVersion(to.metadata.buildID) else {
            throw BuildMetadataError(source: from.metaPath, message: "build \(from.metadata.buildID) does not sort before \(to.metadata.buildID), so it cannot be updated to it")
        }
        self.from = from
        self.to = to
        self.roles = roles
        self.method = payload.method
        self.payloadPath = payload.path
        self.expectation = expectRollback ? .rolledBack(candidate: to.metadata.bootedVersion) : .updated(to: to.metadata.bootedVersion)
    }

    /// How a machine is updated to `build`, and its payload on this machine.
    /// - Throws: `BuildMetadataError` when the build says nothing of updates, or its payload
    ///   does not match its `meta.json` (size, then sha256).
    public static func verifiedPayload(of build: LoadedBuild) throws(BuildMetadataError) -> (method: UpdateMethod, path: String) {
        let (method, payload) = try build.metadata.updateMethod(source: build.metaPath)
        let directory = (build.metaPath as NSString).deletingLastPathComponent
        let path = payload.path.hasPrefix("/") ? payload.path : "\(directory)/\(payload.path)"
        let check = BuildArtifactCheck(path: path, artifact: payload)
        if let error = check.error(metaPath: build.metaPath, name: method.artifact, path: path, artifact: payload) { throw error }
        return (method, path)
    }

    /// The path's test name: `upgrade.from-<version>` (`upgrade.rollback.from-<version>`).
    public var testName: String {
        UpgradeTestName.name(from: from.metadata.buildID, rollback: expectation.isRollback)
    }

    /// The tags its result carries: `upgrade` (the gate's upgrade-from-current looks for it)
    /// and `upgrade-<role>` per role (`upgrade-n-1`, ...), which a gate policy can require by
    /// tag. A rollback carries only `rollback` and `rollback-<role>`: its candidate is broken,
    /// and its pass must never count as that build's upgrade.
    public var tags: [String] {
        let tag = expectation.isRollback ? GatePolicy.rollbackTag : GatePolicy.upgradeTag
        return [tag] + roles.map { "\(tag)-\($0)" }
    }
}
