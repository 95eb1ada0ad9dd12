/* SPDX-License-Identifier: MIT */
/*
 * The zfs backend: every operation is a `zfs` command (run without a shell),
 * which works the same with OpenZFS and with zfs-fuse.  Dataset "jails/web"
 * is "<zpool>/jailor/jails/web"; user properties are "jailor:<key>".
 *
 * Only what both implementations understand is used: `-H -p` output of
 * `zfs get` (zfs-fuse's `zfs list` has no -p), the `origin` property (there
 * is no `clones` property in zfs-fuse, so dependants come from scanning the
 * origins of the whole zpool) and `createtxg` to order snapshots taken in the
 * same second.
 *
 * The checks before each command (exists, parent exists, clones) are there
 * to give one clear error naming the input instead of zfs's wording; zfs
 * still has the last word.
 */
#include "storage.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/run.h"
#include "../util/strv.h"

#define ZFS_MAX_ARGS 16

static int oom(struct jailor_error *err)
{
        return jailor_error_set(err, ENOMEM, "Out of memory");
}

/* argv = "zfs" and the NULL-terminated arguments of ap. */
static void zfs_argv(char *argv[ZFS_MAX_ARGS + 2], va_list ap)
{
        int n = 1;

        argv[0] = "zfs";
        for (char *a = va_arg(ap, char *); a && n <= ZFS_MAX_ARGS; a = va_arg(ap, char *))
                argv[n++] = a;
        argv[n] = NULL;
}

/* Runs `zfs ARGS...` (NULL-terminated); *out gets stdout when out != NULL. */
static int zfs(char **out, struct jailor_error *err, ...)
{
        char *argv[ZFS_MAX_ARGS + 2];
        va_list ap;

        va_start(ap, err);
        zfs_argv(argv, ap);
        va_end(ap);
        return run_command(argv, out, err);
}

/*
 * Like zfs(), for rename and destroy after unmount_tree(): zfs-fuse lets go
 * of an unmounted dataset a moment after umount(2) returns, and says "dataset
 * is busy" until then.  Retries for up to about five seconds.
 */
static int zfs_when_released(struct jailor_error *err, ...)
{
        char *argv[ZFS_MAX_ARGS + 2];
        va_list ap;

        va_start(ap, err);
        zfs_argv(argv, ap);
        va_end(ap);
        for (int attempt = 0;; attempt++) {
                _cleanup_free_ char *errtext = NULL;
                int status, r;

                r = run_command_status(argv, NULL, &errtext, &status, err);
                if (r < 0)
                        return r;
                if (status == 0)
                        return 0;
                if (!strstr(errtext, "dataset is busy") || attempt >= 50)
                        return run_command(argv, NULL, err); /* once more, for the message */
                usleep(100 * 1000);
        }
}

/* "<zpool>/jailor/<ds>", or "<zpool>/jailor/<ds>@<snap>" when snap is set. */
static char *full_name(const struct storage *s, const char *ds, const char *snap)
{
        return strjoin(s->dataset, "/", ds, snap ? "@" : "", snap ? snap : "", NULL);
}

/* "<zpool>/jailor/jails/web@x" -> "jails/web@x"; names outside stay whole. */
static char *relative_name(const struct storage *s, const char *full)
{
        size_t n = strlen(s->dataset);

        if (strncmp(full, s->dataset, n) == 0 && full[n] == '/')
                return strdup(full + n + 1);
        return strdup(full);
}

static bool is_self_or_below(const char *top, const char *name)
{
        size_t n = strlen(top);

        return strncmp(top, name, n) == 0 && (name[n] == '\0' || name[n] == '/');
}

static void chomp(char *s)
{
        size_t n = strlen(s);

        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
                s[--n] = '\0';
}

/*
 * Whether the zfs dataset or snapshot `full` exists: 1, 0, or -errno with a
 * message quoting zfs (no daemon, no such pool...).
 */
static int zfs_has(const char *full, struct jailor_error *err)
{
        char *argv[] = {"zfs", "get", "-H", "-o", "value", "type", (char *)full, NULL};
        _cleanup_free_ char *out = NULL, *errtext = NULL;
        int status, r;

        r = run_command_status(argv, &out, &errtext, &status, err);
        if (r < 0)
                return r;
        if (status == 0)
                return 1;
        if (strstr(errtext, "does not exist") || strstr(errtext, "dataset is busy") ||
            strstr(errtext, "could not find"))
                return 0;
        chomp(errtext);
        errtext[strcspn(errtext, "\n")] = '\0';
        return jailor_error_set(err, EIO, "Cannot look up ZFS dataset '%s': %s", full,
                                *errtext ? errtext : "zfs failed");
}

static int zfs_exists(struct storage *s, const char *ds)
{
        _cleanup_free_ char *full = full_name(s, ds, NULL);

        if (!full)
                return -ENOMEM;
        return zfs_has(full, NULL);
}

/*
 * The checks before a command, each giving the full name of what it checked
 * in *ret (when ret is not NULL).
 */

/* ENOENT "Dataset 'ds' does not exist" unless it does. */
static int existing_dataset(struct storage *s, const char *ds, char **ret, struct jailor_error *err)
{
        _cleanup_free_ char *full = full_name(s, ds, NULL);
        int r;

        if (!full)
                return oom(err);
        r = zfs_has(full, err);
        if (r == 0)
                return jailor_error_set(err, ENOENT, "Dataset '%s' does not exist", ds);
        if (r < 0)
                return r;
        if (ret)
                *ret = TAKE_PTR(full);
        return 0;
}

/* ENOENT unless ds exists; then ENOENT unless ds@snap exists too, or EEXIST if it must not. */
static int check_snapshot(struct storage *s, const char *ds, const char *snap, bool must_exist,
                          char **ret, struct jailor_error *err)
{
        _cleanup_free_ char *full = full_name(s, ds, snap);
        int r;

        if (!full)
                return oom(err);
        r = existing_dataset(s, ds, NULL, err);
        if (r < 0)
                return r;
        r = zfs_has(full, err);
        if (r < 0)
                return r;
        if (must_exist && r == 0)
                return jailor_error_set(err, ENOENT, "Snapshot '%s@%s' does not exist", ds, snap);
        if (!must_exist && r > 0)
                return jailor_error_set(err, EEXIST, "Snapshot '%s@%s' already exists", ds, snap);
        if (ret)
                *ret = TAKE_PTR(full);
        return 0;
}

static int existing_snapshot(struct storage *s, const char *ds, const char *snap, char **ret,
                             struct jailor_error *err)
{
        return check_snapshot(s, ds, snap, true, ret, err);
}

static int new_snapshot(struct storage *s, const char *ds, const char *snap, char **ret,
                        struct jailor_error *err)
{
        return check_snapshot(s, ds, snap, false, ret, err);
}

/* EEXIST unless ds is free, ENOENT unless its parent exists. */
static int new_dataset(struct storage *s, const char *ds, char **ret, struct jailor_error *err)
{
        _cleanup_free_ char *full = full_name(s, ds, NULL), *parent = NULL;
        const char *slash = strrchr(ds, '/');
        int r;

        if (!full)
                return oom(err);
        r = zfs_has(full, err);
        if (r > 0)
                return jailor_error_set(err, EEXIST, "Dataset '%s' already exists", ds);
        if (r < 0)
                return r;
        if (slash) {
                parent = strndup(ds, (size_t)(slash - ds));
                if (!parent)
                        return oom(err);
                r = existing_dataset(s, parent, NULL, err);
                if (r == -ENOENT)
                        return jailor_error_set(
                            err, ENOENT, "Parent dataset '%s' of '%s' does not exist", parent, ds);
        } else {
                r = zfs_has(s->dataset, err);
                if (r == 0)
                        return jailor_error_set(err, ENOENT,
                                                "Pool '%s' is not initialised ('%s' is missing)",
                                                s->pool, s->dataset);
        }
        if (r < 0)
                return r;
        if (ret)
                *ret = TAKE_PTR(full);
        return 0;
}

/* ---- origins: who is a clone of what ---- */

struct clone_pair {
        char *clone;  /* full name */
        char *origin; /* full "dataset@snap" */
};

static void pairs_free(struct clone_pair *v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(v[i].clone);
                free(v[i].origin);
        }
        free(v);
}

/* Every clone in the zpool with its origin (zfs-fuse has no `clones` property). */
static int zfs_clone_pairs(struct storage *s, struct clone_pair **ret, size_t *ret_n,
                           struct jailor_error *err)
{
        _cleanup_free_ char *out = NULL, *zpool = strndup(s->dataset, strcspn(s->dataset, "/"));
        struct clone_pair *v = NULL;
        size_t n = 0;
        char *line, *save = NULL;
        int r;

        if (!zpool)
                return oom(err);
        r = zfs(&out, err, "get", "-H", "-r", "-o", "name,value", "origin", zpool, NULL);
        if (r < 0)
                return r;
        for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *tab = strchr(line, '\t');
                struct clone_pair *w;

                if (!tab || STREQ(tab + 1, "-") || !strchr(tab + 1, '@'))
                        continue;
                *tab = '\0';
                w = realloc(v, (n + 1) * sizeof(*v));
                if (!w) {
                        pairs_free(v, n);
                        return oom(err);
                }
                v = w;
                v[n].clone = strdup(line);
                v[n].origin = strdup(tab + 1);
                n++;
                if (!v[n - 1].clone || !v[n - 1].origin) {
                        pairs_free(v, n);
                        return oom(err);
                }
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

/* Relative names of the clones whose origin is `origin` exactly (a snapshot)
 * or, when origin has no '@', any snapshot of that dataset. */
static int clones_of(struct storage *s, const char *origin, char ***ret, struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        struct clone_pair *pairs = NULL;
        size_t n = 0, k = 0, olen = strlen(origin);
        bool whole = !strchr(origin, '@');
        int r;

        r = zfs_clone_pairs(s, &pairs, &n, err);
        if (r < 0)
                return r;
        names = calloc(n + 1, sizeof(char *));
        if (!names) {
                pairs_free(pairs, n);
                return oom(err);
        }
        for (size_t i = 0; i < n; i++) {
                bool match = whole ? strncmp(pairs[i].origin, origin, olen) == 0 &&
                                         pairs[i].origin[olen] == '@'
                                   : STREQ(pairs[i].origin, origin);
                if (!match)
                        continue;
                names[k] = relative_name(s, pairs[i].clone);
                if (!names[k++]) {
                        pairs_free(pairs, n);
                        return oom(err);
                }
        }
        pairs_free(pairs, n);
        *ret = TAKE_PTR(names);
        return 0;
}

static int snapshot_busy(struct storage *s, const char *ds, const char *snap,
                         struct jailor_error *err)
{
        _cleanup_free_ char *origin = strjoin(s->dataset, "/", ds, "@", snap, NULL), *list = NULL;
        _cleanup_strv_free_ char **clones = NULL;
        int r;

        if (!origin)
                return oom(err);
        r = clones_of(s, origin, &clones, err);
        if (r < 0)
                return r;
        if (!clones[0])
                return 0;
        list = strv_join(clones, ", ");
        return jailor_error_set(err, EBUSY, "Snapshot '%s@%s' has dependent clones: %s", ds, snap,
                                list ? list : "?");
}

/* ---- mounts ---- */

/*
 * zfs-fuse quirk, harmless with OpenZFS: when `zfs rename` or `zfs destroy`
 * unmounts a dataset itself, zfs-fuse keeps holding it and fails with
 * "dataset is busy"; after a plain umount(2) of the mount point it lets go.
 * So those two operations unmount the tree's ZFS mounts first and mount
 * them again afterwards.
 */

static void unescape_octal(char *s)
{
        char *w = s;

        for (char *r = s; *r; r++) {
                if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
                    r[3] >= '0' && r[3] <= '7') {
                        *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
                        r += 3;
                } else {
                        *w++ = *r;
                }
        }
        *w = '\0';
}

/* Mount points of the ZFS datasets `full` and below, newest first. */
static int zfs_mounts(const char *full, char ***ret, struct jailor_error *err)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        _cleanup_strv_free_ char **v = NULL;
        _cleanup_free_ char *line = NULL;
        size_t cap = 0, n = 0;

        if (!f)
                return jailor_error_errno(err, errno, "Cannot read /proc/self/mountinfo");
        while (getline(&line, &cap, f) > 0) {
                char *fields[16], *save = NULL, *sep, *tok;
                int nf = 0;
                char **w;

                sep = strstr(line, " - ");
                if (!sep)
                        continue;
                *sep = '\0';
                for (tok = strtok_r(line, " ", &save); tok && nf < 5;
                     tok = strtok_r(NULL, " ", &save))
                        fields[nf++] = tok;
                if (nf < 5)
                        continue;
                save = NULL;
                tok = strtok_r(sep + 3, " \n", &save); /* fstype */
                if (!tok || !(STREQ(tok, "zfs") || STREQ(tok, "fuse.zfs")))
                        continue;
                tok = strtok_r(NULL, " \n", &save); /* source: the dataset */
                if (!tok)
                        continue;
                unescape_octal(tok);
                if (!is_self_or_below(full, tok))
                        continue;
                unescape_octal(fields[4]);
                w = realloc(v, (n + 2) * sizeof(char *));
                if (!w)
                        return oom(err);
                v = w;
                /* newest first: the order to unmount them in */
                memmove(v + 1, v, n * sizeof(char *));
                v[0] = strdup(fields[4]);
                v[++n] = NULL;
                if (!v[0])
                        return oom(err);
        }
        if (!v) {
                v = calloc(1, sizeof(char *));
                if (!v)
                        return oom(err);
        }
        *ret = TAKE_PTR(v);
        return 0;
}

static int unmount_tree(const char *ds, const char *full, struct jailor_error *err)
{
        _cleanup_strv_free_ char **mps = NULL;
        int r = zfs_mounts(full, &mps, err);

        if (r < 0)
                return r;
        for (size_t i = 0; mps[i]; i++) {
                /*
                 * Busy for a moment is normal: zfs-fuse releases files late, and
                 * a `zfs recv` left by a killed jailor runs on until it is done.
                 */
                for (int attempt = 0; umount2(mps[i], UMOUNT_NOFOLLOW) < 0; attempt++) {
                        if (errno == EINVAL || errno == ENOENT)
                                break;
                        if (errno != EBUSY || attempt >= 50)
                                return jailor_error_errno(err, errno,
                                                          "Dataset '%s' is in use: cannot "
                                                          "unmount '%s'",
                                                          ds, mps[i]);
                        usleep(100 * 1000);
                }
        }
        return 0;
}

struct zfs_mountable {
        char name[512];
        bool mounted, canmount, has_path;
};

static int mount_if_needed(const struct zfs_mountable *m, struct jailor_error *err)
{
        if (!m->name[0] || strchr(m->name, '@') || m->mounted || !m->canmount || !m->has_path)
                return 0;
        return zfs(NULL, err, "mount", m->name, NULL);
}

/* `zfs mount` every dataset of the tree that can be and is not mounted, parents first. */
static int mount_tree(const char *full, struct jailor_error *err)
{
        struct zfs_mountable cur = {.mounted = true};
        _cleanup_free_ char *out = NULL;
        char *line, *save = NULL;
        int r;

        r = zfs(&out, err, "get", "-H", "-r", "-o", "name,property,value",
                "mounted,canmount,mountpoint", full, NULL);
        if (r < 0)
                return r;
        /* lines come grouped by dataset, parents first */
        for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char name[512], prop[32], value[4096];

                if (sscanf(line, "%511[^\t]\t%31[^\t]\t%4095[^\n]", name, prop, value) != 3)
                        continue;
                if (!STREQ(name, cur.name)) {
                        r = mount_if_needed(&cur, err);
                        if (r < 0)
                                return r;
                        cur = (struct zfs_mountable){.mounted = true};
                        snprintf(cur.name, sizeof(cur.name), "%s", name);
                }
                if (STREQ(prop, "mounted"))
                        cur.mounted = STREQ(value, "yes");
                else if (STREQ(prop, "canmount"))
                        cur.canmount = STREQ(value, "on");
                else if (STREQ(prop, "mountpoint"))
                        cur.has_path = value[0] == '/';
        }
        return mount_if_needed(&cur, err);
}

/* ---- the snapshots that copies send ---- */

/*
 * A copy sends a snapshot of its source, named after the copying process:
 * jailor-copy-<pid>-<start>, start being the process's start time (in clock
 * ticks after boot), which tells a later process with the same pid apart.
 * Both ends' copies of it are destroyed when the copy is done.  A copy
 * killed on the way leaves them behind, and as the name says whose they
 * were, the next copy or destroy removes those whose process is gone.  They
 * never show in snapshot lists, and storage_check_snapshot keeps the prefix
 * out of the names of other snapshots.
 */
#define COPY_SNAPSHOT_PREFIX STORAGE_RESERVED_SNAP_PREFIX

/* Field 22 of /proc/<pid>/stat; -ESRCH when there is no such process. */
static int process_start_time(pid_t pid, unsigned long long *ret)
{
        _cleanup_close_ int fd = -EBADF;
        char path[64], buf[1024], *p;
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        n = read(fd, buf, sizeof(buf) - 1);
        if (n < 0)
                return errno == ESRCH ? -ESRCH : -errno;
        buf[n] = '\0';
        /* field 2, the command name in parentheses, may hold anything: count from its end */
        p = strrchr(buf, ')');
        for (int field = 2; p && field < 22; field++)
                p = strchr(p + 1, ' ');
        if (!p || sscanf(p, " %llu", ret) != 1)
                return -EBADMSG;
        return 0;
}

static bool is_copy_snapshot(const char *snap)
{
        return strncmp(snap, COPY_SNAPSHOT_PREFIX, strlen(COPY_SNAPSHOT_PREFIX)) == 0;
}

/* Whether the copy that took the snapshot named snap (the part after '@') may still run. */
static bool copy_is_running(const char *snap)
{
        unsigned long long start, now;
        int pid, end = 0, r;

        if (sscanf(snap, COPY_SNAPSHOT_PREFIX "%d-%llu%n", &pid, &start, &end) != 2 ||
            snap[end] != '\0' || pid <= 0)
                return false; /* not named after a process: left by an older jailor */
        r = process_start_time(pid, &now);
        if (r == -ESRCH)
                return false;
        return r < 0 || now == start; /* when in doubt, it runs */
}

/* Destroys the copy snapshots in the jailor dataset whose copy no longer runs. */
static void clear_stale_copy_snapshots(struct storage *s)
{
        _cleanup_free_ char *out = NULL;
        char *line, *save = NULL;
        int r;

        /* best effort: what stays is found again next time */
        r = zfs(&out, NULL, "list", "-H", "-t", "snapshot", "-o", "name", "-r", s->dataset, NULL);
        if (r < 0)
                return;
        for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                const char *at = strchr(line, '@');

                if (at && is_copy_snapshot(at + 1) && !copy_is_running(at + 1))
                        zfs(NULL, NULL, "destroy", line, NULL);
        }
}

/* ---- operations ---- */

static int zfs_open(struct storage *s, struct jailor_error *err)
{
        char *argv[] = {"zfs", "get", "-H", "-o", "value", "mountpoint", NULL, NULL};
        _cleanup_free_ char *out = NULL, *errtext = NULL;
        int status, r;

        for (const char *p = s->pool; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      (*p >= '0' && *p <= '9') || strchr("_.:-", *p)) ||
                    (p == s->pool && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))))
                        return jailor_error_set(err, EINVAL, "'%s' is not a valid ZFS pool name",
                                                s->pool);
        s->dataset = strjoin(s->pool, "/jailor", NULL);
        if (!s->dataset)
                return oom(err);

        /* the jailor dataset's own mountpoint, else where it will inherit one */
        argv[6] = s->dataset;
        r = run_command_status(argv, &out, &errtext, &status, err);
        if (r < 0)
                return r;
        if (status != 0) {
                free(out);
                free(errtext);
                out = errtext = NULL;
                argv[6] = s->pool;
                r = run_command_status(argv, &out, &errtext, &status, err);
                if (r < 0)
                        return r;
                if (status != 0) {
                        chomp(errtext);
                        errtext[strcspn(errtext, "\n")] = '\0';
                        if (strstr(errtext, "does not exist"))
                                return jailor_error_set(err, ENOENT, "ZFS pool '%s' does not exist",
                                                        s->pool);
                        return jailor_error_set(err, EIO, "Cannot open ZFS pool '%s': %s", s->pool,
                                                *errtext ? errtext : "zfs failed");
                }
        }
        chomp(out);
        if (out[0] != '/')
                return jailor_error_set(
                    err, EINVAL, "ZFS dataset '%s' has mountpoint '%s'; jailor needs it mounted",
                    argv[6], out);
        s->root = argv[6] == s->pool ? path_join(out, "jailor") : strdup(out);
        if (!s->root)
                return oom(err);
        /* a rename or destroy killed between its unmount and mount leaves datasets unmounted */
        if (argv[6] == s->dataset)
                mount_tree(s->dataset, NULL);
        return 0;
}

static int zfs_init(struct storage *s, struct jailor_error *err)
{
        int r = zfs_has(s->dataset, err);

        if (r < 0)
                return r;
        if (r > 0)
                return 0;
        return zfs(NULL, err, "create", s->dataset, NULL);
}

static int zfs_create(struct storage *s, const char *ds, struct jailor_error *err)
{
        _cleanup_free_ char *full = NULL;
        int r;

        r = new_dataset(s, ds, &full, err);
        if (r < 0)
                return r;
        return zfs(NULL, err, "create", full, NULL);
}

static int zfs_destroy(struct storage *s, const char *ds, struct jailor_error *err)
{
        _cleanup_free_ char *full = NULL, *list = NULL;
        _cleanup_strv_free_ char **outside = NULL;
        struct clone_pair *pairs = NULL;
        size_t n = 0, k = 0;
        int r;

        r = existing_dataset(s, ds, &full, err);
        if (r < 0)
                return r;
        clear_stale_copy_snapshots(s);
        r = zfs_clone_pairs(s, &pairs, &n, err);
        if (r < 0)
                return r;
        outside = calloc(n + 1, sizeof(char *));
        if (!outside) {
                pairs_free(pairs, n);
                return oom(err);
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *odata =
                    strndup(pairs[i].origin, strcspn(pairs[i].origin, "@"));
                _cleanup_free_ char *c = NULL, *o = NULL;

                if (!odata || !is_self_or_below(full, odata) ||
                    is_self_or_below(full, pairs[i].clone))
                        continue;
                c = relative_name(s, pairs[i].clone);
                o = relative_name(s, pairs[i].origin);
                outside[k++] = (c && o) ? strjoin(c, " (of ", o, ")", NULL) : NULL;
        }
        pairs_free(pairs, n);
        if (k > 0) {
                list = strv_join(outside, ", ");
                return jailor_error_set(err, EBUSY, "Dataset '%s' has dependent clones: %s", ds,
                                        list ? list : "?");
        }
        r = unmount_tree(ds, full, err);
        if (r < 0) {
                mount_tree(full, NULL);
                return r;
        }
        /* -R, not -r: clones inside the tree (checked above) go with it */
        r = zfs_when_released(err, "destroy", "-R", full, NULL);
        if (r < 0 && zfs_has(full, NULL) > 0)
                mount_tree(full, NULL);
        return r;
}

struct zsnap {
        char *name;
        int64_t created;
        uint64_t used;
        uint64_t txg;
};

static int zsnap_cmp(const void *a, const void *b)
{
        const struct zsnap *x = a, *y = b;

        if (x->txg != y->txg)
                return x->txg < y->txg ? -1 : 1;
        return x->created < y->created ? -1 : x->created > y->created;
}

static int zfs_snapshot_list(struct storage *s, const char *ds, struct storage_snapshot **ret,
                             size_t *ret_n, struct jailor_error *err)
{
        _cleanup_free_ char *full = NULL, *out = NULL, *prefix = NULL;
        struct zsnap *v = NULL;
        struct storage_snapshot *res;
        size_t n = 0, plen;
        char *line, *save = NULL;
        int r;

        r = existing_dataset(s, ds, &full, err);
        if (r < 0)
                return r;
        r = zfs(&out, err, "get", "-H", "-p", "-r", "-d", "1", "-o", "name,property,value",
                "createtxg,creation,used", full, NULL);
        if (r < 0)
                return r;
        prefix = strjoin(full, "@", NULL);
        if (!prefix)
                return oom(err);
        plen = strlen(prefix);
        for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *prop, *value;
                struct zsnap *z = NULL;

                prop = strchr(line, '\t');
                value = prop ? strchr(prop + 1, '\t') : NULL;
                if (!value || strncmp(line, prefix, plen) != 0 || is_copy_snapshot(line + plen))
                        continue; /* another dataset's, or the data of a copy */
                *prop++ = '\0';
                *value++ = '\0';
                /* lines come grouped by snapshot: extend the last one or start anew */
                if (n > 0 && STREQ(v[n - 1].name, line + plen)) {
                        z = &v[n - 1];
                } else {
                        struct zsnap *w = realloc(v, (n + 1) * sizeof(*v));

                        if (!w)
                                goto oom;
                        v = w;
                        z = &v[n++];
                        *z = (struct zsnap){.name = strdup(line + plen)};
                        if (!z->name)
                                goto oom;
                }
                if (STREQ(prop, "createtxg"))
                        z->txg = strtoull(value, NULL, 10);
                else if (STREQ(prop, "creation"))
                        z->created = strtoll(value, NULL, 10);
                else if (STREQ(prop, "used"))
                        z->used = strtoull(value, NULL, 10);
        }
        if (n > 1)
                qsort(v, n, sizeof(*v), zsnap_cmp);
        res = calloc(n + 1, sizeof(*res));
        if (!res)
                goto oom;
        for (size_t i = 0; i < n; i++)
                res[i] = (struct storage_snapshot){
                    .name = v[i].name, .created = v[i].created, .used = v[i].used};
        free(v);
        *ret = res;
        *ret_n = n;
        return 0;
oom:
        for (size_t i = 0; i < n; i++)
                free(v[i].name);
        free(v);
        return oom(err);
}

static int zfs_snapshot(struct storage *s, const char *ds, const char *snap,
                        struct jailor_error *err)
{
        _cleanup_free_ char *full = NULL;
        int r;

        r = new_snapshot(s, ds, snap, &full, err);
        if (r < 0)
                return r;
        return zfs(NULL, err, "snapshot", full, NULL);
}

static int zfs_snapshot_destroy(struct storage *s, const char *ds, const char *snap,
                                struct jailor_error *err)
{
        _cleanup_free_ char *full = NULL;
        int r;

        r = existing_snapshot(s, ds, snap, &full, err);
        if (r < 0)
                return r;
        r = snapshot_busy(s, ds, snap, err);
        if (r < 0)
                return r;
        return zfs(NULL, err, "destroy", full, NULL);
}

static int zfs_snapshot_rename(struct storage *s, const char *ds, const char *old_snap,
                               const char *new_snap, struct jailor_error *err)
{
        _cleanup_free_ char *a = NULL, *b = NULL;
        int r;

        r = existing_snapshot(s, ds, old_snap, &a, err);
        if (r < 0)
                return r;
        r = new_snapshot(s, ds, new_snap, &b, err);
        if (r < 0)
                return r;
        return zfs(NULL, err, "rename", a, b, NULL);
}

static int zfs_rollback(struct storage *s, const char *ds, const char *snap,
                        struct jailor_error *err)
{
        _cleanup_free_ char *full = NULL;
        struct storage_snapshot *snaps = NULL;
        size_t n = 0, i;
        int r;

        r = existing_snapshot(s, ds, snap, &full, err);
        if (r < 0)
                return r;
        /* `rollback -r` would fail on a later snapshot with clones: say which */
        r = zfs_snapshot_list(s, ds, &snaps, &n, err);
        if (r < 0)
                return r;
        for (i = 0; i < n && !STREQ(snaps[i].name, snap); i++)
                ;
        for (i++; i < n && r == 0; i++)
                r = snapshot_busy(s, ds, snaps[i].name, err);
        storage_snapshots_free(snaps, n);
        if (r < 0)
                return r;
        return zfs(NULL, err, "rollback", "-r", full, NULL);
}

static int zfs_clone(struct storage *s, const char *src, const char *snap, const char *dst,
                     struct jailor_error *err)
{
        _cleanup_free_ char *origin = NULL, *full = NULL;
        int r;

        r = existing_snapshot(s, src, snap, &origin, err);
        if (r < 0)
                return r;
        r = new_dataset(s, dst, &full, err);
        if (r < 0)
                return r;
        return zfs(NULL, err, "clone", origin, full, NULL);
}

static int zfs_origin(struct storage *s, const char *ds, char **ret, struct jailor_error *err)
{
        _cleanup_free_ char *full = NULL, *out = NULL;
        int r;

        r = existing_dataset(s, ds, &full, err);
        if (r < 0)
                return r;
        r = zfs(&out, err, "get", "-H", "-o", "value", "origin", full, NULL);
        if (r < 0)
                return r;
        chomp(out);
        if (!*out || STREQ(out, "-"))
                return 0;
        *ret = relative_name(s, out);
        return *ret ? 0 : oom(err);
}

static int zfs_dependants(struct storage *s, const char *ds, char ***ret, struct jailor_error *err)
{
        _cleanup_free_ char *full = NULL;
        int r;

        r = existing_dataset(s, ds, &full, err);
        if (r < 0)
                return r;
        return clones_of(s, full, ret, err);
}

static int zfs_copy(struct storage *s, const char *src, const char *dst, struct jailor_error *err)
{
        _cleanup_free_ char *from = NULL, *to = NULL, *snap = NULL, *dst_snap = NULL;
        unsigned long long start;
        char tag[64];
        int r;

        r = existing_dataset(s, src, &from, err);
        if (r < 0)
                return r;
        r = new_dataset(s, dst, &to, err);
        if (r < 0)
                return r;
        r = process_start_time(getpid(), &start);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot read the start time of process %d",
                                          (int)getpid());
        snprintf(tag, sizeof(tag), "@" COPY_SNAPSHOT_PREFIX "%d-%llu", (int)getpid(), start);
        snap = strjoin(from, tag, NULL);
        dst_snap = strjoin(to, tag, NULL);
        if (!snap || !dst_snap)
                return oom(err);
        clear_stale_copy_snapshots(s);

        /* send needs a snapshot; both ends' copies of it are dropped after */
        r = zfs(NULL, err, "snapshot", snap, NULL);
        if (r < 0)
                return r;
        {
                char *send[] = {"zfs", "send", snap, NULL};
                char *recv[] = {"zfs", "recv", to, NULL};

                r = run_pipeline(send, recv, err);
        }
        if (r == 0)
                r = zfs(NULL, err, "destroy", dst_snap, NULL);
        if (r < 0) {
                if (zfs_has(to, NULL) > 0)
                        zfs(NULL, NULL, "destroy", "-r", to, NULL);
                zfs(NULL, NULL, "destroy", snap, NULL);
                return jailor_error_prefix(err, "Cannot copy dataset '%s' to '%s'", src, dst);
        }
        return zfs(NULL, err, "destroy", snap, NULL);
}

/* A clone outside the tree `top` of a snapshot inside it. */
static bool clone_from_outside(const char *top, const struct clone_pair *p)
{
        size_t n = strcspn(p->origin, "@");

        return strncmp(p->origin, top, strlen(top)) == 0 && n >= strlen(top) &&
               (n == strlen(top) || p->origin[strlen(top)] == '/') &&
               !is_self_or_below(top, p->clone);
}

static int zfs_rename(struct storage *s, const char *old_ds, const char *new_ds,
                      struct jailor_error *err)
{
        _cleanup_free_ char *a = NULL, *b = NULL;
        struct clone_pair *pairs = NULL;
        size_t n = 0;
        int r;

        r = existing_dataset(s, old_ds, &a, err);
        if (r < 0)
                return r;
        r = new_dataset(s, new_ds, &b, err);
        if (r < 0)
                return r;
        /* zfs-fuse also holds a dataset busy while clones of its snapshots are mounted */
        r = zfs_clone_pairs(s, &pairs, &n, err);
        if (r < 0)
                return r;
        for (size_t i = 0; r == 0 && i < n; i++)
                if (clone_from_outside(a, &pairs[i]))
                        r = unmount_tree(pairs[i].clone, pairs[i].clone, err);
        if (r == 0)
                r = unmount_tree(old_ds, a, err);
        if (r == 0)
                r = zfs_when_released(err, "rename", a, b, NULL);
        if (r < 0)
                mount_tree(a, NULL);
        else
                r = mount_tree(b, err);
        for (size_t i = 0; i < n; i++)
                if (clone_from_outside(a, &pairs[i]))
                        mount_tree(pairs[i].clone, NULL);
        pairs_free(pairs, n);
        return r;
}

static int zfs_space(struct storage *s, const char *ds, uint64_t *ret_used, uint64_t *ret_avail,
                     struct jailor_error *err)
{
        _cleanup_free_ char *full = NULL, *out = NULL;
        char *line, *save = NULL;
        int r;

        r = existing_dataset(s, ds, &full, err);
        if (r < 0)
                return r;
        r = zfs(&out, err, "get", "-H", "-p", "-o", "property,value", "used,available", full, NULL);
        if (r < 0)
                return r;
        for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *tab = strchr(line, '\t');

                if (!tab)
                        continue;
                *tab = '\0';
                if (STREQ(line, "used"))
                        *ret_used = strtoull(tab + 1, NULL, 10);
                else if (STREQ(line, "available"))
                        *ret_avail = strtoull(tab + 1, NULL, 10);
        }
        return 0;
}

static int zfs_set(struct storage *s, const char *ds, const char *prop, const char *value,
                   struct jailor_error *err)
{
        _cleanup_free_ char *full = NULL, *arg = strjoin(prop, "=", value, NULL);
        int r;

        if (!arg)
                return oom(err);
        r = existing_dataset(s, ds, &full, err);
        if (r < 0)
                return r;
        return zfs(NULL, err, "set", arg, full, NULL);
}

static int zfs_set_quota(struct storage *s, const char *ds, uint64_t bytes,
                         struct jailor_error *err)
{
        char num[32];

        if (bytes == 0)
                return zfs_set(s, ds, "quota", "none", err);
        snprintf(num, sizeof(num), "%" PRIu64, bytes);
        return zfs_set(s, ds, "quota", num, err);
}

static int zfs_set_readonly(struct storage *s, const char *ds, bool readonly,
                            struct jailor_error *err)
{
        return zfs_set(s, ds, "readonly", readonly ? "on" : "off", err);
}

static int zfs_prop_set(struct storage *s, const char *ds, const char *key, const char *value,
                        struct jailor_error *err)
{
        _cleanup_free_ char *prop = strjoin("jailor:", key, NULL), *full = NULL;
        int r;

        if (!prop)
                return oom(err);
        if (value)
                return zfs_set(s, ds, prop, value, err);
        r = existing_dataset(s, ds, &full, err);
        if (r < 0)
                return r;
        return zfs(NULL, err, "inherit", prop, full, NULL);
}

static int zfs_prop_get(struct storage *s, const char *ds, const char *key, char **ret,
                        struct jailor_error *err)
{
        _cleanup_free_ char *prop = strjoin("jailor:", key, NULL), *full = NULL, *out = NULL;
        char *tab;
        size_t n;
        int r;

        if (!prop)
                return oom(err);
        r = existing_dataset(s, ds, &full, err);
        if (r < 0)
                return r;
        r = zfs(&out, err, "get", "-H", "-o", "source,value", prop, full, NULL);
        if (r < 0)
                return r;
        /* only values set on this dataset: zfs would also show inherited ones */
        tab = strchr(out, '\t');
        if (!tab)
                return 0;
        *tab = '\0';
        if (!STREQ(out, "local") && !STREQ(out, "received"))
                return 0;
        n = strlen(tab + 1);
        if (n > 0 && tab[n] == '\n')
                tab[n] = '\0';
        *ret = strdup(tab + 1);
        return *ret ? 0 : oom(err);
}

const struct storage_ops storage_zfs_ops = {
    .name = "zfs",
    .open = zfs_open,
    .init = zfs_init,
    .create = zfs_create,
    .destroy = zfs_destroy,
    .exists = zfs_exists,
    .snapshot = zfs_snapshot,
    .snapshot_list = zfs_snapshot_list,
    .snapshot_destroy = zfs_snapshot_destroy,
    .snapshot_rename = zfs_snapshot_rename,
    .rollback = zfs_rollback,
    .clone = zfs_clone,
    .origin = zfs_origin,
    .dependants = zfs_dependants,
    .copy = zfs_copy,
    .rename = zfs_rename,
    .space = zfs_space,
    .set_quota = zfs_set_quota,
    .set_readonly = zfs_set_readonly,
    .prop_set = zfs_prop_set,
    .prop_get = zfs_prop_get,
};
