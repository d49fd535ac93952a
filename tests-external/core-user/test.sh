#!/bin/bash
## kiln:
##   description: The login user core exists, may sudo without a password, and its
##     SSH keys file is private.
##   exclusive: false
set -xeuo pipefail
. "$KOLA_EXT_DATA/commonlib.sh"

id core >/dev/null || fatal "no user core"
id -nG core | tr ' ' '\n' | grep -qx wheel || fatal "core is not in wheel"
runuser -u core -- sudo -n true || fatal "core cannot sudo without a password"
keys=$(getent passwd core | cut -d: -f6)/.ssh/authorized_keys
[ -s "$keys" ] || [ -d "$keys.d" ] || fatal "no authorized keys for core"
if [ -e "$keys" ]; then
    [ "$(stat -c %U "$keys")" = core ] || fatal "$keys is not core's"
    [ $(( 0$(stat -c %a "$keys") & 077 )) -eq 0 ] || fatal "$keys is readable by others"
fi
ok "core user"
