public import Foundation

extension ReleaseMetadata {
    /// The release of `build` in `stream`, on the build's architecture: its `qemu` disk
    /// `image` (as `meta.json` describes it) at `<baseURL>/builds/<version>/<arch>/<path>`,
    /// modified at `at`.
    ///
    /// The commit is the build's OSTree commit, or for a build without one (Kiln's reference
    /// guest) the image's sha256. The format is named from the image's file name as Fedora
    /// CoreOS names it: `qcow2` for `*.qcow2`, `qcow2.xz` for `*.qcow2.xz`.
    public init(build: BuildMetadata, image: BuildArtifact, stream: String, baseURL: String, at: Date) {
        let location = StreamLayout.url(baseURL, StreamLayout.buildFile(version: build.buildID, architecture: build.architecture,
                                                                        file: image.path))
        let disk = ReleaseArtifact(location: location, sha256: image.sha256, uncompressedSHA256: image.uncompressedSHA256)
        let qemu = Platform(artifacts: [Self.formatName(of: image.path): ImageFormat(disk: disk)])
        self.init(release: build.buildID, stream: stream, lastModified: StreamJSON.timestamp(at),
                  architectures: [build.architecture: Architecture(commit: build.ostreeCommit ?? image.sha256, media: Media(qemu: qemu))])
    }

    /// The format of a qcow2 file, from its name: the part from `qcow2` on, else `qcow2`.
    static func formatName(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let range = name.range(of: ".qcow2", options: .backwards) else { return "qcow2" }
        return String(name[name.index(after: range.lowerBound)...])
    }

    /// This release with the architectures of `other` (a release of the same version) added
    /// or replaced, modified when `other` was.
    public func merging(_ other: ReleaseMetadata) -> ReleaseMetadata {
        var merged = self
        merged.architectures.merge(other.architectures) { _, new in new }
        merged.lastModified = other.lastModified ?? lastModified
        return merged
    }
}
