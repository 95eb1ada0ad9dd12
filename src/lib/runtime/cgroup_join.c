/* SPDX-License-Identifier: MIT */
/*
 * Starting a process inside a jail's cgroup without the kernel's global
 * migration lock.
 *
 * Writing a PID to cgroup.procs takes cgroup_threadgroup_rwsem for writing,
 * and the first writer after a quiet spell waits for an RCU grace period:
 * 6 to 16 ms on these machines, measured, the largest single cost of
 * `jailor start` (and of every `jailor exec`), paid in one hierarchy and
 * not in the next ones only because they follow at once.  Two ways in skip
 * that lock:
 *
 *   - the cgroup2 directory: the child is born in it, clone3() with
 *     CLONE_INTO_CGROUP (kernel 5.7), the way crun does;
 *   - each v1 hierarchy of a hybrid host: the child moves itself, one
 *     thread, by writing "0" to the hierarchy's `tasks` file, which the
 *     kernel does without the threadgroup lock (the thread cannot exit or
 *     exec under it).  The child is single-threaded, so the thread is the
 *     process.
 *
 * Where clone3 or CLONE_INTO_CGROUP is missing, the child is forked
 * plainly and writes itself into cgroup.procs: slower, the same result.
 */
#include "cgroup_join.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util/cleanup.h"

/* The jail's directory in the cgroup2 tree, or NULL (a v1 host without one). */
static const char *unified_dir(const struct cgroup *cg)
{
        if (cgroup_version(cg) == CGROUP_V2)
                return cg->n_dirs > 0 ? cg->dirs[0] : NULL;
        return cg->ctl[CGROUP_UNIFIED] >= 0 ? cg->dirs[cg->ctl[CGROUP_UNIFIED]] : NULL;
}

pid_t cgroup_clone(const struct cgroup *cg, unsigned long flags, bool *ret_born_in_unified,
                   struct jailor_error *err)
{
        const char *dir = unified_dir(cg);
        _cleanup_close_ int fd = -EBADF;
        pid_t pid;

        *ret_born_in_unified = false;
        if (dir) {
                fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return jailor_error_errno(err, errno, "Cannot open cgroup '%s'", dir);
                struct clone_args args = {
                        .flags = (flags & ~(unsigned long)CSIGNAL) | CLONE_INTO_CGROUP,
                        .exit_signal = flags & CSIGNAL,
                        .cgroup = (uint64_t)fd,
                };
                pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
                if (pid >= 0) {
                        *ret_born_in_unified = true;
                        return pid;
                }
                /* an older kernel: no clone3 (ENOSYS) or no CLONE_INTO_CGROUP (E2BIG, EINVAL) */
                if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
                        return jailor_error_errno(err, errno, "Cannot make the jail's process");
        }
        pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
        if (pid < 0)
                return jailor_error_errno(err, errno, "Cannot make the jail's process");
        return pid;
}

int cgroup_join_rest(const struct cgroup *cg, bool born_in_unified, struct jailor_error *err)
{
        const char *unified = unified_dir(cg);
        int r;

        for (size_t i = 0; i < cg->n_dirs; i++) {
                bool is_unified = unified && cg->dirs[i] == unified;

                if (is_unified && born_in_unified)
                        continue;
                /* v1: this thread alone, no global lock; cgroup2 has no such file outside threaded mode */
                r = cgroup_write(cg->dirs[i], is_unified ? "cgroup.procs" : "tasks", "0", err);
                if (r < 0) {
                        jailor_error_prefix(err, "Cannot join the cgroup of jail '%s'", cg->name);
                        return r;
                }
        }
        return 0;
}
