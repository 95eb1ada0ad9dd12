/* SPDX-License-Identifier: MIT */
/*
 * iocage properties jailor refuses: FreeBSD-only knobs are not carried over
 * as no-ops (SPEC), each gets one line naming the Linux equivalent or
 * saying there is none.
 */
#include "props.h"

#include <string.h>

#define FBSD(n, why)                                                                               \
        {                                                                                          \
                n, "'" n "' is FreeBSD-only: " why                                                 \
        }
#define NOT_A_PROP(n, why)                                                                         \
        {                                                                                          \
                n, "'" n "' is not a jailor property: " why                                        \
        }

#define DEVFS_WHY                                                                                  \
        "jailor builds the jail's /dev itself; use allow_tun, allow_vmm or "                       \
        "allow_mount_fusefs to add devices"
#define ZFS_WHY                                                                                    \
        "datasets are not delegated to jails; bind-mount a dataset with "                          \
        "`jailor fstab -a JAIL SRC DST`"
#define SAME_WHY "the jail's own network namespace selects source addresses itself"
#define EXEC_USER_WHY                                                                              \
        "exec_start and exec_stop run as root in the jail; use "                                   \
        "`jailor exec -U USER` or su in the command"
#define LOCALHOST_WHY                                                                              \
        "a jail with its own network namespace has its own loopback and "                          \
        "127.0.0.1"
#define RLIMIT_WHY "this per-process limit has no jail-wide equivalent; use memoryuse"
#define SYSV_WHY                                                                                   \
        "SysV IPC limits belong to the jail's IPC namespace (sysvmsg/sysvsem/"                     \
        "sysvshm=new); there is no per-jail cgroup limit"
#define SYNC_WHY "an iocage placeholder that never did anything"
#define PLUGIN_WHY "TrueNAS plugins do not exist in jailor"

const struct prop_refused props_refused[] = {
    FBSD("allow_chflags", "file flags (chattr +i/+a) need CAP_LINUX_IMMUTABLE, which jails "
                          "never get"),
    FBSD("allow_mount_devfs", DEVFS_WHY),
    FBSD("allow_mount_fdescfs", "/dev/fd is always there (a link to /proc/self/fd)"),
    FBSD("allow_mount_linprocfs", "/proc is Linux's own procfs; use allow_mount_procfs"),
    FBSD("allow_mount_linsysfs", "/sys is always mounted, read-only"),
    FBSD("allow_mount_zfs", ZFS_WHY),
    FBSD("allow_nfsd", "the NFS server is a host kernel service on Linux; export from the "
                       "host"),
    FBSD("allow_quotas", "limit a jail's disk space from the host with quota=SIZE"),
    FBSD("allow_socket_af", "a jail may use every socket family of its network namespace; "
                            "raw and packet sockets need allow_raw_sockets"),
    FBSD("assign_localhost", LOCALHOST_WHY),
    FBSD("bpf", "dhcp=on works without it; packet capture needs allow_raw_sockets"),
    FBSD("children_max", "jails cannot create nested jails"),
    FBSD("coredumpsize", "core dumps follow the host's kernel.core_pattern; there is no "
                         "jail-wide size limit"),
    FBSD("cputime", "no cgroup limits total CPU time; use pcpu"),
    FBSD("datasize", RLIMIT_WHY),
    FBSD("devfs_ruleset", DEVFS_WHY),
    FBSD("enforce_statfs", "a jail only ever sees its own mounts (mount namespace)"),
    FBSD("exec_fib", "a jail with vnet=on has its own routing table; use policy routing "
                     "(ip rule) on the host for more"),
    FBSD("exec_jail_user", EXEC_USER_WHY),
    FBSD("exec_system_jail_user", EXEC_USER_WHY),
    FBSD("exec_system_user", "host hooks (exec_prestart...) run as root; use runuser in the "
                             "command"),
    FBSD("hostid", "each jail gets its own /etc/machine-id"),
    FBSD("hostid_strict_check", "jails are not tied to a host ID"),
    FBSD("ip4_saddrsel", SAME_WHY),
    FBSD("ip6_saddrsel", SAME_WHY),
    FBSD("ip_hostname", "list the jail's addresses in ip4_addr and ip6_addr"),
    FBSD("jail_zfs", ZFS_WHY),
    FBSD("jail_zfs_dataset", ZFS_WHY),
    FBSD("jail_zfs_mountpoint", ZFS_WHY),
    FBSD("localhost_ip", LOCALHOST_WHY),
    FBSD("memorylocked", "locked memory counts against memoryuse; allow_mlock permits mlock"),
    FBSD("min_dyn_devfs_ruleset", DEVFS_WHY),
    FBSD("mount_devfs", "jailor always gives the jail a minimal /dev"),
    FBSD("mount_fdescfs", "/dev/fd is always there (a link to /proc/self/fd)"),
    FBSD("mount_linprocfs", "/proc is Linux's own procfs and always mounted"),
    FBSD("mount_procfs", "jailor always mounts /proc (and /sys read-only)"),
    FBSD("msgqqueued", SYSV_WHY),
    FBSD("msgqsize", SYSV_WHY),
    FBSD("nat_backend", "jailor always uses nftables, in a table of its own"),
    FBSD("nmsgq", SYSV_WHY),
    FBSD("nsem", SYSV_WHY),
    FBSD("nsemop", SYSV_WHY),
    FBSD("nshm", SYSV_WHY),
    FBSD("nthr", "threads count as processes on Linux; use maxproc"),
    FBSD("rlimits", "an unused iocage key; use memoryuse, maxproc, openfiles..."),
    FBSD("rtsold", "use ip6_addr=vnet0|accept_rtadv for SLAAC"),
    FBSD("securelevel", "jails always run with a reduced capability set and a seccomp "
                        "filter"),
    FBSD("shmsize", SYSV_WHY),
    FBSD("stacksize", RLIMIT_WHY),
    FBSD("vmemoryuse", "Linux has no jail-wide address-space limit; use memoryuse"),
    FBSD("vnet_interfaces", "give the jail a host NIC through a bridge: interfaces="
                            "vnet1:br1 with the NIC in br1"),
    FBSD("wallclock", "no Linux equivalent; stop the jail from a timer on the host"),
    NOT_A_PROP("CONFIG_TYPE", "config.json always holds only what differs from the "
                              "defaults"),
    NOT_A_PROP("count", "use `jailor create -c N`"),
    NOT_A_PROP("dedup", "set it on the pool with `zfs set dedup=on POOL/jailor`"),
    NOT_A_PROP("plugin_name", PLUGIN_WHY),
    NOT_A_PROP("plugin_repository", PLUGIN_WHY),
    NOT_A_PROP("sync_state", SYNC_WHY),
    NOT_A_PROP("sync_target", SYNC_WHY),
    NOT_A_PROP("sync_tgt_zpool", SYNC_WHY),
};

const size_t props_refused_count = sizeof(props_refused) / sizeof(props_refused[0]);

const char *props_freebsd_only(const char *name)
{
        for (size_t i = 0; i < props_refused_count; i++)
                if (strcmp(props_refused[i].name, name) == 0)
                        return props_refused[i].message;
        return NULL;
}
