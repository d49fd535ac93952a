public import Foundation

/// A run as it begins: what ``ResultsDatabase/beginRun(_:)`` records.
public struct RunStart: Sendable, Equatable {
    /// The build's id (`meta.json`'s `buildid`).
    public var build: String
    /// The stream the build was tested for, when known.
    public var stream: String?
    public var arch: String
    /// `qemu` or `libvirt`.
    public var platform: String
    public var kilnVersion: String
    /// Where the run's artifacts and reports go.
    public var outputDirectory: String
    public var startedAt: Date
    /// The host and process of the Kiln that runs it, to tell later whether it died.
    public var host: String
    public var pid: Int32

    public init(build: String, stream: String?, arch: String, platform: String, kilnVersion: String, outputDirectory: String,
                startedAt: Date = Date(), host: String = ProcessInfo.processInfo.hostName, pid: Int32 = getpid()) {
        self.build = build
        self.stream = stream
        self.arch = arch
        self.platform = platform
        self.kilnVersion = kilnVersion
        self.outputDirectory = outputDirectory
        self.startedAt = startedAt
        self.host = host
        self.pid = pid
    }
}

/// Where a recorded run stands.
public enum RunStatus: String, Sendable, Equatable, CaseIterable {
    /// Its Kiln still runs it, or died on a host where the database was not opened since.
    case running
    /// Its Kiln recorded its end.
    case finished
    /// It was stopped (a signal) or its Kiln died; what it recorded still counts.
    case interrupted
}
