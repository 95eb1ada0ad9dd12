# SPDX-License-Identifier: MIT
"""The jail's walls on the real kernel: capabilities, the seccomp filter, the
minimal /dev and the masked /proc (src/lib/runtime/confine.h, devices.h,
procfs.h), for several property sets.

confine-harness (confine_harness.c) does the work in throwaway namespaces and
a tmpfs of its own, and prints one "NAME RESULT" line per attempt; these tests
assert each line.  Needs root.  Things this kernel was built without
(/dev/mem, /proc/sysrq-trigger, i386 emulation) are reported "absent" and
accepted as such.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("JAILOR_BUILD_DIR", REPO / "build"))
HARNESS = BUILD / "tests" / "integration" / "confine-harness"

CAP = {
    "CHOWN": 0, "DAC_OVERRIDE": 1, "DAC_READ_SEARCH": 2, "FOWNER": 3, "FSETID": 4,
    "KILL": 5, "SETGID": 6, "SETUID": 7, "SETPCAP": 8, "LINUX_IMMUTABLE": 9,
    "NET_BIND_SERVICE": 10, "NET_BROADCAST": 11, "NET_ADMIN": 12, "NET_RAW": 13,
    "IPC_LOCK": 14, "IPC_OWNER": 15, "SYS_MODULE": 16, "SYS_RAWIO": 17,
    "SYS_CHROOT": 18, "SYS_PTRACE": 19, "SYS_PACCT": 20, "SYS_ADMIN": 21,
    "SYS_BOOT": 22, "SYS_NICE": 23, "SYS_RESOURCE": 24, "SYS_TIME": 25,
    "SYS_TTY_CONFIG": 26, "MKNOD": 27, "LEASE": 28, "AUDIT_WRITE": 29,
    "AUDIT_CONTROL": 30, "SETFCAP": 31, "MAC_OVERRIDE": 32, "MAC_ADMIN": 33,
    "SYSLOG": 34, "WAKE_ALARM": 35, "BLOCK_SUSPEND": 36, "AUDIT_READ": 37,
    "PERFMON": 38, "BPF": 39, "CHECKPOINT_RESTORE": 40,
}

# What every jail keeps: root's everyday work, nothing beyond its own tree,
# users, processes and namespaces.
BASE_CAPS = {
    "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "NET_BIND_SERVICE", "NET_BROADCAST", "SYS_CHROOT", "LEASE",
    "AUDIT_WRITE", "SETFCAP",
}

# Refused in every jail, whatever its properties: syscall -> errno.
ALWAYS_REFUSED = {
    "init_module": "EPERM",
    "finit_module": "EPERM",
    "delete_module": "EPERM",
    "kexec_load": "EPERM",
    "kexec_file_load": "EPERM",
    "reboot": "EPERM",
    "keyctl": "EPERM",
    "add_key": "EPERM",
    "request_key": "EPERM",
    "bpf": "EPERM",
    "perf_event_open": "EPERM",
    "open_by_handle_at": "EPERM",
    "userfaultfd": "EPERM",
    "io_uring_setup": "EPERM",
    "syslog": "EPERM",
    "swapon": "EPERM",
    "acct": "EPERM",
    "iopl": "EPERM",
    "settimeofday": "EPERM",
    "clock_settime": "EPERM",
    "tiocsti": "EPERM",
    "mount_move": "EPERM",
    "fsopen": "ENOSYS",
    "open_tree": "ENOSYS",
    "unshare_userns": "EPERM",
    "clone_userns": "EPERM",
    "clone3": "ENOSYS",
    "mknod_block": "EPERM",
    "mknod_char": "EPERM",
    "ptrace": "EPERM",
    "personality_read_implies_exec": "EPERM",
    "personality_addr_no_randomize": "EPERM",
}

# What must keep working in every jail.
ALWAYS_WORKS = [
    "fork", "exec_true", "thread", "write_file", "chown", "setuid", "unix_socket",
    "tcp_socket", "mknod_fifo", "adjtimex_read", "personality_query",
    "personality_linux", "personality_linux32",
]

I386_REFUSED = {"i386_keyctl": "EPERM", "i386_personality_read_implies_exec": "EPERM"}


def harness(mode, props):
    if not HARNESS.is_file():
        pytest.fail(f"{HARNESS} is missing: build the tree first (ninja -C {BUILD})")
    if os.geteuid() != 0:
        pytest.skip("the confinement tests need root")
    proc = subprocess.run(
        [str(HARNESS), mode, json.dumps(props)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "fatal:" not in out, out
    lines = proc.stdout.splitlines()
    assert lines and lines[-1] == "done", out
    results = {}
    for line in lines[:-1]:
        name, _, result = line.partition(" ")
        assert name not in results, f"{name} reported twice:\n{out}"
        results[name] = result
    assert not list(Path("/run").glob("jailor-confine-harness-*")), "scratch left in /run"
    return results


def caps(results, field="capbnd"):
    value = int(results[field], 16)
    return {name for name, bit in CAP.items() if value >> bit & 1}


def attempts(props):
    r = harness("attempts", props)
    # the confinement itself: no new-privileges flag (setuid programs work),
    # two filters (the main one and personality's), no inheritable or
    # ambient capabilities, effective = bounding for root
    assert r["nonewprivs"] == "0"
    assert r["seccomp_filters"] == "2"
    assert int(r["capinh"], 16) == 0 and int(r["capamb"], 16) == 0
    assert r["capeff"] == r["capbnd"]
    assert r["pid"] == "1"
    # the other order cannot work, and says why (confine.h), unless the jail
    # keeps CAP_SYS_ADMIN itself
    assert r["seccomp_after_caps"] == ("ok" if "SYS_ADMIN" in caps(r) else "EACCES")
    for name, errno in ALWAYS_REFUSED.items():
        assert r[name] == errno, f"{name}: {r[name]} (expected {errno})"
    for name in ALWAYS_WORKS:
        assert r[name] == "ok", f"{name}: {r[name]}"
    assert r["dev_mem"] in ("EPERM", "absent")
    if r.get("i386") != "absent":
        assert r["i386_getpid"] == "ok"
        for name, errno in I386_REFUSED.items():
            assert r[name] == errno, f"{name}: {r[name]}"
    return r


def test_default_jail():
    r = attempts({})
    assert caps(r) == BASE_CAPS | {"NET_ADMIN", "IPC_OWNER"}
    for name in ("mount_tmpfs", "mount_bind", "umount", "raw_socket", "packet_socket", "mlock",
                 "sethostname"):
        assert r[name] == "EPERM", f"{name}: {r[name]}"
    # SysV IPC works, in the jail's own namespace
    for name in ("shmget", "msgget", "semget"):
        assert r[name] == "ok"
    assert r.get("i386_ipc_shmget", "ok") == "ok"


def test_raw_sockets_mlock_and_tmpfs():
    r = attempts({"allow_raw_sockets": "1", "allow_mlock": "1", "allow_mount": "1",
                  "allow_mount_tmpfs": "1"})
    assert caps(r) == BASE_CAPS | {"NET_ADMIN", "IPC_OWNER", "NET_RAW", "IPC_LOCK", "SYS_ADMIN"}
    for name in ("raw_socket", "packet_socket", "mlock", "mount_tmpfs", "umount_tmpfs",
                 "sethostname"):
        assert r[name] == "ok", f"{name}: {r[name]}"
    assert r["umount"] == "ENOENT"  # umount2 reaches the kernel
    assert r["mount_bind"] == "EPERM"  # bind mounts need allow_mount_nullfs


def test_bind_mounts_and_no_hostname():
    r = attempts({"allow_mount": "1", "allow_mount_nullfs": "1", "allow_set_hostname": "0"})
    assert "SYS_ADMIN" in caps(r)
    assert r["mount_bind"] == "ok" and r["umount_bind"] == "ok"
    assert r["sethostname"] == "EPERM"


def test_allow_mount_without_a_type_mounts_nothing():
    r = attempts({"allow_mount": "1"})
    assert "SYS_ADMIN" not in caps(r)
    assert r["mount_tmpfs"] == "EPERM"


def test_sysv_disabled():
    r = attempts({"sysvmsg": "disable", "sysvsem": "disable", "sysvshm": "disable"})
    for name in ("shmget", "msgget", "semget"):
        assert r[name] == "EPERM", f"{name}: {r[name]}"
    # through i386's ipc(2), version bits and all
    assert r.get("i386_ipc_shmget", "EPERM") == "EPERM"


def test_sysv_one_class_disabled():
    r = attempts({"sysvshm": "disable"})
    assert r["shmget"] == "EPERM"
    assert r["msgget"] == "ok" and r["semget"] == "ok"


def test_host_ipc_and_network_drop_their_capabilities():
    r = attempts({"allow_sysvipc": "1", "ip4": "inherit"})
    assert caps(r) == BASE_CAPS


def test_devices_minimal():
    r = harness("devices", {})
    assert r["not_tmpfs"] == "EINVAL"
    for name, dev in (("null", "1:3"), ("zero", "1:5"), ("full", "1:7"), ("random", "1:8"),
                      ("urandom", "1:9"), ("tty", "5:0")):
        assert r[name] == f"chr 0666 {dev}", f"{name}: {r[name]}"
    assert r["ptmx"] == "link pts/ptmx"
    assert r["fd"] == "link /proc/self/fd"
    assert r["stdin"] == "link /proc/self/fd/0"
    assert r["stdout"] == "link /proc/self/fd/1"
    assert r["stderr"] == "link /proc/self/fd/2"
    assert r["shm"] == "dir 1777"
    assert r["pts"] == "dir 0755"
    assert r["console"] == "file 0600 0"
    for name in ("net", "net/tun", "kvm", "fuse"):
        assert name not in r
    assert r["write_null"] == "ok" and r["read_zero"] == "ok"
    assert r["twice"] == "EEXIST"


def test_devices_allowed():
    r = harness("devices", {"allow_tun": "1", "allow_vmm": "1", "allow_mount": "1",
                            "allow_mount_fusefs": "1"})
    assert r["net"] == "dir 0755"
    assert r["net/tun"] == "chr 0666 10:200"
    assert r["kvm"] == "chr 0666 10:232"
    assert r["fuse"] == "chr 0666 10:229"


def test_devices_fuse_needs_allow_mount():
    r = harness("devices", {"allow_mount_fusefs": "1"})
    assert "fuse" not in r


def procfs(props):
    r = harness("procfs", props)
    assert r["not_procfs"] == "EINVAL"
    # root with every capability: only the masks stop these
    assert r["write_sys_hostname"] == "EROFS"
    assert r["access_core_pattern"] == "EROFS"
    assert r["write_sysrq_trigger"] in ("EROFS", "ENOENT")  # ENOENT: no CONFIG_MAGIC_SYSRQ
    assert r["read_sys_hostname"] == "data"
    assert r["read_self_status"] == "data"
    for name in ("read_kcore", "read_keys", "read_timer_list"):
        assert r[name] in ("empty", "absent"), f"{name}: {r[name]}"
    assert r["acpi"] in ("empty", "absent")
    for name in ("stat_kmsg", "stat_keys", "stat_timer_list"):
        assert r[name] in ("null", "absent"), f"{name}: {r[name]}"
    return r


def test_procfs_own_network():
    r = procfs({})
    # the jail's own network namespace: its sysctls are its own
    assert r["write_sys_ip_forward"] == "ok"


def test_procfs_host_network():
    r = procfs({"ip4": "inherit"})
    assert r["write_sys_ip_forward"] == "EROFS"
