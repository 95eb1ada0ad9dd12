#!/bin/sh
# make demo: the main job on a fresh machine, start to finish, run as root.
# Activates the embedded default pool, fetches Debian bookworm (first time
# only), creates the jail "demo" from it (first time only), boots it, runs a
# command inside it and lists the jails.  The jail is left running:
# `jailor console demo` logs into it, `jailor stop demo` stops it.  Then it
# starts `jailor serve` (the web UI and the API) in the background and says
# where and how to log in.
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

# The web UI: `jailor serve` in the background (it outlives make), unless
# one answers already.
LISTEN=${JAILOR_DEMO_LISTEN:-127.0.0.1:8080}
URL="http://$LISTEN/"
LOG=${JAILOR_DEMO_LOG:-/var/log/jailor-serve.log}
PIDFILE=${JAILOR_DEMO_PIDFILE:-/run/jailor-demo-serve.pid}
if [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null &&
   grep -q jailor "/proc/$(cat "$PIDFILE")/comm" 2>/dev/null; then
        URL=$(sed -n 's/^Listening on //p' "$LOG")
        printf '\njailor serve runs already (PID %s)\n' "$(cat "$PIDFILE")"
else
        printf '\n$ jailor serve --listen %s   (in the background, log: %s)\n' "$LISTEN" "$LOG"
        setsid "$JAILOR" serve --listen "$LISTEN" >"$LOG" 2>&1 </dev/null &
        pid=$!
        i=0
        until grep -q '^Listening on ' "$LOG" 2>/dev/null; do
                i=$((i + 1))
                if [ $i -ge 100 ] || ! kill -0 $pid 2>/dev/null; then
                        echo "jailor serve did not start:" >&2
                        cat "$LOG" >&2
                        exit 1
                fi
                sleep 0.1
        done
        URL=$(sed -n 's/^Listening on //p' "$LOG")
        echo $pid >"$PIDFILE"
        printf 'jailor serve runs as PID %s; stop it with: kill %s\n' "$pid" "$pid"
fi
cat <<MSG

Web UI: $URL
  Log in with an account of this host: root, or a member of group jailor
  (groupadd jailor && usermod -aG jailor YOURUSER; set its password with passwd).
  From another machine: ssh -L 8080:$LISTEN root@THIS-HOST, then open http://127.0.0.1:8080/
MSG
