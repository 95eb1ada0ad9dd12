/* SPDX-License-Identifier: MIT */
/*
 * Host limits for many jails (host_tuning.h).  Each rule says what N jails
 * need, as base + per_jail × N, and what jailor recommends: the production
 * values Incus documents (reference/peers.md §2.4), which lift the limit far
 * beyond any jail count a host can hold.
 *
 * The needs, and why:
 *   - inotify instances are counted per user, and every jail's processes
 *     are host root (no user namespaces): systemd, journald, logind and
 *     udev in a jail take about 5, measured (peers.md §8.4: 28 systemd
 *     containers fit in the default 128).
 *   - inotify watches, per user as well: a few hundred per systemd jail
 *     (256 counted, so a stock 8192 holds as many jails as its 128 instances).
 *   - keyrings are per uid too, and jail uids are host uids; Incus's rule
 *     is more keys than instances (a session keyring each), 100 bytes
 *     each as the kernel's defaults (200 keys, 20000 bytes) assume.
 *     jailor's seccomp filter refuses the keyring calls in jails today,
 *     so these bite only once a jail may use keyrings; checked all the
 *     same, as a host running other containers beside jails needs them.
 *   - the host's neighbour table holds one entry per VNET jail on its
 *     bridges, plus the host's own (256 kept for those): above gc_thresh2
 *     entries are dropped within 5 s, at gc_thresh3 new ones are refused
 *     ("neighbour table overflow"); gc_thresh1 is where collection starts
 *     and never refuses anything, so it is shown and tuned, never needed.
 */
#include "host_tuning.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

struct limit_rule {
        const char *sysctl;
        const char *why;
        uint64_t base, per_jail;
        uint64_t recommended;
};

static const struct limit_rule rules[] = {
        {"fs.inotify.max_user_instances", "about 5 per systemd jail, all counted against root", 16, 5,
         1048576},
        {"fs.inotify.max_user_watches", "a few hundred per systemd jail, all counted against root",
         1024, 256, 1048576},
        {"kernel.keys.maxkeys", "a keyring per jail and uid (jail uids are host uids)", 1, 1, 2000},
        {"kernel.keys.maxbytes", "100 bytes per key", 100, 100, 2000000},
        {"net.ipv4.neigh.default.gc_thresh1", "neighbour entries kept without collection", 0, 0, 1024},
        {"net.ipv4.neigh.default.gc_thresh2", "one neighbour entry per VNET jail; above this, dropped in 5 s",
         256, 1, 4096},
        {"net.ipv4.neigh.default.gc_thresh3", "one neighbour entry per VNET jail; the hard limit", 256, 1,
         8192},
};

_Static_assert(sizeof(rules) / sizeof(rules[0]) <= HOST_LIMITS_MAX, "HOST_LIMITS_MAX too small");

/* /proc/sys, or $JAILOR_PROC_SYS for tests (never the real one there). */
static const char *proc_sys(void)
{
        const char *dir = getenv("JAILOR_PROC_SYS");

        return dir && *dir ? dir : "/proc/sys";
}

/* "fs.inotify.max_user_instances" -> PROC_SYS/fs/inotify/max_user_instances */
static char *sysctl_path(const char *name)
{
        char *path = strjoin(proc_sys(), "/", name, NULL);

        if (path)
                for (char *p = path + strlen(proc_sys()) + 1; *p; p++)
                        if (*p == '.')
                                *p = '/';
        return path;
}

static int read_sysctl(const char *name, uint64_t *ret, struct jailor_error *err)
{
        _cleanup_free_ char *path = sysctl_path(name);
        _cleanup_fclose_ FILE *f = NULL;
        char buf[64], *end;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        f = fopen(path, "re");
        if (!f)
                return jailor_error_errno(err, errno, "Cannot read sysctl %s ('%s')", name, path);
        if (!fgets(buf, sizeof(buf), f))
                return jailor_error_set(err, EIO, "Cannot read sysctl %s ('%s'): empty", name, path);
        errno = 0;
        *ret = strtoull(buf, &end, 10);
        if (errno || end == buf || (*end && *end != '\n'))
                return jailor_error_set(err, EINVAL, "Unexpected value '%.*s' in sysctl %s ('%s')",
                                        (int)strcspn(buf, "\n"), buf, name, path);
        return 0;
}

/* A sysctl file is written whole, at once, as sysctl(8) does; no temporary file in /proc/sys. */
static int write_sysctl(const char *name, uint64_t value, struct jailor_error *err)
{
        _cleanup_free_ char *path = sysctl_path(name);
        _cleanup_close_ int fd = -EBADF;
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", value);

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot write sysctl %s ('%s')", name, path);
        if (write(fd, buf, (size_t)n) != n)
                return jailor_error_errno(err, errno, "Cannot set sysctl %s to %" PRIu64, name, value);
        return 0;
}

static void judge(const struct limit_rule *rule, uint64_t current, unsigned jails, struct host_limit *ret)
{
        *ret = (struct host_limit){
                .sysctl = rule->sysctl,
                .why = rule->why,
                .current = current,
                .needed = rule->per_jail ? rule->base + rule->per_jail * jails : 0,
                .recommended = rule->recommended,
        };
        ret->bites = ret->current < ret->needed;
}

int host_limits_check(unsigned jails, struct host_limit limits[HOST_LIMITS_MAX], size_t *ret_n,
                      struct jailor_error *err)
{
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(rules); i++) {
                uint64_t current;
                int r = read_sysctl(rules[i].sysctl, &current, err);

                if (r < 0)
                        return r;
                judge(&rules[i], current, jails, &limits[n++]);
        }
        *ret_n = n;
        return 0;
}

int host_limits_apply(const struct jailor_ctx *ctx, struct jailor_error *err)
{
        struct host_limit limits[HOST_LIMITS_MAX];
        size_t n;
        int changed = 0;
        /* every value read (and understood) before any is written */
        int r = host_limits_check(0, limits, &n, err);

        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                if (limits[i].current >= limits[i].recommended)
                        continue;
                r = write_sysctl(limits[i].sysctl, limits[i].recommended, err);
                if (r < 0)
                        return r;
                jailor_warn(ctx, "%s: %" PRIu64 " -> %" PRIu64, limits[i].sysctl, limits[i].current,
                            limits[i].recommended);
                changed++;
        }
        return changed;
}

unsigned host_running_jails(const struct jailor_ctx *ctx)
{
        _cleanup_closedir_ DIR *d = opendir(ctx->run_dir);
        struct dirent *de;
        unsigned n = 0;

        while (d && (de = readdir(d))) {
                char path[NAME_MAX + 16];
                struct stat st;

                if (de->d_name[0] == '.' || de->d_type != DT_DIR)
                        continue;
                snprintf(path, sizeof(path), "%s/state.json", de->d_name);
                if (fstatat(dirfd(d), path, &st, 0) == 0)
                        n++;
        }
        return n;
}

void host_limits_warn(const struct jailor_ctx *ctx, unsigned starting)
{
        unsigned jails = host_running_jails(ctx) + starting;

        for (size_t i = 0; i < ELEMENTSOF(rules); i++) {
                struct host_limit l;
                uint64_t current;

                if (read_sysctl(rules[i].sysctl, &current, NULL) < 0)
                        continue;
                judge(&rules[i], current, jails, &l);
                if (l.bites)
                        jailor_warn(ctx,
                                    "%s is %" PRIu64 ", and %u running jails need %" PRIu64
                                    " (%s): set it with 'sysctl -w %s=%" PRIu64
                                    "', or all of these with 'jailor tune --apply'",
                                    l.sysctl, l.current, jails, l.needed, l.why, l.sysctl,
                                    l.recommended);
        }
}
