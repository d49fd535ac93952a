#!/bin/bash
## kiln:
##   description: Must time out - a script that hangs is killed at its timeoutMin and
##     the shared machine goes on (run with --tag kiln-selftest).
##   requiredTag: kiln-selftest
##   exclusive: false
##   timeoutMin: 1
echo "hanging on purpose"
sleep infinity
