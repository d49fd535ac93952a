#!/bin/bash
## kiln:
##   description: Reboots by itself through the autopkgtest interface (it tells Kiln the
##     mark, then runs systemctl reboot), and /var keeps what was written. The other way,
##     Kiln rebooting the machine for /tmp/autopkgtest-reboot, is what the Fedora
##     CoreOS-style copy in fixtures/external/fcos-style does.
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
        # The test reboots by itself, after telling Kiln the mark.
        /tmp/autopkgtest-reboot-prepare rebooted
        systemctl reboot
        ;;
    rebooted)
        grep -qx "$boot_id" "$state/boots" && fatal "boot id $boot_id seen before"
        echo "$boot_id" >> "$state/boots"
        [ "$(sort -u "$state/boots" | wc -l)" = 2 ] || fatal "expected two boots, got: $(cat "$state/boots")"
        ok "second boot $boot_id after the reboot"
        ;;
    *)
        fatal "unexpected mark: ${AUTOPKGTEST_REBOOT_MARK}"
        ;;
esac
