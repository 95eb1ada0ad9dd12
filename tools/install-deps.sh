#!/bin/sh
# Installs the Debian packages jailor needs that are missing, and nothing else.
#   tools/install-deps.sh build   what `make` needs
#   tools/install-deps.sh check   what `make check` needs on top (the bench's
#                                 smoke test included: its peers too)
#   tools/install-deps.sh bench   what `make bench` needs
set -eu

build="meson ninja-build pkg-config gcc libjansson-dev libarchive-dev libcurl4-openssl-dev libssl-dev libseccomp-dev libcap-dev libmnl-dev libnftables-dev libmicrohttpd-dev libpam0g-dev debootstrap"
check="chromium fonts-dejavu-core libcmocka-dev python3-pytest zfs-fuse btrfs-progs busybox-static bindfs zstd xz-utils iproute2 dnsmasq-base nftables ethtool openssl passwd"
# what bench/ compares jailor with: LXC, systemd-nspawn, and hyperfine to time them
peers="lxc systemd-container hyperfine"

case "${1:-build}" in
build) wanted=$build ;;
check | bench) wanted="$build $check $peers" ;;
*) echo "usage: $0 build|check|bench" >&2; exit 2 ;;
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
# zfs-fuse's and lxc's postinsts try to start their daemons (zfs-fuse,
# lxc-net) through init scripts; tests and bench start what they need, so
# do not let the packages start anything.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
