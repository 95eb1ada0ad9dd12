/* SPDX-License-Identifier: MIT */
/*
 * cgroup v2: the jail is the one directory jailor/NAME under the unified root.
 *
 *   memoryuse  memory.max       bytes; off: max
 *   swapuse    memory.swap.max  bytes (needs swap accounting); off: max
 *   pcpu       cpu.max          "QUOTA 100000": pcpu x 1000 us per 100 ms; off: "max 100000"
 *   cpuset     cpuset.cpus      the list; off and all: empty, i.e. the parent's CPUs
 *   maxproc    pids.max         the count; off: max
 *   readbps... io.max           "MAJ:MIN rbps=N wbps=N riops=N wiops=N" for the
 *                               jail's disk, max for each limit that is off
 *
 * A controller's files appear in a cgroup only when its parent lists the
 * controller in cgroup.subtree_control, so open enables them top-down in
 * the root and in jailor/.  Never in the jail's own cgroup: it holds
 * processes, and v2 allows controllers below a cgroup only when it has
 * none (a systemd in the jail moves itself down first, then enables them).
 *
 * kill_all writes cgroup.kill (Linux 5.14+); before that it freezes the
 * cgroup (cgroup.freeze), SIGKILLs every process and thaws it.
 */
#include "cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

#define CPU_MAX_PERIOD_US 100000

static const char *const wanted_controllers[] = {"cpu", "cpuset", "io", "memory", "pids"};

/* word is one of the space-separated words of list. */
static bool has_word(const char *list, const char *word)
{
        size_t n = strlen(word);

        for (const char *p = list; (p = strstr(p, word)); p += n)
                if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
                        return true;
        return false;
}

/*
 * Enables in dir's cgroup.subtree_control the controllers jailor uses that
 * dir has.  A controller the kernel refuses is left out: apply then names
 * the limit that needs it.
 */
static int enable_controllers(const char *dir, struct jailor_error *err)
{
        _cleanup_free_ char *available = NULL, *enabled = NULL;
        int r;

        r = cgroup_read(dir, "cgroup.controllers", &available, err);
        if (r == 0)
                r = cgroup_read(dir, "cgroup.subtree_control", &enabled, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(wanted_controllers); i++) {
                char add[16];

                if (!has_word(available, wanted_controllers[i]) ||
                    has_word(enabled, wanted_controllers[i]))
                        continue;
                snprintf(add, sizeof(add), "+%s", wanted_controllers[i]);
                cgroup_write(dir, "cgroup.subtree_control", add, NULL);
        }
        return 0;
}

static int v2_open(struct cgroup *cg, const struct cgroup_mounts *m, bool create,
                   struct jailor_error *err)
{
        _cleanup_free_ char *parent = path_join(m->unified, cgroup_jailor_dir());
        char *dir = parent ? path_join(parent, cg->name) : NULL;
        int r;

        if (!dir)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (create) {
                r = enable_controllers(m->unified, err);
                if (r == 0)
                        r = cgroup_make_dirs(m->unified, cg->name, err);
                if (r == 0)
                        r = enable_controllers(parent, err);
        } else {
                r = dir_exists(dir)
                        ? 0
                        : jailor_error_set(err, ENOENT, "Jail '%s' has no cgroup", cg->name);
        }
        if (r < 0) {
                free(dir);
                return r;
        }
        r = cgroup_add_dir(cg, CGROUP_MEMORY, dir, err);
        if (r < 0)
                return r;
        for (size_t c = 0; c < _CGROUP_CONTROLLER_MAX; c++)
                cg->ctl[c] = 0;
        return 0;
}

/* ---- limits ------------------------------------------------------------------- */

/*
 * 1 when the jail's cgroup has file (its controller is enabled); 0 when it
 * does not and the limit is off anyway; EOPNOTSUPP naming what is missing.
 */
static int controller_ready(struct cgroup *cg, const char *file, const char *controller, bool set,
                            const char *what, struct jailor_error *err)
{
        _cleanup_free_ char *parent = NULL, *available = NULL, *where = NULL;
        const char *dir = cg->dirs[0];

        if (cgroup_has_file(dir, file))
                return 1;
        if (!set)
                return 0;
        parent = strdup(dir);
        if (!parent || !strrchr(parent, '/'))
                return jailor_error_set(err, ENOMEM, "Out of memory");
        *strrchr(parent, '/') = '\0';
        if (cgroup_read(parent, "cgroup.controllers", &available, NULL) < 0)
                available = NULL;
        if (asprintf(&where, "it is not enabled for '%s'; '%s/cgroup.controllers' offers '%s'", dir,
                     parent, available ? available : "") < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return cgroup_no_controller(what, controller, where, err);
}

static void format_max(char buf[static 32], const struct rctl_value *v)
{
        if (v->set)
                snprintf(buf, 32, "%" PRIu64, v->amount);
        else
                snprintf(buf, 32, "max");
}

static int apply_memory(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        char mem_what[CGROUP_DESCRIBE_MAX], swap_what[CGROUP_DESCRIBE_MAX], value[32];
        int r;

        cgroup_describe(mem_what, "memoryuse", RCTL_BYTES, &l->memory);
        cgroup_describe(swap_what, "swapuse", RCTL_BYTES, &l->swap);
        r = controller_ready(cg, "memory.max", "memory", l->memory.set || l->swap.set,
                             l->memory.set ? mem_what : swap_what, err);
        if (r <= 0)
                return r;
        format_max(value, &l->memory);
        r = cgroup_set(cg->dirs[0], "memory.max", value, mem_what, err);
        if (r < 0)
                return r;
        if (!cgroup_has_file(cg->dirs[0], "memory.swap.max"))
                return l->swap.set ? jailor_error_set(err, EOPNOTSUPP,
                                                      "Cannot set %s: this kernel has no swap "
                                                      "accounting (no memory.swap.max in '%s'): it "
                                                      "needs CONFIG_SWAP and no swapaccount=0 on "
                                                      "its command line",
                                                      swap_what, cg->dirs[0])
                                   : 0;
        format_max(value, &l->swap);
        return cgroup_set(cg->dirs[0], "memory.swap.max", value, swap_what, err);
}

static int apply_cpu(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        char what[CGROUP_DESCRIBE_MAX], value[64];
        int r;

        cgroup_describe(what, "pcpu", RCTL_PERCENT, &l->cpu_percent);
        r = controller_ready(cg, "cpu.max", "cpu", l->cpu_percent.set, what, err);
        if (r <= 0)
                return r;
        /* percent of one CPU: quota/period = pcpu/100 */
        if (l->cpu_percent.set)
                snprintf(value, sizeof(value), "%" PRIu64 " %d",
                         l->cpu_percent.amount * (CPU_MAX_PERIOD_US / 100), CPU_MAX_PERIOD_US);
        else
                snprintf(value, sizeof(value), "max %d", CPU_MAX_PERIOD_US);
        return cgroup_set(cg->dirs[0], "cpu.max", value, what, err);
}

static int apply_cpuset(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        _cleanup_free_ char *list = format_cpuset(&l->cpuset), *allowed = NULL;
        char what[CGROUP_DESCRIBE_MAX];
        bool set = l->cpuset.kind == CPUSET_LIST;
        int r;

        if (!list)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        snprintf(what, sizeof(what), "cpuset=%s", list);
        r = controller_ready(cg, "cpuset.cpus", "cpuset", set, what, err);
        if (r <= 0)
                return r;
        /* an empty cpuset.cpus takes the parent's CPUs ("\n": the kernel ignores empty writes) */
        r = cgroup_set(cg->dirs[0], "cpuset.cpus", set ? list : "\n", what, err);
        if (r != -EINVAL && r != -ERANGE)
                return r;
        cgroup_read(cg->dirs[0], "cpuset.cpus.effective", &allowed, NULL); /* for the message */
        return cgroup_cpuset_refused(allowed, err);
}

static int apply_pids(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        char what[CGROUP_DESCRIBE_MAX], value[32];
        int r;

        cgroup_describe(what, "maxproc", RCTL_COUNT, &l->max_procs);
        r = controller_ready(cg, "pids.max", "pids", l->max_procs.set, what, err);
        if (r <= 0)
                return r;
        format_max(value, &l->max_procs);
        return cgroup_set(cg->dirs[0], "pids.max", value, what, err);
}

static int apply_io(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        const struct {
                const char *prop, *key;
                enum rctl_kind kind;
                const struct rctl_value *v;
        } io[] = {
            {"readbps", "rbps", RCTL_BYTES_RATE, &l->read_bps},
            {"writebps", "wbps", RCTL_BYTES_RATE, &l->write_bps},
            {"readiops", "riops", RCTL_IOPS, &l->read_iops},
            {"writeiops", "wiops", RCTL_IOPS, &l->write_iops},
        };
        char what[4 * CGROUP_DESCRIBE_MAX] = "", value[256];
        bool any = jail_limits_has_io(l);
        size_t wlen = 0, vlen;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(io); i++) {
                char one[CGROUP_DESCRIBE_MAX];

                if (io[i].v->set || !any)
                        wlen += (size_t)snprintf(
                            what + wlen, sizeof(what) - wlen, "%s%s", wlen ? ", " : "",
                            cgroup_describe(one, io[i].prop, io[i].kind, io[i].v));
        }
        if (!any && !l->io_device)
                return 0; /* nothing to remove */
        r = controller_ready(cg, "io.max", "io", any, what, err);
        if (r <= 0)
                return r;
        if (!l->io_device)
                return jailor_error_set(err, ENODEV,
                                        "Cannot set %s: no disk is known to hold the jail's root "
                                        "(ZFS, tmpfs and network file systems have none to "
                                        "throttle)",
                                        what);
        vlen = (size_t)snprintf(value, sizeof(value), "%u:%u", major(l->io_device),
                                minor(l->io_device));
        for (size_t i = 0; i < ELEMENTSOF(io); i++) {
                char amount[32];

                format_max(amount, io[i].v);
                vlen += (size_t)snprintf(value + vlen, sizeof(value) - vlen, " %s=%s", io[i].key,
                                         amount);
        }
        r = cgroup_set(cg->dirs[0], "io.max", value, what, err);
        /* a device the kernel cannot throttle cannot hold a rule to remove either */
        return r == -ENODEV && !any ? 0 : r;
}

static int v2_apply(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
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
        _cleanup_free_ char *events = NULL;

        return cgroup_read(cg->dirs[0], "cgroup.events", &events, NULL) == 0 &&
               strstr(events, "frozen 1");
}

static int v2_kill_round(struct cgroup *cg, struct jailor_error *err)
{
        const char *dir = cg->dirs[0];
        int r, r_thaw;

        if (cgroup_has_file(dir, "cgroup.kill")) {
                r = cgroup_write(dir, "cgroup.kill", "1", err);
                if (r < 0)
                        jailor_error_prefix(err, "Cannot kill jail '%s'", cg->name);
                return r;
        }
        if (!cgroup_has_file(dir, "cgroup.freeze"))
                return cgroup_kill_listed(cg, err);
        r = cgroup_write(dir, "cgroup.freeze", "1", err);
        if (r < 0) {
                jailor_error_prefix(err, "Cannot freeze jail '%s'", cg->name);
                return r;
        }
        cgroup_wait(cg, is_frozen, 1000);
        r = cgroup_kill_listed(cg, err);
        r_thaw = cgroup_write(dir, "cgroup.freeze", "0", r < 0 ? NULL : err);
        if (r == 0 && r_thaw < 0) {
                jailor_error_prefix(err, "Cannot thaw jail '%s'", cg->name);
                return r_thaw;
        }
        return r;
}

static int v2_cpu_usage(struct cgroup *cg, uint64_t *ret_ns, struct jailor_error *err)
{
        _cleanup_free_ char *stat = NULL;
        const char *p;
        int r;

        r = cgroup_read(cg->dirs[0], "cpu.stat", &stat, err);
        if (r < 0)
                return r;
        p = strstr(stat, "usage_usec ");
        if (!p || (p != stat && p[-1] != '\n'))
                return jailor_error_set(err, EINVAL, "No usage_usec in '%s/cpu.stat'", cg->dirs[0]);
        *ret_ns = strtoull(p + strlen("usage_usec "), NULL, 10) * 1000;
        return 0;
}

const struct cgroup_ops cgroup_v2_ops = {
    .version = CGROUP_V2,
    .open = v2_open,
    .apply = v2_apply,
    .kill_round = v2_kill_round,
    .cpu_usage = v2_cpu_usage,
};
