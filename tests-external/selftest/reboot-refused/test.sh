#!/bin/bash
## kiln:
##   description: Must fail - a test on a shared machine may not reboot it (run with
##     --tag kiln-selftest).
##   requiredTag: kiln-selftest
##   exclusive: false
set -euo pipefail
/tmp/autopkgtest-reboot not-allowed
echo "not reached"
