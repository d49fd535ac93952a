/// What names one run's libvirt objects: its domains (`kiln-<run id>-<machine>`), the label in
/// their `<metadata>`, and its work directories on the hosts. Unique per run, not only per output
/// directory: two CI jobs that both write to `--output-dir out` on one shared libvirt host get
/// different ids (`out-3f9a1c2e` and `out-b07d44e1`), so their domains cannot clash.
public struct LibvirtRunID: Sendable, Equatable, CustomStringConvertible {
    /// `<output directory's name>-<token>`, e.g. `kiln-libvirt-20261202-0638-4242-3f9a1c2e`.
    public let value: String

    /// The most characters of the output directory's name kept in the id: the run's work
    /// directory holds private networks' unix sockets, whose paths have at most 107 bytes.
    static let maxPrefixLength = 32
    /// libvirt takes longer names, but QEMU's log file is `/var/log/libvirt/qemu/<name>.log`
    /// (a file name has at most 255 bytes) and names are read in `virsh list`: domain names are
    /// kept to this many characters.
    static let maxDomainNameLength = 120

    /// An id for a run writing to `outputDirectory`, made unique by `token` (default: 8 random
    /// hex digits, 32 bits: a clash between two runs on one host is not to be expected).
    public init(outputDirectory: String, token: String = Self.randomToken()) {
        let base = outputDirectory.split(separator: "/").last.map(String.init) ?? "run"
        let prefix = String(Self.sanitized(base).prefix(Self.maxPrefixLength))
        value = "\(prefix.isEmpty ? "run" : prefix)-\(token)"
    }

    /// An id as it was made before (read back, or in tests).
    public init(value: String) { self.value = value }

    public var description: String { value }

    /// 8 hex digits from the system's random number generator.
    public static func randomToken() -> String {
        let digits = String(UInt32.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// The name of the domain of `machine` (a machine id, unique within the run):
    /// `kiln-<run id>-<machine>`, with characters libvirt or a file name would not take replaced
    /// by `_`; a machine id too long for ``maxDomainNameLength`` is cut and ends with a hash of
    /// the whole id, so that two long ids of one run still get different names.
    public func domainName(machine: String) -> String {
        let head = "kiln-\(value)-"
        let tail = Self.sanitized(machine)
        guard head.count + tail.count > Self.maxDomainNameLength else { return head + tail }
        let hash = "~" + Self.fnv1a(machine)
        let room = max(0, Self.maxDomainNameLength - head.count - hash.count)
        return head + tail.prefix(room) + hash
    }

    /// `text` with every character but ASCII letters, digits, `.`, `_`, `+` and `-` replaced by
    /// `_` (no `/`, which libvirt refuses in a name, no spaces or quotes for the shell).
    static func sanitized(_ text: String) -> String {
        String(text.map { character in
            character.isASCII && (character.isLetter || character.isNumber || "._+-".contains(character)) ? character : "_"
        })
    }

    /// FNV-1a of `text`'s UTF-8 bytes, as 8 hex digits: stable across runs and processes
    /// (Swift's `Hasher` is seeded per process).
    static func fnv1a(_ text: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
