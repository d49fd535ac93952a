import Foundation

/// The label Kiln puts in the `<metadata>` of every domain it starts: the run, the host Kiln
/// ran on and its pid, so that `kiln gc` can tell a live run's domains from leftovers.
public struct KilnDomainLabel: Sendable, Equatable {
    public var runID: String
    public var host: String
    public var pid: Int32

    public init(runID: String, host: String, pid: Int32) {
        self.runID = runID
        self.host = host
        self.pid = pid
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
        self.init(runID: runID, host: host, pid: pid)
    }
}
