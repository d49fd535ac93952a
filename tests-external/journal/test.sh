#!/bin/bash
## kiln:
##   description: The journal has this boot's Ignition run, messages logged now, and the
##     test's own output under its unit.
##   exclusive: false
set -xeuo pipefail
. "$KOLA_EXT_DATA/commonlib.sh"

# The first boot's Ignition ran in the initramfs; its messages reached the journal.
journalctl -b 0 -t ignition --no-pager | grep -q "files: op(" || fatal "no Ignition files stage in this boot's journal"
marker="kiln-marker-$RANDOM-$$"
logger -t kiln-ext-journal -p user.warning "$marker"
echo "stdout-$marker"
for _ in $(seq 50); do
    if journalctl -t kiln-ext-journal -p warning --no-pager -o cat | grep -qx "$marker" &&
       journalctl -u "$KOLA_UNIT" --no-pager -o cat | grep -qx "stdout-$marker"; then
        ok "journal has $marker from logger and from the test's standard output"
        exit 0
    fi
    sleep 0.2
done
fatal "$marker did not reach the journal"
