/// Where a work directory keeps builds and published release metadata, laid out like Fedora
/// CoreOS's bucket; paths are relative to the work directory, and the same paths under a base
/// URL are where the work directory is served.
///
/// - `builds/builds.json`, `builds/<version>/<arch>/meta.json` and the build's files;
/// - `prod/streams/<stream>/releases.json`, the release index;
/// - `prod/streams/<stream>/builds/<version>/release.json`, a release;
/// - `streams/<stream>.json`, the stream metadata;
/// - `updates/<stream>.json`, the updates metadata (rollouts, barriers, dead-ends).
///
/// Unlike Fedora CoreOS, whose builds are made per stream, a Kiln build is promoted from stream
/// to stream as it is, so its files stay in `builds/` and every release points there.
public enum StreamLayout {
    public static let buildsIndex = "builds/builds.json"

    public static func releaseIndex(stream: String) -> String { "prod/streams/\(stream)/releases.json" }

    public static func release(stream: String, version: String) -> String { "prod/streams/\(stream)/builds/\(version)/release.json" }

    public static func streamMetadata(stream: String) -> String { "streams/\(stream).json" }

    public static func updates(stream: String) -> String { "updates/\(stream).json" }

    /// A file of a build, `builds/<version>/<arch>/<file>`.
    public static func buildFile(version: String, architecture: String, file: String) -> String {
        "builds/\(version)/\(architecture)/\(file)"
    }

    /// `relative` under `baseURL` (a trailing slash of the base is ignored).
    public static func url(_ baseURL: String, _ relative: String) -> String {
        var base = Substring(baseURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        return "\(base)/\(relative)"
    }

    /// Whether `name` can be a stream, version or architecture in a path: letters, digits,
    /// `.`, `_` and `-`, not starting with `.` or `-`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != ".", first != "-" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }
}
