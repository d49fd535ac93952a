import Foundation
import KilnCore
import KilnPlatform

/// The label Kiln puts in the `<metadata>` of every domain it starts: the run, the host Kiln
/// ran on, its pid and its start time, so that `kiln gc` can tell a live run's domains from
/// leftovers — also once the pid has been reused by another process, which has another start time.
public struct KilnDomainLabel: Sendable, Equatable {
    public var runID: String
    public var host: String
    public var pid: Int32
    /// Kiln's start time on `host` (clock ticks after boot, as in ``ProcessIdentity``); nil in
    /// the labels of Kilns that did not write it.
    public var startTime: UInt64?

    public init(runID: String, host: String, pid: Int32, startTime: UInt64? = nil) {
        self.runID = runID
        self.host = host
        self.pid = pid
        self.startTime = startTime
    }

    /// The element in `<metadata>`: `<kiln:run xmlns:kiln="NAMESPACE" id=... host=... pid=... started=.../>`.
    public func element(namespace: String) -> String {
        func a(_ text: String) -> String { XMLText.attribute(text) }
        let started = startTime.map { " started=\"\($0)\"" } ?? ""
        return "<kiln:run xmlns:kiln=\"\(a(namespace))\" id=\"\(a(runID))\" host=\"\(a(host))\" pid=\"\(pid)\"\(started)/>"
    }

    /// Reads the element libvirt returns for ``LibvirtDomainXML/metadataNamespace`` (libvirt
    /// may change its prefix and the order of its attributes); nil when it is not Kiln's.
    public init?(element: String) {
        func attribute(_ name: String) -> String? {
            for quote in ["\"", "'"] {
                guard let start = element.range(of: " \(name)=\(quote)") else { continue }
                let rest = element[start.upperBound...]
                guard let end = rest.firstIndex(of: Character(quote)) else { return nil }
                return String(rest[..<end])
                    .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
                    .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                    .replacingOccurrences(of: "&amp;", with: "&")
            }
            return nil
        }
        guard let runID = attribute("id"), let host = attribute("host"), let pid = attribute("pid").flatMap({ Int32($0) }) else {
            return nil
        }
        self.init(runID: runID, host: host, pid: pid, startTime: attribute("started").flatMap { UInt64($0) })
    }
}
