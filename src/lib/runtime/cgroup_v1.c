/* SPDX-License-Identifier: MIT */
/*
 * cgroup v1 (and hybrid hosts, whose controllers are v1): the jail has the
 * directory jailor/NAME in each controller's hierarchy.
 *
 *   memoryuse  memory.limit_in_bytes         bytes; off: -1
 *   swapuse    memory.memsw.limit_in_bytes   memoryuse + swapuse, since v1
 *                                            limits memory and swap together;
 *                                            needs memoryuse and swap accounting;
 *                                            off: -1
 *   pcpu       cpu.cfs_quota_us              pcpu x 1000 per cpu.cfs_period_us
 *                                            of 100000 (100 ms); off: -1
 *   cpuset     cpuset.cpus                   the list; off and all: the
 *                                            parent's CPUs (v1 has no "inherit")
 *   maxproc    pids.max                      the count; off: max
 *   readbps... blkio.throttle.{read,write}_{bps,iops}_device
 *                                            "MAJ:MIN N" for the jail's disk; off: N = 0
 *
 * kill_all freezes the cgroup (freezer.state), SIGKILLs every process, then
 * thaws it, so that nothing forks past the list or hands its PID on.
 */
#include "cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

#define CFS_PERIOD_US 100000
#define UNLIMITED UINT64_MAX

static const char *v1_where(void)
{
        return "no cgroup v1 hierarchy with it is mounted";
}

/* ---- opening ---------------------------------------------------------------- */

static char *parent_of(const char *dir)
{
        char *parent = strdup(dir), *slash = parent ? strrchr(parent, '/') : NULL;

        if (slash && slash != parent)
                *slash = '\0';
        return parent;
}

/* A new v1 cpuset has no CPUs nor memory nodes and takes no process: give it its parent's. */
static int cpuset_fill(const char *dir, struct jailor_error *err)
{
        static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
        _cleanup_free_ char *parent = parent_of(dir);
        int r;

        if (!parent)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *mine = NULL, *theirs = NULL;

                r = cgroup_read(dir, files[i], &mine, err);
                if (r == 0 && *mine)
                        continue;
                if (r == 0)
                        r = cgroup_read(parent, files[i], &theirs, err);
                if (r == 0)
                        r = cgroup_write(dir, files[i], theirs, err);
                if (r < 0) {
                        jailor_error_prefix(err, "Cannot set up cpuset '%s'", dir);
                        return r;
                }
        }
        return 0;
}

/*
 * The jail's directory under the hierarchy mounted at root, for controller c
 * (made when create; skipped when it is missing and not create).
 */
static int open_one(struct cgroup *cg, const char *root, enum cgroup_controller c, bool create,
                    struct jailor_error *err)
{
        _cleanup_free_ char *parent = path_join(root, cgroup_jailor_dir());
        char *dir = parent ? path_join(parent, cg->name) : NULL;
        int r = 0;

        if (!dir)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (!create && !dir_exists(dir)) {
                free(dir);
                return 0;
        }
        if (create) {
                r = cgroup_make_dirs(root, cg->name, err);
                if (r == 0 && c == CGROUP_CPUSET) {
                        r = cpuset_fill(parent, err);
                        if (r == 0)
                                r = cpuset_fill(dir, err);
                }
        }
        if (r < 0) {
                free(dir);
                return r;
        }
        return cgroup_add_dir(cg, c, dir, err);
}

static int v1_open(struct cgroup *cg, const struct cgroup_mounts *m, bool create,
                   struct jailor_error *err)
{
        int r;

        for (int c = 0; c < _CGROUP_CONTROLLER_MAX; c++) {
                if (!m->v1[c])
                        continue;
                r = open_one(cg, m->v1[c], (enum cgroup_controller)c, create, err);
                if (r < 0)
                        return r;
        }
        if (cg->n_dirs == 0)
                return jailor_error_set(err, ENOENT, "Jail '%s' has no cgroup", cg->name);
        /*
         * A hybrid host's cgroup2 mount gets the jail's directory too: the
         * jail mounts that subtree as its /sys/fs/cgroup, where a systemd in
         * the jail makes its own cgroups.
         */
        return m->unified ? open_one(cg, m->unified, CGROUP_UNIFIED, create, err) : 0;
}

/* ---- limits ------------------------------------------------------------------- */

static void format_limit(char buf[static 32], uint64_t v)
{
        if (v == UNLIMITED)
                snprintf(buf, 32, "-1");
        else
                snprintf(buf, 32, "%" PRIu64, v);
}

static int apply_memory(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        const char *dir = cgroup_dir(cg, CGROUP_MEMORY);
        char mem_what[CGROUP_DESCRIBE_MAX], swap_what[CGROUP_DESCRIBE_MAX], mem_value[32],
            memsw_value[32];
        uint64_t mem, memsw, current;
        bool has_memsw;
        int r;

        cgroup_describe(mem_what, "memoryuse", RCTL_BYTES, &l->memory);
        cgroup_describe(swap_what, "swapuse", RCTL_BYTES, &l->swap);
        if (!dir)
                return l->memory.set || l->swap.set
                           ? cgroup_no_controller(l->memory.set ? mem_what : swap_what, "memory",
                                                  v1_where(), err)
                           : 0;
        if (l->swap.set && !l->memory.set)
                return jailor_error_set(err, EINVAL,
                                        "Cannot set %s without memoryuse on this cgroup v1 host: "
                                        "v1 limits memory and swap together "
                                        "(memory.memsw.limit_in_bytes)",
                                        swap_what);
        has_memsw = cgroup_has_file(dir, "memory.memsw.limit_in_bytes");
        if (l->swap.set && !has_memsw)
                return jailor_error_set(err, EOPNOTSUPP,
                                        "Cannot set %s: this kernel has no swap accounting "
                                        "(no memory.memsw.limit_in_bytes in '%s'): it needs "
                                        "CONFIG_MEMCG_SWAP (CONFIG_SWAP since Linux 6.1) and no "
                                        "swapaccount=0 on its command line",
                                        swap_what, dir);
        mem = l->memory.set ? l->memory.amount : UNLIMITED;
        memsw = UNLIMITED;
        if (l->swap.set && l->swap.amount <= INT64_MAX - mem)
                memsw = mem + l->swap.amount;
        format_limit(mem_value, mem);
        format_limit(memsw_value, memsw);
        if (!has_memsw)
                return cgroup_set(dir, "memory.limit_in_bytes", mem_value, mem_what, err);
        /*
         * The kernel keeps memsw >= memory at every step: raise memsw first
         * when it ends above the current memory limit, else lower memory first.
         */
        r = cgroup_read_u64(dir, "memory.limit_in_bytes", &current, err);
        if (r < 0)
                return r;
        if (memsw >= current) {
                r = cgroup_set(dir, "memory.memsw.limit_in_bytes", memsw_value, swap_what, err);
                if (r == 0)
                        r = cgroup_set(dir, "memory.limit_in_bytes", mem_value, mem_what, err);
        } else {
                r = cgroup_set(dir, "memory.limit_in_bytes", mem_value, mem_what, err);
                if (r == 0)
                        r = cgroup_set(dir, "memory.memsw.limit_in_bytes", memsw_value, swap_what,
                                       err);
        }
        /* v1 refuses a limit below what the jail uses and cannot reclaim */
        if (r == -EBUSY && err) {
                size_t len = strlen(err->msg);
                snprintf(err->msg + len, sizeof(err->msg) - len,
                         " (the jail already uses more than that)");
        }
        return r;
}

static int apply_cpu(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        const char *dir = cgroup_dir(cg, CGROUP_CPU);
        char what[CGROUP_DESCRIBE_MAX], period[32], quota[32];
        int r;

        cgroup_describe(what, "pcpu", RCTL_PERCENT, &l->cpu_percent);
        if (!dir)
                return l->cpu_percent.set ? cgroup_no_controller(what, "cpu", v1_where(), err) : 0;
        if (!l->cpu_percent.set)
                return cgroup_set(dir, "cpu.cfs_quota_us", "-1", what, err);
        snprintf(period, sizeof(period), "%d", CFS_PERIOD_US);
        /* percent of one CPU: quota/period = pcpu/100 */
        snprintf(quota, sizeof(quota), "%" PRIu64, l->cpu_percent.amount * (CFS_PERIOD_US / 100));
        r = cgroup_set(dir, "cpu.cfs_period_us", period, what, err);
        if (r == 0)
                r = cgroup_set(dir, "cpu.cfs_quota_us", quota, what, err);
        return r;
}

static int apply_cpuset(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        const char *dir = cgroup_dir(cg, CGROUP_CPUSET);
        _cleanup_free_ char *list = format_cpuset(&l->cpuset), *parent = NULL, *allowed = NULL;
        char what[CGROUP_DESCRIBE_MAX];
        int r;

        if (!list)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        snprintf(what, sizeof(what), "cpuset=%s", list);
        if (!dir)
                return l->cpuset.kind == CPUSET_LIST
                           ? cgroup_no_controller(what, "cpuset", v1_where(), err)
                           : 0;
        parent = parent_of(dir);
        if (!parent)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = cgroup_read(parent, "cpuset.cpus", &allowed, err);
        if (r < 0)
                return r;
        r = cgroup_set(dir, "cpuset.cpus", l->cpuset.kind == CPUSET_LIST ? list : allowed, what,
                       err);
        return r == -EINVAL || r == -ERANGE ? cgroup_cpuset_refused(allowed, err) : r;
}

static int apply_pids(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        const char *dir = cgroup_dir(cg, CGROUP_PIDS);
        char what[CGROUP_DESCRIBE_MAX], value[32];

        cgroup_describe(what, "maxproc", RCTL_COUNT, &l->max_procs);
        if (!dir)
                return l->max_procs.set ? cgroup_no_controller(what, "pids", v1_where(), err) : 0;
        if (l->max_procs.set)
                snprintf(value, sizeof(value), "%" PRIu64, l->max_procs.amount);
        else
                snprintf(value, sizeof(value), "max");
        return cgroup_set(dir, "pids.max", value, what, err);
}

static const struct {
        const char *prop;
        enum rctl_kind kind;
        size_t offset; /* of the struct rctl_value in struct jail_limits */
        const char *file;
} io_limits[] = {
    {"readbps", RCTL_BYTES_RATE, offsetof(struct jail_limits, read_bps),
     "blkio.throttle.read_bps_device"},
    {"writebps", RCTL_BYTES_RATE, offsetof(struct jail_limits, write_bps),
     "blkio.throttle.write_bps_device"},
    {"readiops", RCTL_IOPS, offsetof(struct jail_limits, read_iops),
     "blkio.throttle.read_iops_device"},
    {"writeiops", RCTL_IOPS, offsetof(struct jail_limits, write_iops),
     "blkio.throttle.write_iops_device"},
};

static int apply_io(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        const char *dir = cgroup_dir(cg, CGROUP_IO);
        bool any = jail_limits_has_io(l);
        int r;

        for (size_t i = 0; i < ELEMENTSOF(io_limits); i++) {
                const struct rctl_value *v =
                    (const struct rctl_value *)((const char *)l + io_limits[i].offset);
                char what[CGROUP_DESCRIBE_MAX], value[64];

                cgroup_describe(what, io_limits[i].prop, io_limits[i].kind, v);
                if (!v->set && (!dir || !l->io_device))
                        continue; /* nothing to remove */
                if (!dir)
                        return cgroup_no_controller(what, "blkio", v1_where(), err);
                if (!l->io_device)
                        return jailor_error_set(err, ENODEV,
                                                "Cannot set %s: no disk is known to hold the "
                                                "jail's root (ZFS, tmpfs and network file systems "
                                                "have none to throttle)",
                                                what);
                snprintf(value, sizeof(value), "%u:%u %" PRIu64, major(l->io_device),
                         minor(l->io_device), v->set ? v->amount : 0);
                r = cgroup_set(dir, io_limits[i].file, value, what, err);
                /* a device the kernel cannot throttle cannot hold a rule to remove either */
                if (r == -ENODEV && !any)
                        continue;
                if (r < 0)
                        return r;
        }
        return 0;
}

static int v1_apply(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        int r = apply_memory(cg, l, err);

        if (r == 0)
                r = apply_cpu(cg, l, err);
        if (r == 0)
                r = apply_cpuset(cg, l, err);
        if (r == 0)
                r = apply_pids(cg, l, err);
        if (r == 0)
                r = apply_io(cg, l, err);
        return r;
}

/* ---- processes ---------------------------------------------------------------- */

static bool is_frozen(struct cgroup *cg)
{
        _cleanup_free_ char *state = NULL;

        return cgroup_read(cgroup_dir(cg, CGROUP_FREEZER), "freezer.state", &state, NULL) == 0 &&
               STREQ(state, "FROZEN");
}

static int v1_kill_round(struct cgroup *cg, struct jailor_error *err)
{
        const char *dir = cgroup_dir(cg, CGROUP_FREEZER);
        int r, r_thaw;

        if (!dir)
                return cgroup_kill_listed(cg, err);
        r = cgroup_write(dir, "freezer.state", "FROZEN", err);
        if (r < 0) {
                jailor_error_prefix(err, "Cannot freeze jail '%s'", cg->name);
                return r;
        }
        /* a process stuck in the kernel can keep it FREEZING: kill anyway */
        cgroup_wait(cg, is_frozen, 1000);
        r = cgroup_kill_listed(cg, err);
        /* the SIGKILLs are delivered once thawed */
        r_thaw = cgroup_write(dir, "freezer.state", "THAWED", r < 0 ? NULL : err);
        if (r == 0 && r_thaw < 0) {
                jailor_error_prefix(err, "Cannot thaw jail '%s'", cg->name);
                return r_thaw;
        }
        return r;
}

static int v1_cpu_usage(struct cgroup *cg, uint64_t *ret_ns, struct jailor_error *err)
{
        const char *dir = cgroup_dir(cg, CGROUP_CPUACCT);

        if (!dir)
                return jailor_error_set(err, EOPNOTSUPP,
                                        "Cannot read the CPU time of jail '%s': this host has no "
                                        "cpuacct cgroup controller",
                                        cg->name);
        return cgroup_read_u64(dir, "cpuacct.usage", ret_ns, err);
}

const struct cgroup_ops cgroup_v1_ops = {
    .version = CGROUP_V1,
    .open = v1_open,
    .apply = v1_apply,
    .kill_round = v1_kill_round,
    .cpu_usage = v1_cpu_usage,
};
