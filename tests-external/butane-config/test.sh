#!/bin/bash
## kiln:
##   description: The Butane config beside the script (with a local file) is merged
##     into the machine's config, on a machine shared with other tests.
##   exclusive: false
set -xeuo pipefail
. "$KOLA_EXT_DATA/commonlib.sh"

[ "$(cat /etc/kiln-ext/butane.conf)" = "setting=from the test directory" ] || fatal "butane.conf has the wrong contents"
[ "$(stat -c %a /etc/kiln-ext/butane.conf)" = 640 ] || fatal "butane.conf has mode $(stat -c %a /etc/kiln-ext/butane.conf)"
is_service_active kiln-ext-butane.service || fatal "kiln-ext-butane.service is not active"
[ "$(cat /run/kiln-ext-butane.ok)" = from-butane ] || fatal "the unit did not run"
ok "butane config"
