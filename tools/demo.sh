#!/bin/sh
# make demo: the main job on a fresh machine, start to finish, run as root.
# Activates the embedded default pool, fetches Debian bookworm (first time
# only), creates the jail "demo" from it (first time only), boots it, runs a
# command inside it and lists the jails.  The jail is left running:
# `jailor console demo` logs into it, `jailor stop demo` stops it.
set -eu
JAILOR=${JAILOR:-build/src/cli/jailor}

step() { printf '\n$ jailor %s\n' "$*"; "$JAILOR" "$@"; }

step activate /var/lib/jailor
step pools
"$JAILOR" list -r -h | cut -f1 | grep -qx bookworm || step fetch -r bookworm
step list -r
"$JAILOR" list -h | cut -f2 | grep -qx demo || step create -r bookworm -n demo
"$JAILOR" list -h | grep -q "	demo	up	" || step start demo
# systemd takes a moment to settle; the bus answers once it is up
i=0
until state=$("$JAILOR" exec demo systemctl is-system-running 2>/dev/null) &&
      { [ "$state" = running ] || [ "$state" = degraded ]; }; do
        i=$((i + 1))
        [ $i -lt 300 ] || { echo "demo: systemd did not settle: $state" >&2; exit 1; }
        sleep 0.1
done
step exec demo systemctl is-system-running
step exec demo sh -c '. /etc/os-release; echo "$PRETTY_NAME on $(uname -r), PID 1 is $(cat /proc/1/comm)"'
step list
printf '\nThe jail keeps running: jailor console demo | jailor stop demo\n'
