#!/bin/bash
## kiln:
##   description: The guest cannot reach outside networks (no test here asks for
##     needs-internet), yet its SSH port answers.
##   exclusive: false
set -xeuo pipefail
. "$KOLA_EXT_DATA/commonlib.sh"

for target in 1.1.1.1/80 8.8.8.8/53 10.0.2.2/22; do
    if timeout 5 bash -c "exec 3<>/dev/tcp/${target}" 2>/dev/null; then
        fatal "reached $target"
    fi
done
ss -Htln 'sport = :22' | grep -q . || fatal "nothing listens on port 22"
ok "isolated"
