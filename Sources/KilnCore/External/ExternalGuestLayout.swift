/// Where an external test lives in its guest.
public enum ExternalGuestLayout {
    /// Root of every external test's state in the guest: on `/var`, so a reboot keeps it.
    public static let root = "/var/opt/kiln/ext"

    /// `/var/opt/kiln/ext/<test name>`: the script, `data/` (`KOLA_EXT_DATA`) and reboot marks.
    public static func stateDirectory(of test: String) -> String {
        "\(root)/\(test)"
    }

    /// `kiln-ext-<test name>.service`, with characters systemd does not take in unit names
    /// replaced by `_`.
    public static func unitName(of test: String) -> String {
        let safe = test.unicodeScalars.map { scalar -> String in
            let allowed = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || ":_.-".unicodeScalars.contains(scalar)
            return allowed ? String(scalar) : "_"
        }.joined()
        return "kiln-ext-\(safe.prefix(200)).service"
    }
}
