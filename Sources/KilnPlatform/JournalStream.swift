public import KilnCore

/// The guest side of the journal stream: a systemd unit Kiln adds to every machine's config that
/// copies the journal of each boot, from early on, to the virtio-serial port
/// `org.kiln.journal`, which the platform writes to `journal-stream.txt`. So the journal is on
/// the host even when networking or sshd never came up, and it covers every boot of the machine.
public enum JournalStream {
    public static let unitName = "kiln-journal-stream.service"
    public static let portName = "org.kiln.journal"
    /// The file beside the console that holds the stream.
    public static let fileName = "journal-stream.txt"

    public static let unitContents = """
        [Unit]
        Description=Kiln: stream this boot's journal to the host (virtio-serial port \(portName))
        DefaultDependencies=no
        BindsTo=dev-virtio\\x2dports-org.kiln.journal.device
        After=dev-virtio\\x2dports-org.kiln.journal.device systemd-journald.service

        [Service]
        ExecStart=/bin/sh -c 'exec journalctl --boot --follow --no-tail --no-pager --output=short-monotonic > /dev/virtio-ports/\(portName)'
        Restart=on-failure

        [Install]
        WantedBy=sysinit.target

        """

    /// `config` with the unit added (enabled).
    public static func adding(to config: IgnitionConfig) -> IgnitionConfig {
        config.merged(withSections: [
            JSONMember(key: "systemd", value: .object([JSONMember(key: "units", value: .array([.object([
                JSONMember(key: "name", value: .string(unitName)),
                JSONMember(key: "enabled", value: true),
                JSONMember(key: "contents", value: .string(unitContents)),
            ])]))])),
        ])
    }
}
