# Helpers for Kiln's external tests, sourced from "$KOLA_EXT_DATA/commonlib.sh" (each test's
# data/commonlib.sh is a symlink here; Kiln follows it when uploading). The names are those of
# fedora-coreos-config's tests/kola/data/commonlib.sh, so tests read the same.

# ok MESSAGE: report progress.
ok() {
    echo "ok" "$@"
}

# fatal MESSAGE: fail the test.
fatal() {
    echo "$@" >&2
    exit 1
}

# cmdline_arg NAME: the value of kernel argument NAME=VALUE, or nothing.
cmdline_arg() {
    local name="$1" value
    for arg in $(cat /proc/cmdline); do
        if [[ "${arg%%=*}" == "${name}" ]]; then
            value="${arg#*=}"
        fi
    done
    echo "${value:-}"
}

# is_service_active UNIT: true when the unit is active.
is_service_active() {
    systemctl is-active "$1" >/dev/null 2>&1
}

# Version comparisons, as in fedora-coreos-config.
vereq() { [[ "$(printf '%s\n' "$1" "$2" | sort -V | head -n 1)" == "$1" && "$1" == "$2" ]]; }
verlt() { [[ "$1" != "$2" && "$(printf '%s\n' "$1" "$2" | sort -V | head -n 1)" == "$1" ]]; }
verlte() { vereq "$1" "$2" || verlt "$1" "$2"; }
vergt() { ! verlte "$1" "$2"; }
vergte() { ! verlt "$1" "$2"; }
