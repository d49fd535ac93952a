/// Ignition's checks of systemd unit names and contents.
enum SystemdUnitName {
    /// The unit types systemd knows, as Ignition lists them.
    static let suffixes: Set<String> = [
        "service", "socket", "device", "mount", "automount", "swap", "target", "path", "timer", "snapshot",
        "slice", "scope",
    ]

    /// Whether `name` ends in `.<type>` of a known unit type. Ignition checks only the suffix:
    /// `.service` alone passes.
    static func hasValidSuffix(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return false }
        return suffixes.contains(String(name[name.index(after: dot)...]))
    }

    /// Whether unit `contents` has an `[Install]` section header.
    static func hasInstallSection(_ contents: String) -> Bool {
        contents.split(whereSeparator: \.isNewline).contains { line in
            line.trimmingPrefix(while: \.isWhitespace).hasPrefix("[Install]")
        }
    }
}
