#!/bin/bash
## kiln:
##   description: Reboots twice through the autopkgtest interface (Kiln reboots the
##     machine, then the test reboots it itself), and /var keeps what was written.
##   timeoutMin: 10
set -xeuo pipefail
. "$KOLA_EXT_DATA/commonlib.sh"

state=/var/lib/kiln-ext-reboot
boot_id=$(cat /proc/sys/kernel/random/boot_id)
case "${AUTOPKGTEST_REBOOT_MARK:-}" in
    "")
        mkdir -p "$state"
        echo "$boot_id" > "$state/boots"
        ok "first boot $boot_id"
        # Kiln reboots the machine and runs this script again with the mark.
        /tmp/autopkgtest-reboot first-reboot
        ;;
    first-reboot)
        grep -qx "$boot_id" "$state/boots" && fatal "still in the first boot"
        echo "$boot_id" >> "$state/boots"
        ok "second boot $boot_id"
        # This time the test reboots by itself, after telling Kiln the mark.
        /tmp/autopkgtest-reboot-prepare second-reboot
        systemctl reboot
        ;;
    second-reboot)
        grep -qx "$boot_id" "$state/boots" && fatal "boot id $boot_id seen before"
        echo "$boot_id" >> "$state/boots"
        [ "$(sort -u "$state/boots" | wc -l)" = 3 ] || fatal "expected three boots, got: $(cat "$state/boots")"
        ok "third boot $boot_id after two reboots"
        ;;
    *)
        fatal "unexpected mark: ${AUTOPKGTEST_REBOOT_MARK}"
        ;;
esac
