#!/bin/bash
# Kiln reference guest: glue around Debian's unmodified Ignition dracut module (30ignition).
#  - a no-op setfiles (Ignition 2.14 always relabels; there is no SELinux here),
#  - the Ignition base config that creates user core,
#  - an emergency hook that prints Ignition's errors to the console before the
#    emergency action (rd.emergency=poweroff, or reboot for an updated slot) runs,
#  - the persistent var partition on /sysroot/var and the /etc overlay whose upper layer
#    lives there, both mounted before Ignition's mount and files stages,
#  - systemd-networkd (dracut's network module, which Ignition's needs) on the first boot only.

check() {
    return 0
}

depends() {
    echo ignition
}

installkernel() {
    instmods overlay ext4
}

install() {
    inst_script "$moddir/setfiles" /usr/sbin/setfiles
    inst_simple "$moddir/10-core-user.ign" /usr/lib/ignition/base.d/10-core-user.ign
    inst_script "$moddir/kiln-guest-report-failure" /usr/bin/kiln-guest-report-failure
    inst_multiple journalctl systemctl grep sed head
    # dracut-emergency sources the "emergency" hooks (rd.shell=1) or the
    # "shutdown-emergency" hooks (rd.shell=0) before it powers off/reboots/halts.
    inst_hook emergency 10 "$moddir/kiln-guest-failure-hook.sh"
    inst_hook shutdown-emergency 10 "$moddir/kiln-guest-failure-hook.sh"

    local unit
    for unit in systemd-networkd.service systemd-networkd.socket; do
        inst_simple "$moddir/10-kiln-firstboot-only.conf" "$systemdsystemunitdir/$unit.d/10-kiln-firstboot-only.conf"
    done
    for unit in sysroot-var.mount sysroot-etc.mount; do
        inst_simple "$moddir/$unit" "$systemdsystemunitdir/$unit"
        mkdir -p "${initdir}${systemdsystemunitdir}/initrd-root-fs.target.requires"
        ln_r "$systemdsystemunitdir/$unit" "$systemdsystemunitdir/initrd-root-fs.target.requires/$unit"
    done
}
