#!/bin/sh
# Installs the Debian packages jailor needs that are missing, and nothing else.
#   tools/install-deps.sh build   what `make` needs
#   tools/install-deps.sh check   what `make check` needs on top
set -eu

build="meson ninja-build pkg-config gcc libjansson-dev libarchive-dev libcurl4-openssl-dev libssl-dev libseccomp-dev libcap-dev libmnl-dev libnftables-dev libmicrohttpd-dev libpam0g-dev debootstrap"
check="chromium fonts-dejavu-core libcmocka-dev python3-pytest zfs-fuse btrfs-progs busybox-static bindfs zstd xz-utils iproute2 dnsmasq-base nftables ethtool openssl passwd"

case "${1:-build}" in
build) wanted=$build ;;
check) wanted="$build $check" ;;
*) echo "usage: $0 build|check" >&2; exit 2 ;;
esac

missing=""
for pkg in $wanted; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
        esac
done
# npm (the web UI's xterm.js, the browser tests' playwright-core): Debian's
# nodejs and npm, unless a node with npm is there already (NodeSource's
# nodejs carries its own npm and conflicts with Debian's package)
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
        echo "Missing Debian packages:$missing (run as root to install them)" >&2
        exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# zfs-fuse's postinst tries to start its daemon through init scripts; tests
# start their own, so do not let the package start one.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
