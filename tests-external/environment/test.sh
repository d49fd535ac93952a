#!/bin/bash
## kiln:
##   description: The script runs as root in a systemd unit of its own, with kola's
##     environment.
##   exclusive: false
set -xeuo pipefail
. "$KOLA_EXT_DATA/commonlib.sh"

[ "$(id -u)" = 0 ] || fatal "not root"
[ -n "${INVOCATION_ID:-}" ] || fatal "not started by systemd"
[ "$(systemctl show -p ActiveState --value "$KOLA_UNIT")" = active ] || fatal "$KOLA_UNIT is not active"
[ "$(systemctl show -p Id --value "$KOLA_UNIT")" = "$KILN_UNIT" ] || fatal "KILN_UNIT differs"
[[ "$KOLA_TEST" == ext.*.environment ]] || fatal "KOLA_TEST is $KOLA_TEST"
[ "$KOLA_TEST_EXE" = test.sh ] || fatal "KOLA_TEST_EXE is $KOLA_TEST_EXE"
[ -z "${AUTOPKGTEST_REBOOT_MARK:-}" ] || fatal "a reboot mark before any reboot"
[ -x /tmp/autopkgtest-reboot ] && [ -x /tmp/autopkgtest-reboot-prepare ] || fatal "no autopkgtest reboot helpers"
ok "environment"
