/* SPDX-License-Identifier: MIT */
/*
 * What a jail may do (SPEC §6, "Security mapping"): the capabilities it
 * keeps, the seccomp filter, the IPC namespace, the file systems it may
 * mount and the devices its /dev gets, all computed from its properties.
 *
 * A jail runs as the host's real root, without a user namespace, so these
 * are its walls: the capability bounding set (what root in the jail can
 * ever hold), the seccomp filter (syscalls that act on the whole host, which
 * no capability fully covers), the namespaces, the minimal /dev (devices.h)
 * and the masked /proc (procfs.h).
 *
 *   allow_raw_sockets    CAP_NET_RAW
 *   allow_mlock          CAP_IPC_LOCK
 *   allow_tun            /dev/net/tun
 *   allow_vmm            /dev/kvm
 *   allow_mount + allow_mount_tmpfs|procfs|nullfs|fusefs
 *                        CAP_SYS_ADMIN, mount(2) by flags (see below),
 *                        /dev/fuse with fusefs
 *   allow_set_hostname   sethostname(2); it needs CAP_SYS_ADMIN, so only a
 *                        jail with allow_mount can really change its name
 *   allow_sysvipc, sysvmsg|sysvsem|sysvshm=new|inherit|disable
 *                        the IPC namespace and the SysV syscalls
 *   ip4/ip6=inherit      the host's network stack: no CAP_NET_ADMIN, and
 *                        /proc/sys/net read-only
 *
 * allow_mount is for trusted jails only.  CAP_SYS_ADMIN held by the host's
 * root is root of the host in all but name, and seccomp sees only numbers,
 * never the file system type string of mount(2): the filter refuses moves
 * and (without nullfs) bind mounts, but it cannot keep such a jail from
 * mounting another type or from unmounting the masks over /proc.
 *
 * Order of application: confine_apply() loads the seccomp filter first,
 * while the process still holds CAP_SYS_ADMIN (needed to load a filter
 * without no_new_privs, which would break setuid programs such as su and
 * ping inside the jail), then drops the capabilities.  Call it as root,
 * before switching to another user: dropping from the bounding set needs
 * CAP_SETPCAP.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../context.h"
#include "../error.h"

struct sock_fprog;

/* File system types allow_mount_* permit (struct confinement.mount_types). */
enum confine_mount {
        CONFINE_MOUNT_TMPFS = 1 << 0,
        CONFINE_MOUNT_PROCFS = 1 << 1,
        CONFINE_MOUNT_NULLFS = 1 << 2, /* bind mounts */
        CONFINE_MOUNT_FUSEFS = 1 << 3,
};

/* Devices beyond the minimal /dev (struct confinement.devices). */
enum confine_device {
        CONFINE_DEV_TUN = 1 << 0,  /* /dev/net/tun, allow_tun */
        CONFINE_DEV_KVM = 1 << 1,  /* /dev/kvm, allow_vmm */
        CONFINE_DEV_FUSE = 1 << 2, /* /dev/fuse, allow_mount + allow_mount_fusefs */
};

/* SysV IPC classes (struct confinement.sysv_denied). */
enum confine_sysv {
        CONFINE_SYSV_MSG = 1 << 0,
        CONFINE_SYSV_SEM = 1 << 1,
        CONFINE_SYSV_SHM = 1 << 2,
};

enum confine_ipc {
        CONFINE_IPC_NEW,  /* own IPC namespace: unshare CLONE_NEWIPC */
        CONFINE_IPC_HOST, /* the host's IPC namespace: do not unshare it */
};

/*
 * Plain data (no pointers): it is copied into the supervisor's config and
 * survives fork.  A zeroed struct is the strictest jail there is: no
 * capability at all, nothing mountable, no extra device, own IPC namespace.
 */
struct confinement {
        bool raw_sockets;     /* allow_raw_sockets: keeps CAP_NET_RAW */
        bool mlock;           /* allow_mlock: keeps CAP_IPC_LOCK */
        unsigned mount_types; /* enum confine_mount; 0: mount(2) and friends refused */
        unsigned devices;     /* enum confine_device */
        enum confine_ipc ipc; /* IPC namespace; the runtime unshares it or not */
        unsigned sysv_denied; /* enum confine_sysv: classes whose syscalls are refused */
        bool host_network;    /* shares the host's network namespace (ip4/ip6=inherit) */
        bool set_hostname;    /* sethostname/setdomainname not refused by seccomp */
        bool userns;          /* may create user namespaces; no property grants it
                               * (jails cannot nest: children_max is refused) */
        /* the compiled main filter, from confine_seccomp_prepare; NULL: compiled when applied */
        struct sock_fprog *seccomp_prog;
};

#define CONFINE_CAP(c) (UINT64_C(1) << (c))

/*
 * Fills *ret from props, an object of property name -> canonical string (a
 * jail's effective properties, struct jail.props); a property missing from
 * props has its built-in default.  EINVAL, naming the property and the
 * rule, for a value that is not a canonical boolean or sysv mode, or for
 * sysv* mixing new and inherit (a jail has one IPC namespace).
 */
int confine_from_props(json_t *props, struct confinement *ret, struct jailor_error *err);

/*
 * The capabilities a jail keeps under c, bit n for capability n: the fixed
 * set caps.c justifies, plus what c allows.  Everything else is dropped.
 */
uint64_t confine_caps_kept(const struct confinement *c);

/*
 * The whole confinement of the calling process, in the one safe order:
 * confine_seccomp_apply, then confine_caps_apply.  Called in the jail's
 * init and in every process `jailor exec` starts, as root, after the
 * namespaces are entered and before switching user or exec.
 */
int confine_apply(const struct confinement *c, struct jailor_error *err);

/*
 * Loads the seccomp filter of c into the calling thread (and its future
 * children).  Needs CAP_SYS_ADMIN, so it must come before
 * confine_caps_apply (see the top of this file).  The filter allows every
 * syscall except those listed in seccomp.c, refused with EPERM (ENOSYS for
 * clone3 and the new mount API, so that libc and util-linux fall back to
 * the calls the filter can inspect).  x86_64 jails get the same filter for
 * i386 and x32 binaries.
 */
int confine_seccomp_apply(const struct confinement *c, struct jailor_error *err);

/*
 * Fills c->seccomp_prog with c's main filter, compiled once and then read
 * from the cache under $JAILOR_RUN_DIR/seccomp/ (seccomp_cache.c), so that
 * confine_seccomp_apply only loads it.  For the host side, before the
 * jail's process leaves the host's file system.
 */
int confine_seccomp_prepare(const struct jailor_ctx *ctx, struct confinement *c,
                            struct jailor_error *err);
void confine_seccomp_release(struct confinement *c);

/*
 * Writes the compiled BPF of c's main filter to fd (for inspection and
 * tests; it loads nothing).
 */
int confine_seccomp_export(const struct confinement *c, int fd, struct jailor_error *err);

/*
 * Drops every capability not in confine_caps_kept(c) from the bounding set (so no exec,
 * not even of a setuid-root or file-capability program, can regain it),
 * clears the ambient and inheritable sets and narrows the permitted and
 * effective sets to the kept ones.  Capabilities newer than this code are
 * dropped too: the list is of what stays.
 */
int confine_caps_apply(const struct confinement *c, struct jailor_error *err);
