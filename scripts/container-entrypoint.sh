#!/bin/sh
# Entrypoint of the Relay container image (Dockerfile): adapts Docker secrets to what the
# executables read, then runs the command given (`relay-gateway serve`, `relay-dr run`, …).
#
# - RELAY_DB_PASSWORD_FILE / RELAY_JWT_SECRET_FILE: a file (a mounted secret) whose content becomes
#   RELAY_DB_PASSWORD / RELAY_JWT_SECRET; the executables read only the variables.
# - RELAY_PRIVATE_KEY_FILE under $RELAY_SECRETS_DIR (default /run/secrets): the gateway refuses a
#   seal key file that group or others can read, but Docker mounts secrets 0444 (Compose bind-mounts
#   the host file with its own mode and ignores `mode:`/`uid:` for file secrets). Such a secret is
#   treated like a `secret:` key source: refused if group or others can write it, otherwise copied
#   to a private 0600 file in a fresh 0700 directory under /tmp (a tmpfs in docker-compose.yml).
#   Key files outside the secrets directory are passed through untouched, so the gateway's 0600
#   rule still applies to them.
set -eu

die() {
    echo "relay-entrypoint: $*" >&2
    exit 2
}

# from_file NAME FILE: export NAME with the content of FILE (trailing newlines dropped).
from_file() {
    [ -n "$2" ] || return 0
    if eval "[ -n \"\${$1+set}\" ]"; then die "set $1 or $1_FILE, not both"; fi
    [ -f "$2" ] && [ -r "$2" ] || die "$1_FILE: cannot read '$2'"
    value=$(cat "$2")
    [ -n "$value" ] || die "$1_FILE: '$2' is empty"
    export "$1=$value"
}

from_file RELAY_DB_PASSWORD "${RELAY_DB_PASSWORD_FILE:-}"
unset RELAY_DB_PASSWORD_FILE
from_file RELAY_JWT_SECRET "${RELAY_JWT_SECRET_FILE:-}"
unset RELAY_JWT_SECRET_FILE

secrets_dir=${RELAY_SECRETS_DIR:-/run/secrets}
secrets_dir=${secrets_dir%/}
key=${RELAY_PRIVATE_KEY_FILE:-}
case $key in
"$secrets_dir"/*)
    [ -f "$key" ] && [ -r "$key" ] || die "RELAY_PRIVATE_KEY_FILE: cannot read secret '$key'"
    mode=$(stat -L -c %a "$key")
    if [ $((0$mode & 022)) -ne 0 ]; then
        die "RELAY_PRIVATE_KEY_FILE: secret '$key' is writable by group or others (mode $mode)"
    fi
    if [ $((0$mode & 077)) -ne 0 ]; then
        private=$(mktemp -d "${TMPDIR:-/tmp}/relay-keys.XXXXXX")
        (umask 077 && cat "$key" >"$private/seal.key")
        export RELAY_PRIVATE_KEY_FILE="$private/seal.key"
    fi
    ;;
esac

[ $# -gt 0 ] || die "no command: give relay-gateway serve or relay-dr run"
exec "$@"
