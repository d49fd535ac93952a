#!/bin/bash
## kiln:
##   description: The root file system is mounted read-write from the disk, /var and /tmp
##     take writes, and no mount failed.
##   exclusive: false
set -xeuo pipefail
. "$KOLA_EXT_DATA/commonlib.sh"

findmnt -n -o OPTIONS / | tr ',' '\n' | grep -qx rw || fatal "/ is not read-write"
[[ "$(findmnt -n -o SOURCE /)" == /dev/* ]] || fatal "/ does not come from a disk"
for dir in /var /tmp; do
    f=$(mktemp -p "$dir")
    echo data > "$f" && rm "$f" || fatal "$dir takes no writes"
done
failed=$(systemctl list-units --type=mount --state=failed --no-legend --plain)
[ -z "$failed" ] || fatal "failed mounts: $failed"
ok "filesystem"
