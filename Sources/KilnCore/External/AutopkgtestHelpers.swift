/// The autopkgtest reboot interface Fedora CoreOS tests use, as scripts Kiln installs in the
/// guest's `/tmp` before every run of a test script (so, again after each reboot):
///
/// - `/tmp/autopkgtest-reboot MARK` records MARK and waits; Kiln reboots the machine and runs
///   the script again with `AUTOPKGTEST_REBOOT_MARK=MARK`.
/// - `/tmp/autopkgtest-reboot-prepare MARK` records MARK and returns; the script reboots the
///   machine itself, and Kiln runs it again in the new boot.
///
/// Marks go to the test's state directory (`$KILN_EXT_STATE`, on `/var`, so they outlive a
/// reboot Kiln did not see coming). On a machine shared with other tests both refuse, so the
/// script fails with the reason. Soft reboots (`autopkgtest-soft-reboot`) are not supported.
public enum AutopkgtestHelpers {
    /// Guest path → script text.
    public static func scripts(refusingReboots: Bool) -> [(path: String, text: String)] {
        let refusal = """
            #!/bin/sh
            # Installed by Kiln: this test shares its machine with other tests, so it may not reboot it.
            echo "$0: reboots are refused on a machine shared with other tests (the test is not exclusive; set exclusive: true in its header)" >&2
            exit 1

            """
        let unsupported = """
            #!/bin/sh
            # Installed by Kiln, which does not support soft reboots.
            echo "$0: soft reboots are not supported by Kiln; use /tmp/autopkgtest-reboot" >&2
            exit 1

            """
        return [
            ("/tmp/autopkgtest-reboot", refusingReboots ? refusal : mark(file: "reboot-mark", waits: true)),
            ("/tmp/autopkgtest-reboot-prepare", refusingReboots ? refusal : mark(file: "reboot-prepared", waits: false)),
            ("/tmp/autopkgtest-soft-reboot", unsupported),
            ("/tmp/autopkgtest-soft-reboot-prepare", unsupported),
        ]
    }

    private static func mark(file: String, waits: Bool) -> String {
        """
        #!/bin/sh
        # Installed by Kiln (the autopkgtest reboot interface): records MARK; \(waits
            ? "Kiln then reboots the machine\n# and runs the test again with AUTOPKGTEST_REBOOT_MARK=MARK. Waits for the reboot."
            : "the test then reboots the machine\n# itself, and Kiln runs it again with AUTOPKGTEST_REBOOT_MARK=MARK.")
        set -eu
        if [ $# -ne 1 ] || [ -z "$1" ]; then echo "usage: $0 MARK" >&2; exit 2; fi
        state=${KILN_EXT_STATE:?$0 must be run by a Kiln external test}
        printf '%s\\n' "$1" >"$state/\(file).new"
        mv "$state/\(file).new" "$state/\(file)"
        sync
        \(waits ? "echo \"$0: reboot requested (mark $1); Kiln reboots the machine\" >&2\nexec sleep infinity" : "exit 0")

        """
    }
}
