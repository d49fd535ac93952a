#!/bin/bash
## kiln:
##   description: kola's machine options in the header reach the machine - more
##     memory, an extra disk, an extra NIC.
##   minMemory: 1536
##   additionalDisks: ["1G"]
##   additionalNics: 1
##   timeoutMin: 5
set -xeuo pipefail
. "$KOLA_EXT_DATA/commonlib.sh"

mem_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
[ "$mem_kib" -gt $((1300 * 1024)) ] || fatal "MemTotal is ${mem_kib} kB, asked for 1536 MiB"
[ "$(lsblk -bdno SIZE /dev/vdb)" = $((1024 * 1024 * 1024)) ] || fatal "no 1 GiB /dev/vdb: $(lsblk -bdno NAME,SIZE)"
nics=$(ls /sys/class/net | grep -vx lo | wc -l)
[ "$nics" -ge 2 ] || fatal "$nics NIC(s), asked for one more"
ok "memory ${mem_kib} kB, /dev/vdb, $nics NICs"
