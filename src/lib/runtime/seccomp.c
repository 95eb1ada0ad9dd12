/* SPDX-License-Identifier: MIT */
/*
 * The jail's seccomp filter: every syscall is allowed except the ones
 * below, which act on the whole host (the kernel does not namespace them)
 * or open the kernel to a jail in ways no capability check covers.  A
 * deny list rather than an allow list: a jail is a whole Linux system and
 * must run what a Debian release runs, new syscalls included; what keeps it
 * in is mostly the capability bounding set (caps.c), and this filter is the
 * second wall behind it for the calls that matter most.
 *
 * Refused calls fail with EPERM, as they would for an unprivileged process,
 * which is what software expects (systemd's shutdown exits cleanly on EPERM
 * from reboot(2) in a container, pam_keyinit carries on without keyrings).
 * clone3 and the new mount API fail with ENOSYS instead: seccomp cannot
 * look into clone3's flags (they are in a struct) nor into the new mount
 * API's strings, and on ENOSYS glibc falls back to clone(2) and util-linux
 * to mount(2), whose flags the filter checks.
 *
 * The filter covers the native architecture and its compat ones (on x86_64:
 * i386 via int 0x80, and x32), with the same rules; a syscall of any other
 * architecture kills the process.  It is loaded without no_new_privs, so
 * the caller needs CAP_SYS_ADMIN (see confine.h).
 *
 * Filtering personality(2) needs a comparison libseccomp cannot express (an
 * allow list of values, in a filter whose default is to allow), so it is a
 * second, hand-written filter of a dozen instructions.
 */
#include "confine.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/ipc.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util/cleanup.h"

struct deny {
        const char *syscall;
        int errnum;
};

/* Refused in every jail. */
static const struct deny always_denied[] = {
    /* loading, unloading kernel code */
    {"init_module", EPERM},
    {"finit_module", EPERM},
    {"delete_module", EPERM},
    /* replacing the running kernel */
    {"kexec_load", EPERM},
    {"kexec_file_load", EPERM},
    /*
     * Inside a child PID namespace the kernel turns reboot(2) into killing
     * the jail's init, so it could never reach the host; the jail's end is
     * the supervisor's business all the same (exec_stop), and systemd exits
     * on EPERM here, which is the clean shutdown the supervisor expects.
     */
    {"reboot", EPERM},
    /* keyrings are not namespaced: one jail's keys are every jail's */
    {"keyctl", EPERM},
    {"add_key", EPERM},
    {"request_key", EPERM},
    /* eBPF and perf see and hook the whole kernel */
    {"bpf", EPERM},
    {"perf_event_open", EPERM},
    /* opens any file of a file system by handle, outside the jail's root */
    {"open_by_handle_at", EPERM},
    /* the host's swap and process accounting */
    {"swapon", EPERM},
    {"swapoff", EPERM},
    {"acct", EPERM},
    /*
     * The clock is the host's.  adjtimex and clock_adjtime are left alone:
     * with modes 0 they only read (ntp_gettime, timedatectl), the modes are
     * in a struct seccomp cannot read, and writing needs CAP_SYS_TIME.
     */
    {"settimeofday", EPERM},
    {"clock_settime", EPERM},
    {"clock_settime64", EPERM},
    {"stime", EPERM},
    /* raw port I/O */
    {"iopl", EPERM},
    {"ioperm", EPERM},
    /* oprofile's kernel-path lookups */
    {"lookup_dcookie", EPERM},
    /* stalls kernel accesses at will: a favourite tool for kernel race exploits */
    {"userfaultfd", EPERM},
    /* the kernel log is the host's (CAP_SYS_ADMIN alone would still allow it) */
    {"syslog", EPERM},
    /* disk quotas are set from the host (quota=SIZE; allow_quotas is refused) */
    {"quotactl", EPERM},
    {"quotactl_fd", EPERM},
    /*
     * io_uring performs opens, connects and more without the syscalls this
     * filter sees, and has been a steady source of privilege escalations.
     */
    {"io_uring_setup", EPERM},
    {"io_uring_enter", EPERM},
    {"io_uring_register", EPERM},
};

/* The new mount API: strings and structs seccomp cannot check. */
static const char *const new_mount_api[] = {
    "fsopen", "fsconfig", "fsmount", "fspick", "open_tree", "move_mount", "mount_setattr",
};

/* mount(2) and its kin, when the jail may not mount at all. */
static const char *const mount_calls[] = {"mount", "umount", "umount2", "pivot_root"};

/*
 * SysV IPC, by class.  i386 programs may also reach each call through the
 * ipc(2) multiplexer, whose first argument is the call number in its low
 * 16 bits (the kernel ignores the version in the high ones, so the rule
 * must too: libseccomp's own translation compares all 32).
 */
static const struct {
        enum confine_sysv class;
        const char *syscalls[5];
        unsigned ipc_calls[4];
} sysv_calls[] = {
    {CONFINE_SYSV_MSG, {"msgget", "msgsnd", "msgrcv", "msgctl"}, {MSGSND, MSGRCV, MSGGET, MSGCTL}},
    {CONFINE_SYSV_SEM,
     {"semget", "semop", "semtimedop", "semtimedop_time64", "semctl"},
     {SEMOP, SEMGET, SEMCTL, SEMTIMEDOP}},
    {CONFINE_SYSV_SHM, {"shmget", "shmat", "shmdt", "shmctl"}, {SHMAT, SHMDT, SHMGET, SHMCTL}},
};

/* The compat architectures a native process can call into. */
static const uint32_t compat_arches[] = {
#if defined(__x86_64__)
    SCMP_ARCH_X86,
    SCMP_ARCH_X32,
#elif defined(__aarch64__)
    SCMP_ARCH_ARM,
#endif
};

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
        if (*ctx)
                seccomp_release(*ctx);
}

/*
 * Adds one rule.  A name this libseccomp does not know is a syscall this
 * kernel generation may not have either; it is skipped (the others stand).
 */
static int deny(scmp_filter_ctx ctx, const char *name, int errnum, unsigned n,
                const struct scmp_arg_cmp *cmp, struct jailor_error *err)
{
        int nr = seccomp_syscall_resolve_name(name), r;

        if (nr == __NR_SCMP_ERROR)
                return 0;
        r = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO((uint32_t)errnum), nr, n, cmp);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot add the seccomp rule for %s", name);
        return 0;
}

static int deny_all(scmp_filter_ctx ctx, const char *name, int errnum, struct jailor_error *err)
{
        return deny(ctx, name, errnum, 0, NULL, err);
}

/* Refuses name when argument arg, masked, equals value: one comparison. */
static int deny_masked(scmp_filter_ctx ctx, const char *name, unsigned arg, uint64_t mask,
                       uint64_t value, struct jailor_error *err)
{
        struct scmp_arg_cmp cmp = {arg, SCMP_CMP_MASKED_EQ, mask, value};

        return deny(ctx, name, EPERM, 1, &cmp, err);
}

/*
 * New user namespaces give a full capability set inside them and with it a
 * large part of the kernel (namespaced mounts, netfilter, ...) that a jail
 * otherwise never reaches; jails cannot nest.  unshare and clone carry the
 * flag in their first argument; clone3 keeps it in a struct, so it goes.
 */
static int deny_userns(scmp_filter_ctx ctx, struct jailor_error *err)
{
        int r = deny_masked(ctx, "unshare", 0, CLONE_NEWUSER, CLONE_NEWUSER, err);

        if (r == 0)
                r = deny_masked(ctx, "clone", 0, CLONE_NEWUSER, CLONE_NEWUSER, err);
        if (r == 0)
                r = deny_all(ctx, "clone3", ENOSYS, err);
        return r;
}

/*
 * Without allow_mount the jail has no CAP_SYS_ADMIN and the kernel refuses
 * these already; refusing them here too keeps the masks over /proc in place
 * should a capability ever slip through.  With allow_mount, mount(2) stays,
 * but never to move a mount (that carries a mask away from what it
 * covers) and bind mounts only with allow_mount_nullfs.  The type string
 * cannot be checked (see confine.h).
 */
static int deny_mounts(scmp_filter_ctx ctx, unsigned types, struct jailor_error *err)
{
        int r = 0;

        for (size_t i = 0; r == 0 && i < ELEMENTSOF(new_mount_api); i++)
                r = deny_all(ctx, new_mount_api[i], ENOSYS, err);
        if (!types) {
                for (size_t i = 0; r == 0 && i < ELEMENTSOF(mount_calls); i++)
                        r = deny_all(ctx, mount_calls[i], EPERM, err);
                return r;
        }
        if (r == 0)
                r = deny_masked(ctx, "mount", 3, MS_MOVE, MS_MOVE, err);
        /* MS_BIND without MS_REMOUNT makes a new bind; with it, it changes a mount's flags */
        if (r == 0 && !(types & CONFINE_MOUNT_NULLFS))
                r = deny_masked(ctx, "mount", 3, MS_BIND | MS_REMOUNT, MS_BIND, err);
        return r;
}

static int deny_sysv(scmp_filter_ctx ctx, unsigned denied, struct jailor_error *err)
{
        int r = 0;

        for (size_t i = 0; i < ELEMENTSOF(sysv_calls); i++) {
                if (!(denied & sysv_calls[i].class))
                        continue;
                for (size_t j = 0; r == 0 && j < ELEMENTSOF(sysv_calls[i].syscalls); j++)
                        if (sysv_calls[i].syscalls[j])
                                r = deny_all(ctx, sysv_calls[i].syscalls[j], EPERM, err);
                for (size_t j = 0; r == 0 && j < ELEMENTSOF(sysv_calls[i].ipc_calls); j++)
                        r = deny_masked(ctx, "ipc", 0, 0xffff, sysv_calls[i].ipc_calls[j], err);
        }
        return r;
}

/*
 * Device nodes: the jail has no CAP_MKNOD, so the kernel refuses block and
 * character nodes already; this is the second wall, since a block node of
 * the host's disk is the host.  FIFOs, sockets and files stay allowed.
 */
static int deny_device_nodes(scmp_filter_ctx ctx, struct jailor_error *err)
{
        static const unsigned types[] = {S_IFBLK, S_IFCHR};
        int r = 0;

        for (size_t i = 0; r == 0 && i < ELEMENTSOF(types); i++) {
                r = deny_masked(ctx, "mknod", 1, S_IFMT, types[i], err);
                if (r == 0)
                        r = deny_masked(ctx, "mknodat", 2, S_IFMT, types[i], err);
        }
        return r;
}

/*
 * Terminal ioctls that reach beyond the jail through a terminal it merely
 * holds (a host terminal inherited by `jailor exec` on stdout, say):
 * TIOCSTI pushes keystrokes into the input of whoever reads it next (the
 * host's shell, once jailor exits), TIOCLINUX pastes and selects on virtual
 * consoles.  The request number is 32 bits in the kernel: compare only those.
 */
static int deny_tty_injection(scmp_filter_ctx ctx, struct jailor_error *err)
{
        int r = deny_masked(ctx, "ioctl", 1, 0xffffffffu, TIOCSTI, err);

        if (r == 0)
                r = deny_masked(ctx, "ioctl", 1, 0xffffffffu, TIOCLINUX, err);
        return r;
}

static int build_filter(const struct confinement *c, scmp_filter_ctx *ret, struct jailor_error *err)
{
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        int r = 0;

        if (!ctx)
                return jailor_error_set(err, ENOMEM, "Cannot make a seccomp filter");
        /* no_new_privs would break setuid programs in the jail (su, ping, sudo) */
        if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 ||
            seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0 ||
            seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0 ||
            /* the kernel's errno (EACCES), not libseccomp's catch-all ECANCELED */
            seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1) < 0)
                return jailor_error_set(err, EINVAL, "Cannot set the seccomp filter's attributes");
        for (size_t i = 0; i < ELEMENTSOF(compat_arches); i++) {
                r = seccomp_arch_add(ctx, compat_arches[i]);
                if (r < 0 && r != -EEXIST)
                        return jailor_error_errno(
                            err, -r, "Cannot add architecture %#x to the seccomp filter",
                            compat_arches[i]);
        }
        r = 0;
        for (size_t i = 0; r == 0 && i < ELEMENTSOF(always_denied); i++)
                r = deny_all(ctx, always_denied[i].syscall, always_denied[i].errnum, err);
        if (r == 0 && !c->userns)
                r = deny_userns(ctx, err);
        if (r == 0)
                r = deny_mounts(ctx, c->mount_types, err);
        if (r == 0)
                r = deny_sysv(ctx, c->sysv_denied, err);
        if (r == 0)
                r = deny_device_nodes(ctx, err);
        if (r == 0)
                r = deny_tty_injection(ctx, err);
        /* sethostname needs CAP_SYS_ADMIN: this matters only with allow_mount */
        if (r == 0 && !c->set_hostname)
                r = deny_all(ctx, "sethostname", EPERM, err);
        if (r == 0 && !c->set_hostname)
                r = deny_all(ctx, "setdomainname", EPERM, err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(ctx);
        return 0;
}

/* ---- personality(2) ------------------------------------------------------ */

/*
 * The personas a jail may set, as Docker's default profile allows: Linux, 32-bit
 * Linux (linux32/setarch), the 2.6-version uname of UNAME26, and the query
 * 0xffffffff.  Refused: READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE,
 * MMAP_PAGE_ZERO and the rest, which switch off the protections of the
 * jail's own programs (the kernel clears them across setuid exec, so they
 * are no way out of the jail, but no jail needs them either).
 */
static const uint32_t personas_allowed[] = {0x0000, 0x0008, 0x20000, 0x20008, 0xffffffff};

#define MAX_PERSONALITY_ARCHES 3
#define PERSONALITY_PROG_MAX (1 + 4 * MAX_PERSONALITY_ARCHES + 1 + 1 + 5 + 2)

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#endif

static size_t personality_program(struct sock_filter *prog)
{
        uint32_t arches[1 + ELEMENTSOF(compat_arches)];
        size_t n = 0, pairs = 0, check, allow;

        arches[0] = seccomp_arch_native();
        for (size_t i = 0; i < ELEMENTSOF(compat_arches); i++)
                arches[i + 1] = compat_arches[i];
        /* A = arch; for each architecture: if it matches and nr is personality, go check */
        prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                                 offsetof(struct seccomp_data, arch));
        for (size_t i = 0; i < ELEMENTSOF(arches) && pairs < MAX_PERSONALITY_ARCHES; i++) {
                int nr = seccomp_syscall_resolve_name_arch(arches[i], "personality");
                /* x32 calls arrive as x86_64 with the x32 bit in the number */
                uint32_t audit = arches[i] == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arches[i];

                if (nr < 0)
                        continue;
                pairs++;
                prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, audit, 0, 3);
                prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                                         offsetof(struct seccomp_data, nr));
                /* jt patched below, once the check's place is known */
                prog[n++] =
                    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 0);
                prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                                         offsetof(struct seccomp_data, arch));
        }
        prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        check = n;
        for (size_t i = 0; i < pairs; i++) {
                size_t at = 1 + 4 * i + 2;

                prog[at].jt = (uint8_t)(check - (at + 1));
        }
        prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW);
        allow = n + ELEMENTSOF(personas_allowed) + 1;
        for (size_t i = 0; i < ELEMENTSOF(personas_allowed); i++, n++)
                prog[n] = (struct sock_filter)BPF_JUMP(
                    BPF_JMP | BPF_JEQ | BPF_K, personas_allowed[i], (uint8_t)(allow - (n + 1)), 0);
        prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
                                                 SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
        prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        return n;
}

static int load_personality_filter(struct jailor_error *err)
{
        struct sock_filter prog[PERSONALITY_PROG_MAX];
        struct sock_fprog fprog = {.filter = prog};

        fprog.len = (unsigned short)personality_program(prog);
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
                return jailor_error_errno(err, errno, "Cannot load the personality seccomp filter");
        return 0;
}

/* ---- the API ------------------------------------------------------------- */

int confine_seccomp_export(const struct confinement *c, int fd, struct jailor_error *err)
{
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        int r = build_filter(c, &ctx, err);

        if (r < 0)
                return r;
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot write the seccomp filter");
        return 0;
}

int confine_seccomp_apply(const struct confinement *c, struct jailor_error *err)
{
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        int r;

        /* compiled beforehand (seccomp_cache.c): loaded as libseccomp would, no flags */
        if (c->seccomp_prog) {
                r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, c->seccomp_prog) < 0 ? -errno : 0;
        } else {
                r = build_filter(c, &ctx, err);
                if (r < 0)
                        return r;
                r = seccomp_load(ctx);
        }
        if (r == -EACCES)
                return jailor_error_set(
                    err, EACCES,
                    "Cannot load the seccomp filter: it needs CAP_SYS_ADMIN, so "
                    "it must be loaded before capabilities are dropped");
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot load the seccomp filter");
        return load_personality_filter(err);
}
