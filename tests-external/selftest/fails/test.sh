#!/bin/bash
## kiln:
##   description: Must fail - proves that a failing script is reported as FAIL with its
##     exit status and last output (run with --tag kiln-selftest).
##   requiredTag: kiln-selftest
##   exclusive: false
echo "about to fail on purpose"
echo "this goes to standard error" >&2
exit 3
