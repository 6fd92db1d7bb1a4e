#!/bin/sh
# Installs the Debian 12 packages coolhead needs to build (and, with --dev, to test).
# Idempotent: packages already present are left alone, and nothing runs when all are there.
#
#   deploy/install-deps.sh         build and run the coolhead binary
#   deploy/install-deps.sh --dev   also the test, benchmark and sanitizer tool chain
set -eu

build="ca-certificates g++ cmake ninja-build pkgconf
libboost1.81-dev libboost-url1.81-dev libboost-program-options1.81-dev libssl-dev nlohmann-json3-dev libspdlog-dev libsqlite3-dev"
dev="libgtest-dev libgmock-dev libbenchmark-dev openssl ccache"

want="$build"
case "${1:-}" in
    --dev) want="$build $dev" ;;
    "") ;;
    *) echo "usage: $0 [--dev]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"ok installed") ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Try without refreshing the package lists first: on a machine with fresh lists this is quicker,
# and on one without network access to a mirror it still works from the local cache.
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y --no-install-recommends $missing; then
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends $missing
fi
