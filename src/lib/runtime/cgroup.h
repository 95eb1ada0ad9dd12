/* SPDX-License-Identifier: MIT */
/*
 * A jail's control group: where its processes live, what limits them, and
 * how they are all killed at once.
 *
 * Each jail has the cgroup "jailor/NAME": on cgroup v2 one directory under
 * the unified root (/sys/fs/cgroup/jailor/NAME), on cgroup v1 one directory
 * in each controller's hierarchy (/sys/fs/cgroup/memory/jailor/NAME, ...).
 * The version is probed once per open:
 *
 *   - /sys/fs/cgroup is a cgroup2 mount: v2;
 *   - otherwise the cgroup v1 controllers mounted (memory, cpu, cpuacct,
 *     cpuset, pids, blkio, freezer; co-mounted ones such as "cpu,cpuacct"
 *     are fine): v1.  A hybrid host (v1 controllers plus a cgroup2 mount at
 *     /sys/fs/cgroup/unified) is v1, since its controllers are there;
 *   - otherwise a cgroup2 mount elsewhere: v2 there.
 *
 * Two implementations of one table of operations (struct cgroup_ops below):
 * cgroup_v1.c and cgroup_v2.c.  Their comments say how each limit maps to
 * the control files.  Everything here is safe to call on a running jail:
 * cgroup_apply rewrites every limit, so changed values (and "off") apply live.
 *
 * Nested cgroups made inside a jail (systemd in the jail, through its cgroup
 * namespace) are part of the jail's cgroup: procs, kill_all and destroy
 * cover the whole subtree.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../error.h"
#include "limits.h"

/*
 * The directory under each hierarchy's root that holds the jails' cgroups:
 * "jailor", or $JAILOR_CGROUP_DIR (one name of letters, digits, '.', '_'
 * and '-'), so that jailors side by side (test runs) keep their jails apart
 * even when the jails have the same names.
 */
const char *cgroup_jailor_dir(void);

enum cgroup_version {
        CGROUP_V1 = 1,
        CGROUP_V2 = 2,
};

/* The controllers jailor uses; v1 mounts each (or a few together) on its own. */
enum cgroup_controller {
        CGROUP_MEMORY,  /* memoryuse, swapuse */
        CGROUP_CPU,     /* pcpu */
        CGROUP_CPUACCT, /* CPU time used (v1; v2 has cpu.stat everywhere) */
        CGROUP_CPUSET,  /* cpuset */
        CGROUP_PIDS,    /* maxproc */
        CGROUP_IO,      /* readbps... (v1: blkio, v2: io) */
        CGROUP_FREEZER, /* kill_all (v1; built into v2) */
        /*
         * Not a controller: the jail's directory in the cgroup2 tree, which
         * the jail sees as its /sys/fs/cgroup (a systemd in it manages it).
         * On v2 it is the one directory; on a hybrid v1 host it is one more,
         * in the cgroup2 mount beside the controllers (/sys/fs/cgroup/unified).
         */
        CGROUP_UNIFIED,
        _CGROUP_CONTROLLER_MAX,
};

struct cgroup;

/* Which cgroup version limits jails on this host; ENOENT when none is mounted. */
int cgroup_probe(enum cgroup_version *ret, struct jailor_error *err);

/*
 * Opens the cgroup of jail_name, creating it (and "jailor/") when missing.
 * On v2 it enables the controllers jailor uses in cgroup.subtree_control
 * of the root and of jailor/; on v1 it gives new cpuset levels their
 * parent's cpuset.cpus and cpuset.mems (v1 refuses processes in a cpuset
 * with none).  EINVAL for a name that is not a valid jail name.
 */
int cgroup_open(const char *jail_name, struct cgroup **ret, struct jailor_error *err);

/* Like cgroup_open but creates nothing: ENOENT when the jail has no cgroup (not running). */
int cgroup_open_existing(const char *jail_name, struct cgroup **ret, struct jailor_error *err);

/* Frees the handle; the cgroup itself stays (see cgroup_destroy). */
void cgroup_free(struct cgroup *cg);

enum cgroup_version cgroup_version(const struct cgroup *cg);

/*
 * The jail's directory holding controller c's files (v2: the one
 * directory); NULL when the host has not mounted that controller (v1).
 */
const char *cgroup_dir(const struct cgroup *cg, enum cgroup_controller c);

/*
 * Sets every limit in l, removing those that are off (back to max/-1, the
 * parent's CPUs).  Errors name the property and the control file:
 *   EOPNOTSUPP: the controller (or swap accounting) is missing on this host;
 *   ENODEV: an I/O limit with l->io_device 0, or a device the kernel refuses;
 *   EINVAL: swapuse without memoryuse on v1 (it limits memory+swap there);
 *   others: the kernel refused the write (EBUSY: usage above a lower limit).
 * Limits written before a failure stay written.
 */
int cgroup_apply(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err);

/* Moves process pid (all its threads) into the jail's cgroup, in every hierarchy. */
int cgroup_attach(struct cgroup *cg, pid_t pid, struct jailor_error *err);

/* The processes in the jail's cgroup and below, sorted, each once (malloc'd, *ret_n of them). */
int cgroup_procs(struct cgroup *cg, pid_t **ret, size_t *ret_n, struct jailor_error *err);

/*
 * SIGKILLs every process in the cgroup and waits until it is empty: v2
 * writes cgroup.kill (kernel 5.14+); otherwise the cgroup is frozen (v1
 * freezer, v2 cgroup.freeze) so nothing forks or exits between listing and
 * killing, every listed process gets SIGKILL, then it is thawed; repeated
 * until empty.  ETIMEDOUT (naming the survivors) after 10 seconds.  EINVAL
 * when the caller itself is in the cgroup.
 */
int cgroup_kill_all(struct cgroup *cg, struct jailor_error *err);

/*
 * Removes the jail's cgroup (nested cgroups first) in every hierarchy, then
 * "jailor/" where no other jail uses it.  EBUSY, naming the PIDs, while
 * processes remain: call cgroup_kill_all first.  A cgroup already gone is
 * fine.  The handle stays valid (cgroup_free it).
 */
int cgroup_destroy(struct cgroup *cg, struct jailor_error *err);

/* Nanoseconds of CPU time used by the jail's processes, for stats and tests. */
int cgroup_cpu_usage(struct cgroup *cg, uint64_t *ret_ns, struct jailor_error *err);

/* ---- for the implementations (cgroup_v1.c, cgroup_v2.c) ------------------ */

/* Where cgroup file systems are mounted, read from /proc/self/mountinfo. */
struct cgroup_mounts {
        char *v1[_CGROUP_CONTROLLER_MAX]; /* the hierarchy holding each v1 controller */
        char *unified;                    /* the cgroup2 mount; NULL when none */
};

struct cgroup_ops {
        enum cgroup_version version;
        /*
         * Fills cg->dirs and cg->ctl from the mounts; creates the
         * directories when create, else ENOENT when the jail's are missing.
         */
        int (*open)(struct cgroup *cg, const struct cgroup_mounts *m, bool create,
                    struct jailor_error *err);
        int (*apply)(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err);
        /* One attempt at killing everything; the front waits and repeats. */
        int (*kill_round)(struct cgroup *cg, struct jailor_error *err);
        int (*cpu_usage)(struct cgroup *cg, uint64_t *ret_ns, struct jailor_error *err);
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

struct cgroup {
        const struct cgroup_ops *ops;
        char *name;
        /* The jail's directory in each hierarchy it uses (v2: one), each once. */
        char *dirs[_CGROUP_CONTROLLER_MAX];
        size_t n_dirs;
        int ctl[_CGROUP_CONTROLLER_MAX]; /* index into dirs; -1: controller not mounted */
};

/* Adds dir (taking it) to cg->dirs unless there, and points controller c at it. */
int cgroup_add_dir(struct cgroup *cg, enum cgroup_controller c, char *dir,
                   struct jailor_error *err);

/*
 * mkdir of ROOT/jailor and ROOT/jailor/NAME, existing ones fine (retried
 * when a jail stopping at the same time removes jailor/ in between).
 */
int cgroup_make_dirs(const char *root, const char *name, struct jailor_error *err);

/* DIR/FILE: one value written at once; errors quote the value and the file. */
int cgroup_write(const char *dir, const char *file, const char *value, struct jailor_error *err);
/* DIR/FILE's content without its trailing newline. */
int cgroup_read(const char *dir, const char *file, char **ret, struct jailor_error *err);
bool cgroup_has_file(const char *dir, const char *file);
/* DIR/FILE as an unsigned number. */
int cgroup_read_u64(const char *dir, const char *file, uint64_t *ret, struct jailor_error *err);

/* "memoryuse=64M", "pcpu=off": how messages name a limit. */
#define CGROUP_DESCRIBE_MAX 64
const char *cgroup_describe(char buf[static CGROUP_DESCRIBE_MAX], const char *prop,
                            enum rctl_kind kind, const struct rctl_value *v);

/* cgroup_write for limit what ("memoryuse=64M"): "Cannot set WHAT: writing ..." */
int cgroup_set(const char *dir, const char *file, const char *value, const char *what,
               struct jailor_error *err);

/*
 * The kernel refused a CPU list (EINVAL: not in the parent's set; ERANGE:
 * beyond the CPUs this kernel handles): EINVAL, the message in err saying
 * which CPUs there are (allowed, may be NULL).
 */
int cgroup_cpuset_refused(const char *allowed, struct jailor_error *err);

/* EOPNOTSUPP: "Cannot set WHAT: ..." saying that the controller is missing where. */
int cgroup_no_controller(const char *what, const char *controller, const char *where,
                         struct jailor_error *err);

/* Appends the PIDs in dir/cgroup.procs and in every cgroup below dir to *pids. */
int cgroup_collect_procs(const char *dir, pid_t **pids, size_t *n, size_t *cap,
                         struct jailor_error *err);

/* Sends SIGKILL to every listed process of cg once (the caller holds them frozen). */
int cgroup_kill_listed(struct cgroup *cg, struct jailor_error *err);

/* Sleeps until pred(cg) holds or timeout_ms pass: 1 when it held, 0 on timeout. */
int cgroup_wait(struct cgroup *cg, bool (*pred)(struct cgroup *cg), unsigned timeout_ms);
