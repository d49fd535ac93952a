#!/bin/bash
## kiln:
##   description: data/ arrives at KOLA_EXT_DATA (also KILN_EXT_DATA) with its
##     subdirectories, modes, and symlinks followed.
##   exclusive: false
set -xeuo pipefail
. "$KOLA_EXT_DATA/commonlib.sh"

[ "$KOLA_EXT_DATA" = "$KILN_EXT_DATA" ] || fatal "KOLA_EXT_DATA and KILN_EXT_DATA differ"
# commonlib.sh is a symlink in the repository: the guest gets the file it points to.
[ -f "$KOLA_EXT_DATA/commonlib.sh" ] && [ ! -L "$KOLA_EXT_DATA/commonlib.sh" ] || fatal "commonlib.sh is not a regular file"
[ -x "$KOLA_EXT_DATA/tool.sh" ] || fatal "tool.sh lost its executable bit"
[ ! -x "$KOLA_EXT_DATA/expected/motd.txt" ] || fatal "motd.txt became executable"
[ "$("$KOLA_EXT_DATA/tool.sh" kiln)" = "hello kiln" ] || fatal "tool.sh did not run"
actual=$(sha256sum "$KOLA_EXT_DATA/expected/motd.txt" | cut -d' ' -f1)
[ "$actual" = "$(cat "$KOLA_EXT_DATA/expected/motd.sha256")" ] || fatal "motd.txt changed in transit: $actual"
ok "data files"
