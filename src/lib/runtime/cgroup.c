/* SPDX-License-Identifier: MIT */
/*
 * The cgroup front: probing the version, opening a jail's cgroup, and what
 * both versions do alike (attach, listing, killing loop, removal).  The
 * version-specific parts are in cgroup_v1.c and cgroup_v2.c.
 */
#include "cgroup.h"

#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "../props/parse.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#define CGROUP_MOUNT_POINT "/sys/fs/cgroup"
#define KILL_TIMEOUT_MS 10000
#define RMDIR_BUSY_TIMEOUT_MS 2000

/* v1 controller names, as in the super options of a cgroup mount. */
static const char *const v1_controller_names[_CGROUP_CONTROLLER_MAX] = {
    [CGROUP_MEMORY] = "memory",   [CGROUP_CPU] = "cpu",   [CGROUP_CPUACCT] = "cpuacct",
    [CGROUP_CPUSET] = "cpuset",   [CGROUP_PIDS] = "pids", [CGROUP_IO] = "blkio",
    [CGROUP_FREEZER] = "freezer",
};

/* ---- files ---------------------------------------------------------------- */

int cgroup_write(const char *dir, const char *file, const char *value, struct jailor_error *err)
{
        _cleanup_free_ char *path = path_join(dir, file);
        _cleanup_close_ int fd = -EBADF;
        size_t len = strlen(value);
        ssize_t n = -1;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd >= 0)
                n = write(fd, value, len);
        if (fd < 0 || n < 0)
                return jailor_error_errno(err, errno, "writing '%.*s' to '%s'",
                                          (int)strcspn(value, "\n"), value, path);
        if ((size_t)n != len)
                return jailor_error_set(err, EIO, "writing '%s' to '%s': short write", value, path);
        return 0;
}

int cgroup_read(const char *dir, const char *file, char **ret, struct jailor_error *err)
{
        _cleanup_free_ char *path = path_join(dir, file);
        size_t len;
        int r;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = read_file(path, ret, &len, err);
        if (r < 0)
                return r;
        while (len > 0 && (*ret)[len - 1] == '\n')
                (*ret)[--len] = '\0';
        return 0;
}

bool cgroup_has_file(const char *dir, const char *file)
{
        _cleanup_free_ char *path = path_join(dir, file);

        return path && path_exists(path);
}

int cgroup_read_u64(const char *dir, const char *file, uint64_t *ret, struct jailor_error *err)
{
        _cleanup_free_ char *s = NULL;
        char *end;
        int r;

        r = cgroup_read(dir, file, &s, err);
        if (r < 0)
                return r;
        errno = 0;
        *ret = strtoull(s, &end, 10);
        if (errno || end == s || *end)
                return jailor_error_set(err, EINVAL, "Unexpected value '%s' in '%s/%s'", s, dir,
                                        file);
        return 0;
}

const char *cgroup_describe(char buf[static CGROUP_DESCRIBE_MAX], const char *prop,
                            enum rctl_kind kind, const struct rctl_value *v)
{
        char size[FORMAT_SIZE_MAX];

        if (!v->set)
                snprintf(buf, CGROUP_DESCRIBE_MAX, "%s=off", prop);
        else if (kind == RCTL_BYTES || kind == RCTL_BYTES_RATE)
                snprintf(buf, CGROUP_DESCRIBE_MAX, "%s=%s", prop, format_size(v->amount, size));
        else
                snprintf(buf, CGROUP_DESCRIBE_MAX, "%s=%" PRIu64, prop, v->amount);
        return buf;
}

int cgroup_set(const char *dir, const char *file, const char *value, const char *what,
               struct jailor_error *err)
{
        int r = cgroup_write(dir, file, value, err);

        if (r < 0)
                jailor_error_prefix(err, "Cannot set %s", what);
        return r;
}

int cgroup_no_controller(const char *what, const char *controller, const char *where,
                         struct jailor_error *err)
{
        return jailor_error_set(err, EOPNOTSUPP,
                                "Cannot set %s: this host's cgroups have no %s controller (%s)",
                                what, controller, where);
}

int cgroup_cpuset_refused(const char *allowed, struct jailor_error *err)
{
        if (err) {
                size_t len = strlen(err->msg);

                if (allowed)
                        snprintf(err->msg + len, sizeof(err->msg) - len, " (this host's CPUs: %s)",
                                 allowed);
                err->errnum = EINVAL;
        }
        return -EINVAL;
}

/* ---- probing -------------------------------------------------------------- */

static void cgroup_mounts_done(struct cgroup_mounts *m)
{
        for (size_t i = 0; i < _CGROUP_CONTROLLER_MAX; i++)
                free(m->v1[i]);
        free(m->unified);
        *m = (struct cgroup_mounts){0};
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
        char *out = s;

        while (*s) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
                    s[3] >= '0' && s[3] <= '7') {
                        *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 4;
                } else {
                        *out++ = *s++;
                }
        }
        *out = '\0';
}

/* Records the v1 controllers named in a cgroup mount's super options. */
static int note_v1_mount(struct cgroup_mounts *m, const char *mount_point, char *super_opts)
{
        char *save = NULL;

        for (char *o = strtok_r(super_opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
                for (size_t c = 0; c < _CGROUP_CONTROLLER_MAX; c++) {
                        if (m->v1[c] || !v1_controller_names[c] ||
                            !STREQ(o, v1_controller_names[c]))
                                continue;
                        m->v1[c] = strdup(mount_point);
                        if (!m->v1[c])
                                return -ENOMEM;
                }
        return 0;
}

static int read_mounts(struct cgroup_mounts *m, struct jailor_error *err)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;

        if (!f)
                return jailor_error_errno(err, errno, "Cannot read /proc/self/mountinfo");
        while (getline(&line, &cap, f) > 0) {
                char *dash = strstr(line, " - "), *save = NULL, *mount_point = NULL, *fstype,
                     *super_opts;

                /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
                if (!dash)
                        continue;
                *dash = '\0';
                strtok_r(line, " ", &save);
                for (int i = 0; i < 4; i++)
                        mount_point = strtok_r(NULL, " ", &save);
                save = NULL;
                fstype = strtok_r(dash + 3, " ", &save);
                strtok_r(NULL, " ", &save);
                super_opts = strtok_r(NULL, " \n", &save);
                if (!mount_point || !fstype || !super_opts)
                        continue;
                unescape_octal(mount_point);
                if (STREQ(fstype, "cgroup") && note_v1_mount(m, mount_point, super_opts) < 0)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                if (STREQ(fstype, "cgroup2") && !m->unified) {
                        m->unified = strdup(mount_point);
                        if (!m->unified)
                                return jailor_error_set(err, ENOMEM, "Out of memory");
                }
        }
        return 0;
}

static int probe(struct cgroup_mounts *m, const struct cgroup_ops **ret_ops,
                 struct jailor_error *err)
{
        struct statfs sf;
        int r;

        if (statfs(CGROUP_MOUNT_POINT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
                m->unified = strdup(CGROUP_MOUNT_POINT);
                if (!m->unified)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                *ret_ops = &cgroup_v2_ops;
                return 0;
        }
        r = read_mounts(m, err);
        if (r < 0)
                return r;
        for (size_t c = 0; c < _CGROUP_CONTROLLER_MAX; c++)
                if (m->v1[c]) {
                        *ret_ops = &cgroup_v1_ops;
                        return 0;
                }
        if (m->unified) {
                *ret_ops = &cgroup_v2_ops;
                return 0;
        }
        return jailor_error_set(err, ENOENT,
                                "No cgroups on this host: neither cgroup2 at " CGROUP_MOUNT_POINT
                                " nor cgroup v1 controllers are mounted");
}

int cgroup_probe(enum cgroup_version *ret, struct jailor_error *err)
{
        struct cgroup_mounts m = {0};
        const struct cgroup_ops *ops;
        int r = probe(&m, &ops, err);

        cgroup_mounts_done(&m);
        if (r == 0)
                *ret = ops->version;
        return r;
}

/* ---- opening -------------------------------------------------------------- */

void cgroup_free(struct cgroup *cg)
{
        if (!cg)
                return;
        for (size_t i = 0; i < cg->n_dirs; i++)
                free(cg->dirs[i]);
        free(cg->name);
        free(cg);
}

DEFINE_CLEANUP_FUNC(struct cgroup, cgroup_free)

int cgroup_add_dir(struct cgroup *cg, enum cgroup_controller c, char *dir, struct jailor_error *err)
{
        if (!dir)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; i < cg->n_dirs; i++)
                if (STREQ(cg->dirs[i], dir)) {
                        free(dir);
                        cg->ctl[c] = (int)i;
                        return 0;
                }
        cg->ctl[c] = (int)cg->n_dirs;
        cg->dirs[cg->n_dirs++] = dir;
        return 0;
}

const char *cgroup_jailor_dir(void)
{
        const char *v = getenv("JAILOR_CGROUP_DIR");

        if (!v || !*v || strlen(v) > 64 || STREQ(v, ".") || STREQ(v, ".."))
                return "jailor";
        for (const char *p = v; *p; p++)
                if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
                        return "jailor";
        return v;
}

int cgroup_make_dirs(const char *root, const char *name, struct jailor_error *err)
{
        _cleanup_free_ char *parent = path_join(root, cgroup_jailor_dir());
        _cleanup_free_ char *dir = parent ? path_join(parent, name) : NULL;

        if (!dir)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* a jail stopping now may remove jailor/ between the two mkdirs */
        for (int attempt = 0; attempt < 5; attempt++) {
                if (mkdir(parent, 0755) < 0 && errno != EEXIST)
                        return jailor_error_errno(err, errno, "Cannot create cgroup '%s'", parent);
                if (mkdir(dir, 0755) == 0 || errno == EEXIST)
                        return 0;
                if (errno != ENOENT)
                        break;
        }
        return jailor_error_errno(err, errno, "Cannot create cgroup '%s'", dir);
}

static int open_cgroup(const char *jail_name, bool create, struct cgroup **ret,
                       struct jailor_error *err)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        struct cgroup_mounts m = {0};
        const struct cgroup_ops *ops;
        int r;

        if (!jail_name || !name_is_valid(jail_name))
                return jailor_error_set(err, EINVAL, "Invalid jail name '%s' for a cgroup",
                                        jail_name ? jail_name : "");
        cg = calloc(1, sizeof(*cg));
        if (!cg || !(cg->name = strdup(jail_name)))
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t c = 0; c < _CGROUP_CONTROLLER_MAX; c++)
                cg->ctl[c] = -1;
        r = probe(&m, &ops, err);
        if (r == 0) {
                cg->ops = ops;
                r = ops->open(cg, &m, create, err);
        }
        cgroup_mounts_done(&m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(cg);
        return 0;
}

int cgroup_open(const char *jail_name, struct cgroup **ret, struct jailor_error *err)
{
        return open_cgroup(jail_name, true, ret, err);
}

int cgroup_open_existing(const char *jail_name, struct cgroup **ret, struct jailor_error *err)
{
        return open_cgroup(jail_name, false, ret, err);
}

enum cgroup_version cgroup_version(const struct cgroup *cg)
{
        return cg->ops->version;
}

const char *cgroup_dir(const struct cgroup *cg, enum cgroup_controller c)
{
        if ((unsigned)c >= _CGROUP_CONTROLLER_MAX || cg->ctl[c] < 0)
                return NULL;
        return cg->dirs[cg->ctl[c]];
}

/* ---- limits and processes ------------------------------------------------- */

int cgroup_apply(struct cgroup *cg, const struct jail_limits *l, struct jailor_error *err)
{
        return cg->ops->apply(cg, l, err);
}

int cgroup_cpu_usage(struct cgroup *cg, uint64_t *ret_ns, struct jailor_error *err)
{
        return cg->ops->cpu_usage(cg, ret_ns, err);
}

int cgroup_attach(struct cgroup *cg, pid_t pid, struct jailor_error *err)
{
        char value[32];
        int r;

        snprintf(value, sizeof(value), "%d", (int)pid);
        for (size_t i = 0; i < cg->n_dirs; i++) {
                r = cgroup_write(cg->dirs[i], "cgroup.procs", value, err);
                if (r < 0) {
                        jailor_error_prefix(err,
                                            "Cannot move process %d into the cgroup of jail '%s'",
                                            (int)pid, cg->name);
                        return r;
                }
        }
        return 0;
}

static int pids_append(pid_t **pids, size_t *n, size_t *cap, pid_t pid)
{
        if (*n == *cap) {
                size_t bigger = *cap ? *cap * 2 : 16;
                pid_t *p = realloc(*pids, bigger * sizeof(pid_t));

                if (!p)
                        return -ENOMEM;
                *pids = p;
                *cap = bigger;
        }
        (*pids)[(*n)++] = pid;
        return 0;
}

int cgroup_collect_procs(const char *dir, pid_t **pids, size_t *n, size_t *cap,
                         struct jailor_error *err)
{
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_free_ char *procs = NULL;
        struct dirent *de;
        int r;

        r = cgroup_read(dir, "cgroup.procs", &procs, err);
        if (r == -ENOENT) /* removed meanwhile: nothing in it */
                return 0;
        if (r < 0)
                return r;
        for (char *p = procs, *end; *p; p = end) {
                long v = strtol(p, &end, 10);

                if (end == p)
                        break;
                if (v > 0 && pids_append(pids, n, cap, (pid_t)v) < 0)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0
                                       : jailor_error_errno(err, errno, "Cannot list '%s'", dir);
        while ((de = readdir(d))) {
                _cleanup_free_ char *sub = NULL;

                if (de->d_type != DT_DIR || STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
                        continue;
                sub = path_join(dir, de->d_name);
                if (!sub)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                r = cgroup_collect_procs(sub, pids, n, cap, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int pid_compare(const void *a, const void *b)
{
        pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

        return (x > y) - (x < y);
}

int cgroup_procs(struct cgroup *cg, pid_t **ret, size_t *ret_n, struct jailor_error *err)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0, cap = 0, unique = 0;
        int r;

        /* v1 hierarchies normally hold the same processes; list each once */
        for (size_t i = 0; i < cg->n_dirs; i++) {
                r = cgroup_collect_procs(cg->dirs[i], &pids, &n, &cap, err);
                if (r < 0)
                        return r;
        }
        if (n > 0)
                qsort(pids, n, sizeof(pid_t), pid_compare);
        for (size_t i = 0; i < n; i++)
                if (unique == 0 || pids[unique - 1] != pids[i])
                        pids[unique++] = pids[i];
        *ret = TAKE_PTR(pids);
        *ret_n = unique;
        return 0;
}

/* "12, 13, 14" (the first few), for messages. */
static void format_pids(const pid_t *pids, size_t n, char *buf, size_t size)
{
        size_t len = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < n && i < 8 && len < size; i++)
                len += (size_t)snprintf(buf + len, size - len, "%s%d", i ? ", " : "", (int)pids[i]);
        if (n > 8 && len < size)
                snprintf(buf + len, size - len, ", ...");
}

int cgroup_kill_listed(struct cgroup *cg, struct jailor_error *err)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n;
        int r;

        r = cgroup_procs(cg, &pids, &n, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (kill(pids[i], SIGKILL) < 0 && errno != ESRCH)
                        return jailor_error_errno(err, errno, "Cannot kill process %d of jail '%s'",
                                                  (int)pids[i], cg->name);
        return 0;
}

static uint64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int cgroup_wait(struct cgroup *cg, bool (*pred)(struct cgroup *cg), unsigned timeout_ms)
{
        uint64_t deadline = now_ms() + timeout_ms;

        for (;;) {
                if (pred(cg))
                        return 1;
                if (now_ms() >= deadline)
                        return 0;
                nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
        }
}

static bool cgroup_is_empty(struct cgroup *cg)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n;

        return cgroup_procs(cg, &pids, &n, NULL) == 0 && n == 0;
}

int cgroup_kill_all(struct cgroup *cg, struct jailor_error *err)
{
        uint64_t deadline = now_ms() + KILL_TIMEOUT_MS;
        _cleanup_free_ pid_t *pids = NULL;
        char list[128];
        size_t n;
        int r;

        r = cgroup_procs(cg, &pids, &n, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (pids[i] == getpid())
                        return jailor_error_set(err, EINVAL,
                                                "Will not kill every process of jail '%s': the "
                                                "caller (PID %d) is one of them",
                                                cg->name, (int)getpid());
        while (n > 0 && now_ms() < deadline) {
                r = cg->ops->kill_round(cg, err);
                if (r < 0)
                        return r;
                if (cgroup_wait(cg, cgroup_is_empty, 1000))
                        return 0;
                free(pids);
                pids = NULL;
                r = cgroup_procs(cg, &pids, &n, err);
                if (r < 0)
                        return r;
        }
        if (n == 0)
                return 0;
        format_pids(pids, n, list, sizeof(list));
        return jailor_error_set(err, ETIMEDOUT,
                                "Processes of jail '%s' survived SIGKILL for %d seconds: %s",
                                cg->name, KILL_TIMEOUT_MS / 1000, list);
}

/* ---- removal -------------------------------------------------------------- */

/*
 * rmdir of a cgroup, its nested cgroups first.  A cgroup whose last process
 * has just exited can refuse for a moment (EBUSY) while the kernel finishes
 * with it, so that is retried briefly.
 */
static int rmdir_cgroup(const char *dir, struct jailor_error *err)
{
        _cleanup_closedir_ DIR *d = opendir(dir);
        uint64_t deadline;
        struct dirent *de;
        int r;

        if (!d)
                return errno == ENOENT ? 0
                                       : jailor_error_errno(err, errno, "Cannot list '%s'", dir);
        while ((de = readdir(d))) {
                _cleanup_free_ char *sub = NULL;

                if (de->d_type != DT_DIR || STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
                        continue;
                sub = path_join(dir, de->d_name);
                if (!sub)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                r = rmdir_cgroup(sub, err);
                if (r < 0)
                        return r;
        }
        deadline = now_ms() + RMDIR_BUSY_TIMEOUT_MS;
        while (rmdir(dir) < 0) {
                if (errno == ENOENT)
                        return 0;
                if (errno != EBUSY || now_ms() >= deadline)
                        return jailor_error_errno(err, errno, "Cannot remove cgroup '%s'", dir);
                nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
        }
        return 0;
}

int cgroup_destroy(struct cgroup *cg, struct jailor_error *err)
{
        _cleanup_free_ pid_t *pids = NULL;
        char list[128];
        size_t n;
        int r;

        r = cgroup_procs(cg, &pids, &n, err);
        if (r < 0)
                return r;
        if (n > 0) {
                format_pids(pids, n, list, sizeof(list));
                return jailor_error_set(err, EBUSY,
                                        "Cannot remove the cgroup of jail '%s': %zu process%s "
                                        "still in it (%s)",
                                        cg->name, n, n == 1 ? " is" : "es are", list);
        }
        for (size_t i = 0; i < cg->n_dirs; i++) {
                _cleanup_free_ char *parent = NULL;
                char *slash;

                r = rmdir_cgroup(cg->dirs[i], err);
                if (r < 0)
                        return r;
                /* jailor/ goes with the last jail; another jail's cgroup keeps it */
                parent = strdup(cg->dirs[i]);
                slash = parent ? strrchr(parent, '/') : NULL;
                if (!slash)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                *slash = '\0';
                if (rmdir(parent) < 0 && errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY)
                        return jailor_error_errno(err, errno, "Cannot remove cgroup '%s'", parent);
        }
        return 0;
}
