/* SPDX-License-Identifier: MIT */
#include "pool.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "conf.h"
#include "defaults.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/lock.h"
#include "util/mountinfo.h"
#include "util/run.h"

#define BTRFS_MAGIC 0x9123683EL

const char *const pool_tree[] = {"download", "releases", "jails", "templates", "images", "log",
                                 "staging", NULL};

/* TrueNAS boot pools are never jail pools, whatever holds the root. */
static bool zpool_is_boot_pool(const char *name)
{
        return STREQ(name, "boot-pool") || STREQ(name, "freenas-boot");
}

/*
 * Names of the imported ZFS pools, in `zpool list` order; none when ZFS is
 * absent.  With `usable_only`, a pool that cannot serve data (FAULTED or
 * UNAVAIL: its disks are gone) is left out.
 */
static int zpool_names_filtered(char ***ret, bool usable_only)
{
        char *argv[] = {"zpool", "list", "-H", "-o", "name,health", NULL};
        _cleanup_free_ char *out = NULL;
        char **names = NULL, *save = NULL;
        size_t n = 0;

        /* No zpool command, or no daemon/module answering: no ZFS pools. */
        if (run_command(argv, &out, NULL) < 0)
                out = NULL;
        names = calloc(1, sizeof(char *));
        if (!names)
                return -ENOMEM;
        for (char *l = out ? strtok_r(out, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
                char *health = strchr(l, '\t');

                if (health)
                        *health++ = '\0';
                if (usable_only && health && !STREQ(health, "ONLINE") && !STREQ(health, "DEGRADED"))
                        continue;
                char **bigger = realloc(names, (n + 2) * sizeof(char *));
                if (!bigger) {
                        strv_freep(&names);
                        return -ENOMEM;
                }
                names = bigger;
                names[n] = strdup(l);
                names[++n] = NULL;
                if (!names[n - 1]) {
                        strv_freep(&names);
                        return -ENOMEM;
                }
        }
        *ret = names;
        return (int)n;
}

static int zpool_names(char ***ret)
{
        return zpool_names_filtered(ret, false);
}

/* The zpool holding the host's "/", or NULL when "/" is not on ZFS. */
static char *zpool_of_host_root(void)
{
        struct mount_entry m = {0};
        char *pool = NULL;

        if (mountinfo_lookup("/", &m, NULL) < 0)
                return NULL;
        if (STREQ(m.fstype, "zfs"))
                pool = strndup(m.source, strcspn(m.source, "/"));
        mount_entry_done(&m);
        return pool;
}

static bool path_is_btrfs(const char *path)
{
        struct statfs sfs;

        return statfs(path, &sfs) == 0 && sfs.f_type == BTRFS_MAGIC;
}

static uint64_t path_avail(const char *path)
{
        struct statvfs sv;

        if (statvfs(path, &sv) < 0)
                return 0;
        return (uint64_t)sv.f_bavail * sv.f_frsize;
}

static uint64_t zpool_avail(const char *name)
{
        char *argv[] = {"zfs", "get", "-Hp", "-o", "value", "available", (char *)name, NULL};
        _cleanup_free_ char *out = NULL;

        if (run_command(argv, &out, NULL) < 0)
                return 0;
        return strtoull(out, NULL, 10);
}

/* A pool argument is a path when it contains a slash; otherwise a zpool name. */
static bool pool_arg_is_path(const char *pool)
{
        return strchr(pool, '/') != NULL;
}

static int check_path_pool(const char *path, bool create, char **ret_real,
                           enum storage_backend *ret_backend, struct jailor_error *err)
{
        struct mount_entry m = {0};
        char real[PATH_MAX];
        int r;

        if (create) {
                r = mkdir_p(path, 0755, err);
                if (r < 0)
                        return r;
        }
        if (!path_exists(path))
                return jailor_error_set(err, ENOENT, "Pool '%s' does not exist", path);
        if (!dir_exists(path))
                return jailor_error_set(err, ENOTDIR, "Pool '%s' is not a directory", path);
        if (!realpath(path, real))
                return jailor_error_errno(err, errno, "Cannot resolve pool '%s'", path);
        r = mountinfo_lookup(real, &m, err);
        if (r < 0)
                return r;
        if (fstype_is_network(m.fstype)) {
                r = jailor_error_set(err, EREMOTE,
                                     "Pool '%s' is on a network share (%s at '%s'); jails need "
                                     "local storage",
                                     path, m.fstype, m.mount_point);
                mount_entry_done(&m);
                return r;
        }
        mount_entry_done(&m);
        *ret_real = strdup(real);
        if (!*ret_real)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        *ret_backend = path_is_btrfs(real) ? STORAGE_BTRFS : STORAGE_DIR;
        return 0;
}

static int check_zpool(const char *name, struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        int n = zpool_names(&names);

        if (n < 0)
                return jailor_error_set(err, -n, "Cannot list ZFS pools");
        for (int i = 0; i < n; i++)
                if (STREQ(names[i], name))
                        return 0;
        return jailor_error_set(err, ENOENT,
                                "Pool '%s' is not a ZFS pool (not in 'zpool list'); give a "
                                "directory pool as a path, e.g. '/srv/jails' or './jails'",
                                name);
}

/* Creates what an active pool needs: the jailor dataset, its tree, defaults.json. */
static int pool_prepare(const struct jailor_ctx *ctx, struct storage *s, struct jailor_error *err)
{
        int r;

        r = storage_init(s, err);
        if (r < 0)
                return r;
        for (size_t i = 0; pool_tree[i]; i++) {
                _cleanup_free_ char *path = storage_path(s, pool_tree[i]);

                if (!path)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                if (dir_exists(path))
                        continue;
                r = storage_create(s, pool_tree[i], err);
                if (r < 0 && r != -EEXIST)
                        return r;
        }
        return defaults_ensure(ctx, s, err);
}

static void warn_low_space(const struct jailor_ctx *ctx, const struct storage *s)
{
        uint64_t avail = path_avail(s->root);

        if (avail > 0 && avail < POOL_LOW_SPACE_BYTES)
                jailor_warn(ctx,
                            "Pool '%s' has only %.1f GiB free; at least 10 GiB is recommended "
                            "for jails and releases",
                            s->pool, (double)avail / (1 << 30));
}

/* Resolves and checks a pool argument, opening its storage. */
static int pool_open_arg(const char *pool, bool create_dir, struct storage **ret,
                         struct jailor_error *err)
{
        enum storage_backend backend = STORAGE_ZFS;
        _cleanup_free_ char *real = NULL;
        int r;

        if (pool_arg_is_path(pool))
                r = check_path_pool(pool, create_dir, &real, &backend, err);
        else
                r = check_zpool(pool, err);
        if (r < 0)
                return r;
        return storage_open(backend, real ? real : pool, ret, err);
}

static int activate_storage(const struct jailor_ctx *ctx, struct storage *s,
                            struct jailor_error *err)
{
        struct jailor_conf *conf = NULL;
        int r;

        r = pool_prepare(ctx, s, err);
        if (r < 0)
                return r;
        r = conf_load(ctx, &conf, err);
        if (r < 0)
                return r;
        if (conf_set(conf, "pool", s->pool) < 0 ||
            conf_set(conf, "backend", storage_backend_name(s->backend)) < 0)
                r = jailor_error_set(err, ENOMEM, "Out of memory");
        else
                r = conf_save(ctx, conf, err);
        conf_free(conf);
        if (r < 0)
                return r;
        warn_low_space(ctx, s);
        return 0;
}

int pool_activate(const struct jailor_ctx *ctx, const char *pool, struct jailor_error *err)
{
        _cleanup_close_ int lock = -EBADF;
        struct storage *s = NULL;
        int r;

        if (!pool || !*pool)
                return jailor_error_set(err, EINVAL, "Pool name '' is empty");
        r = lock_take(ctx, "pool", true, &lock, err);
        if (r < 0)
                return r;
        /* the embedded default is jailor's own directory: make it when missing */
        r = pool_open_arg(pool, STREQ(pool, ctx->embedded_pool), &s, err);
        if (r < 0)
                return r;
        r = activate_storage(ctx, s, err);
        storage_free(s);
        return r;
}

/* True when arg names the same pool as the recorded one (paths compared resolved). */
static bool pool_matches(const char *recorded, const char *arg)
{
        char real[PATH_MAX];

        if (STREQ(recorded, arg))
                return true;
        return pool_arg_is_path(arg) && realpath(arg, real) && STREQ(real, recorded);
}

int pool_deactivate(const struct jailor_ctx *ctx, const char *pool, struct jailor_error *err)
{
        _cleanup_close_ int lock = -EBADF;
        struct jailor_conf *conf = NULL;
        const char *active;
        int r;

        r = lock_take(ctx, "pool", true, &lock, err);
        if (r < 0)
                return r;
        r = conf_load(ctx, &conf, err);
        if (r < 0)
                return r;
        active = conf_get(conf, "pool");
        if (!active || !pool_matches(active, pool)) {
                r = jailor_error_set(err, ENOENT, "Pool '%s' is not the active pool (active: %s)",
                                     pool, active ? active : "none");
        } else {
                conf_set(conf, "pool", NULL);
                conf_set(conf, "backend", NULL);
                r = conf_save(ctx, conf, err);
        }
        conf_free(conf);
        return r;
}

/* SPEC §2: the first ZFS pool not holding "/", else the embedded default. */
static int pool_autoselect(const struct jailor_ctx *ctx, char **ret, struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_free_ char *root_pool = zpool_of_host_root();
        int n = zpool_names_filtered(&names, true);

        if (n < 0)
                return jailor_error_set(err, -n, "Cannot list ZFS pools");
        for (int i = 0; i < n; i++) {
                if (zpool_is_boot_pool(names[i]) || (root_pool && STREQ(names[i], root_pool)))
                        continue;
                *ret = strdup(names[i]);
                return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
        }
        *ret = strdup(ctx->embedded_pool);
        return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

static int pool_open_active(const struct jailor_ctx *ctx, const char *pool, const char *backend,
                            struct storage **ret, struct jailor_error *err)
{
        _cleanup_free_ char *jails = NULL;
        struct storage *s = NULL;
        int b = storage_backend_from_name(backend ? backend : "");
        int r;

        if (b < 0)
                return jailor_error_set(err, EINVAL, "Unknown backend '%s' for pool '%s' in jailor.conf",
                                        backend ? backend : "", pool);
        r = storage_open((enum storage_backend)b, pool, &s, err);
        if (r < 0)
                return r;
        /* a stat, not a `zfs list`: this runs before every command */
        jails = storage_path(s, "jails");
        if (!jails || !dir_exists(jails)) {
                storage_free(s);
                return jailor_error_set(err, ENOENT,
                                        "Active pool '%s' is not available (no jailor dataset); "
                                        "activate another with 'jailor activate POOL'",
                                        pool);
        }
        *ret = s;
        return 0;
}

int pool_open(const struct jailor_ctx *ctx, struct storage **ret, struct jailor_error *err)
{
        struct jailor_conf *conf = NULL;
        _cleanup_free_ char *chosen = NULL;
        _cleanup_close_ int lock = -EBADF;
        struct storage *s = NULL;
        const char *active;
        int r;

        r = conf_load(ctx, &conf, err);
        if (r < 0)
                return r;
        active = conf_get(conf, "pool");
        if (active) {
                r = pool_open_active(ctx, active, conf_get(conf, "backend"), ret, err);
                conf_free(conf);
                return r;
        }
        conf_free(conf);

        r = lock_take(ctx, "pool", true, &lock, err);
        if (r < 0)
                return r;
        r = pool_autoselect(ctx, &chosen, err);
        if (r < 0)
                return r;
        r = pool_open_arg(chosen, STREQ(chosen, ctx->embedded_pool), &s, err);
        if (r < 0)
                return r;
        jailor_warn(ctx, "Setting up pool '%s' for jailor; change it with 'jailor activate POOL'",
                    chosen);
        r = activate_storage(ctx, s, err);
        if (r < 0) {
                storage_free(s);
                return r;
        }
        *ret = s;
        return 0;
}

static int candidate_add(struct pool_candidate **list, size_t *n, const char *name,
                         enum storage_backend backend)
{
        struct pool_candidate *bigger;

        for (size_t i = 0; i < *n; i++)
                if (STREQ((*list)[i].name, name))
                        return (int)i;
        bigger = realloc(*list, (*n + 1) * sizeof(**list));
        if (!bigger)
                return -ENOMEM;
        *list = bigger;
        bigger[*n] = (struct pool_candidate){.name = strdup(name), .backend = backend};
        if (!bigger[*n].name)
                return -ENOMEM;
        return (int)(*n)++;
}

int pool_candidates(const struct jailor_ctx *ctx, struct pool_candidate **ret, size_t *ret_n,
                    struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_free_ char *root_pool = zpool_of_host_root();
        struct jailor_conf *conf = NULL;
        struct pool_candidate *list = NULL;
        const char *active, *active_backend;
        size_t n = 0;
        int r, nz, i;

        r = conf_load(ctx, &conf, err);
        if (r < 0)
                return r;
        nz = zpool_names(&names);
        if (nz < 0) {
                conf_free(conf);
                return jailor_error_set(err, -nz, "Cannot list ZFS pools");
        }
        for (i = 0; i < nz; i++) {
                r = candidate_add(&list, &n, names[i], STORAGE_ZFS);
                if (r < 0)
                        goto oom;
                list[r].holds_host_root = zpool_is_boot_pool(names[i]) ||
                                          (root_pool && STREQ(names[i], root_pool));
                list[r].avail = zpool_avail(names[i]);
        }
        r = candidate_add(&list, &n, ctx->embedded_pool,
                          path_is_btrfs(ctx->embedded_pool) ? STORAGE_BTRFS : STORAGE_DIR);
        if (r < 0)
                goto oom;
        list[r].embedded = true;

        active = conf_get(conf, "pool");
        active_backend = conf_get(conf, "backend");
        if (active) {
                int b = storage_backend_from_name(active_backend ? active_backend : "");

                r = candidate_add(&list, &n, active, b < 0 ? STORAGE_DIR : (enum storage_backend)b);
                if (r < 0)
                        goto oom;
                list[r].active = true;
        }
        for (size_t k = 0; k < n; k++)
                if (list[k].backend != STORAGE_ZFS)
                        list[k].avail = path_avail(list[k].name);
        conf_free(conf);
        *ret = list;
        *ret_n = n;
        return 0;
oom:
        conf_free(conf);
        pool_candidates_free(list, n);
        return jailor_error_set(err, ENOMEM, "Out of memory");
}

void pool_candidates_free(struct pool_candidate *c, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(c[i].name);
        free(c);
}
