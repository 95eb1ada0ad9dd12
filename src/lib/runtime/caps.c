/* SPDX-License-Identifier: MIT */
/*
 * The capabilities a jail keeps.  The jail's root is the host's root (no
 * user namespace), so every capability left here acts on host objects the
 * jail can reach: the list is of what stays, with the reason, and anything
 * not named (including capabilities newer than this file) is dropped.
 *
 * Dropped, and why:
 *   CAP_SYS_ADMIN        mount, namespaces, sethostname, swap, quotas, many
 *                        ioctls: root of the host in all but name (kept only
 *                        with allow_mount and at least one allow_mount_*)
 *   CAP_SYS_MODULE       loading kernel code
 *   CAP_SYS_RAWIO        /dev/mem, port I/O, mapping page zero, raw SCSI
 *   CAP_SYS_TIME         the clock is the host's (time namespaces only offset
 *                        the monotonic clocks)
 *   CAP_SYS_BOOT         reboot(2) in a child PID namespace only ends the
 *                        jail, but kexec_load is not namespaced; systemd
 *                        exits cleanly when reboot(2) says EPERM in a container
 *   CAP_SYS_PTRACE       ptrace of processes of other users; the jail's own
 *                        same-user debugging (gdb, strace) needs no capability
 *   CAP_SYS_PACCT        process accounting is host-wide
 *   CAP_SYS_NICE         a real-time busy loop starves the host and every
 *                        other jail; pcpu (CFS bandwidth) does not limit
 *                        real-time tasks
 *   CAP_SYS_RESOURCE     would let the jail lift openfiles (RLIMIT_NOFILE),
 *                        exceed quotas and eat file systems' reserved blocks
 *   CAP_SYS_TTY_CONFIG   vhangup and keyboard-map ioctls: a host virtual
 *                        console inherited through `jailor exec` would be
 *                        open to remapping; gettys in jails do not need it
 *   CAP_MKNOD            with no devices cgroup, a block node of the host's
 *                        disk opened as root is the whole disk; jailor's
 *                        /dev already has the nodes a jail needs
 *   CAP_DAC_READ_SEARCH  open_by_handle_at opens any file of a file system
 *                        by handle, outside the jail's root ("shocker")
 *   CAP_LINUX_IMMUTABLE  chattr +i/+a (allow_chflags is refused)
 *   CAP_MAC_ADMIN, CAP_MAC_OVERRIDE  the host's LSM policy
 *   CAP_SYSLOG           the kernel log and kernel addresses
 *   CAP_WAKE_ALARM, CAP_BLOCK_SUSPEND  the host's power management
 *   CAP_AUDIT_CONTROL, CAP_AUDIT_READ  the host's audit rules and log
 *   CAP_BPF, CAP_PERFMON  eBPF programs and performance monitoring are host-wide
 *   CAP_CHECKPOINT_RESTORE  chosen PIDs and ns_last_pid; CRIU in jails is
 *                        not supported
 *   CAP_NET_RAW          unless allow_raw_sockets
 *   CAP_IPC_LOCK         unless allow_mlock (mlock still works within
 *                        RLIMIT_MEMLOCK)
 *   CAP_NET_ADMIN        when the jail shares the host's network stack
 *   CAP_IPC_OWNER        when the jail shares the host's IPC namespace
 */
#include "confine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util/cleanup.h"

/*
 * Kept by every jail: what root inside a system container (Debian with
 * systemd) uses, none of which reaches beyond the jail's own files, users,
 * processes and namespaces.
 */
static const struct {
        int cap;
        const char *why;
} always_kept[] = {
    {CAP_CHOWN, "root owns the jail's files; ownership changes stay in its tree"},
    {CAP_DAC_OVERRIDE, "root reads and writes any file of the jail"},
    {CAP_FOWNER, "chmod, utime and xattrs on the jail's files"},
    {CAP_FSETID, "setuid/setgid bits survive chown in package installs"},
    {CAP_KILL, "signals reach only the processes of the jail's PID namespace"},
    {CAP_SETUID, "login, su, sshd and systemd switch users"},
    {CAP_SETGID, "the same for groups"},
    {CAP_SETPCAP, "systemd narrows services' capabilities (it cannot widen the bounding set)"},
    {CAP_SETFCAP, "dpkg gives ping and others file capabilities, bounded at exec"},
    {CAP_NET_BIND_SERVICE, "services listen on ports below 1024"},
    {CAP_NET_BROADCAST, "unused by the kernel; kept as every container runtime does"},
    {CAP_SYS_CHROOT, "chroot within the jail's root (sshd privilege separation)"},
    {CAP_LEASE, "file leases on the jail's files (Samba)"},
    {CAP_AUDIT_WRITE, "login and sshd fail when they cannot write audit records"},
};

uint64_t confine_caps_kept(const struct confinement *c)
{
        uint64_t keep = 0;

        for (size_t i = 0; i < ELEMENTSOF(always_kept); i++)
                keep |= CONFINE_CAP(always_kept[i].cap);
        if (c->raw_sockets)
                keep |= CONFINE_CAP(CAP_NET_RAW);
        if (c->mlock)
                keep |= CONFINE_CAP(CAP_IPC_LOCK);
        /* in its own network namespace a jail configures only its own interfaces */
        if (!c->host_network)
                keep |= CONFINE_CAP(CAP_NET_ADMIN);
        /* in its own IPC namespace the objects it could override are its own */
        if (c->ipc == CONFINE_IPC_NEW)
                keep |= CONFINE_CAP(CAP_IPC_OWNER);
        if (c->mount_types)
                keep |= CONFINE_CAP(CAP_SYS_ADMIN);
        return keep;
}

static bool kept(uint64_t keep, int cap)
{
        return cap < 64 && (keep & CONFINE_CAP(cap));
}

/* The highest capability this kernel knows (PR_CAPBSET_READ fails past it). */
static int last_cap(void)
{
        int cap = CAP_LAST_CAP;

        while (prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0)
                cap++;
        while (cap > 0 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
                cap--;
        return cap;
}

static const char *cap_label(int cap, char buf[32])
{
        char *name = cap_to_name((cap_value_t)cap);

        snprintf(buf, 32, "%s", name ? name : "?");
        cap_free(name);
        return buf;
}

static int drop_bounding(uint64_t keep, int last, struct jailor_error *err)
{
        char label[32];

        for (int cap = 0; cap <= last; cap++) {
                if (kept(keep, cap) || prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
                        continue;
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
                        int e = errno; /* before cap_label allocates */

                        return jailor_error_errno(err, e,
                                                  "Cannot drop %s from the bounding set (needs "
                                                  "root with CAP_SETPCAP)",
                                                  cap_label(cap, label));
                }
        }
        return 0;
}

/*
 * permitted and effective: what the process holds, narrowed to keep;
 * inheritable: nothing.  Raw capget/capset over all 64 bits, so that a
 * capability newer than libcap is narrowed too.
 */
static int narrow_sets(uint64_t keep, struct jailor_error *err)
{
        struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct data[2];

        if (syscall(SYS_capget, &header, data) < 0)
                return jailor_error_errno(err, errno, "Cannot read the process's capabilities");
        for (int i = 0; i < 2; i++) {
                uint32_t half = (uint32_t)(keep >> (32 * i));

                data[i].permitted &= half;
                data[i].effective &= half;
                data[i].inheritable = 0;
        }
        if (syscall(SYS_capset, &header, data) < 0)
                return jailor_error_errno(err, errno, "Cannot set the process's capabilities");
        return 0;
}

/* Trust, but verify: a capability left in the bounding set is a hole. */
static int check_bounding(uint64_t keep, int last, struct jailor_error *err)
{
        char label[32];

        for (int cap = 0; cap <= last; cap++)
                if (!kept(keep, cap) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0)
                        return jailor_error_set(err, EPERM,
                                                "%s is still in the bounding set after dropping it",
                                                cap_label(cap, label));
        return 0;
}

int confine_caps_apply(const struct confinement *c, struct jailor_error *err)
{
        uint64_t keep = confine_caps_kept(c);
        int last = last_cap(), r;

        r = drop_bounding(keep, last, err);
        if (r < 0)
                return r;
        /* ambient capabilities survive exec of unprivileged programs: none */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return jailor_error_errno(err, errno, "Cannot clear the ambient capabilities");
        r = narrow_sets(keep, err);
        if (r < 0)
                return r;
        return check_bounding(keep, last, err);
}
