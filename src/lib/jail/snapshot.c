/* SPDX-License-Identifier: MIT */
/* Snapshots of a jail: see snapshot.h for what one is and why it is safe to kill. */
#include "snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../props/parse.h"
#include "../util/cleanup.h"
#include "list.h"
#include "../util/fs.h"
#include "clone.h"
#include "config.h"

DEFINE_CLEANUP_FUNC(struct jail, jail_free)

/* ---- records: <jail ds>/snapshots/SNAP.json ---- */

static char *record_path(struct storage *s, const char *jail_ds, const char *snap)
{
        _cleanup_free_ char *rel = strjoin(jail_ds, "/" JAIL_SNAPSHOT_DIR "/", snap, ".json", NULL);

        return rel ? storage_path(s, rel) : NULL;
}

/* The record of snapshot snap, or NULL when it has none (or an unreadable one). */
static json_t *record_load(struct storage *s, const char *jail_ds, const char *snap)
{
        _cleanup_free_ char *path = record_path(s, jail_ds, snap);

        return path ? json_load_file(path, 0, NULL) : NULL;
}

static int record_save(struct storage *s, const char *jail_ds, const char *snap, json_t *rec,
                       struct jailor_error *err)
{
        _cleanup_free_ char *dir_ds = strjoin(jail_ds, "/" JAIL_SNAPSHOT_DIR, NULL);
        _cleanup_free_ char *dir = dir_ds ? storage_path(s, dir_ds) : NULL;
        _cleanup_free_ char *path = record_path(s, jail_ds, snap);
        _cleanup_free_ char *text = json_dumps(rec, JSON_INDENT(4) | JSON_SORT_KEYS);

        if (!dir || !path || !text)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return jailor_error_errno(err, errno, "Cannot create '%s'", dir);
        return write_file_atomic(path, text, strlen(text), 0600, err);
}

static void record_remove(struct storage *s, const char *jail_ds, const char *snap)
{
        _cleanup_free_ char *path = record_path(s, jail_ds, snap);

        if (path)
                unlink(path);
}

/* "jails/web/root" -> "jails/web" when it is a jail's or template's root, else NULL. */
static char *jail_ds_of_root(const char *root_ds)
{
        const char *name = NULL, *slash;

        if (strncmp(root_ds, "jails/", 6) == 0)
                name = root_ds + 6;
        else if (strncmp(root_ds, "templates/", 10) == 0)
                name = root_ds + 10;
        slash = name ? strchr(name, '/') : NULL;
        if (!slash || slash == name || !STREQ(slash, "/root"))
                return NULL;
        return strndup(root_ds, (size_t)(slash - root_ds));
}

char *jail_snapshot_label(const struct jail *j, const char *snap)
{
        return strjoin(j->ds, "@", snap, NULL);
}

/* ---- what a snapshot's clones are ---- */

/* "jails/web/root" -> "jails/web" */
static char *owner_of(const char *ds)
{
        const char *second = strchr(ds, '/');
        const char *third = second ? strchr(second + 1, '/') : NULL;

        return third ? strndup(ds, (size_t)(third - ds)) : strdup(ds);
}

static int strv_push(char ***v, char *str)
{
        size_t n = 0;
        char **bigger;

        if (!str)
                return -ENOMEM;
        while (*v && (*v)[n])
                n++;
        bigger = realloc(*v, (n + 2) * sizeof(char *));
        if (!bigger) {
                free(str);
                return -ENOMEM;
        }
        bigger[n] = str;
        bigger[n + 1] = NULL;
        *v = bigger;
        return 0;
}

/*
 * The clones of root_ds's snapshots that are jails, and the snapshot each
 * was cloned from ("jails/web/root@x"): *ret_owners[i] ("jails/c") comes
 * from *ret_origins[i].  Clones still in staging/ (a create or clone under
 * way, or killed) are not jails: they are left out.
 */
static int jail_clones(struct storage *s, const char *root_ds, char ***ret_owners,
                       char ***ret_origins, struct jailor_error *err)
{
        _cleanup_strv_free_ char **deps = NULL, **owners = calloc(1, sizeof(char *));
        _cleanup_strv_free_ char **origins = calloc(1, sizeof(char *));
        int r = storage_dependants(s, root_ds, &deps, err);

        if (r < 0)
                return r;
        if (!owners || !origins)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; deps && deps[i]; i++) {
                char *origin = NULL;

                if (strncmp(deps[i], "staging/", 8) == 0 ||
                    storage_origin(s, deps[i], &origin, NULL) < 0 || !origin)
                        continue;
                if (strv_push(&origins, origin) < 0 || strv_push(&owners, owner_of(deps[i])) < 0)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        *ret_owners = TAKE_PTR(owners);
        *ret_origins = TAKE_PTR(origins);
        return 0;
}

/* The owners of the clones made from root_ds@snap. */
static int clones_of(const char *root_ds, const char *snap, char **owners, char **origins,
                     char ***ret, struct jailor_error *err)
{
        _cleanup_strv_free_ char **out = calloc(1, sizeof(char *));
        _cleanup_free_ char *full = strjoin(root_ds, "@", snap, NULL);

        if (!out || !full)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; origins[i]; i++)
                if (STREQ(origins[i], full) && strv_push(&out, strdup(owners[i])) < 0)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
        *ret = TAKE_PTR(out);
        return 0;
}

/* ---- sweeping ---- */

static bool snapshot_listed(const struct storage_snapshot *snaps, size_t n, const char *snap)
{
        for (size_t i = 0; i < n; i++)
                if (STREQ(snaps[i].name, snap))
                        return true;
        return false;
}

void jail_snapshot_sweep(struct storage *s, const struct jail *j)
{
        _cleanup_free_ char *dir_ds = strjoin(j->ds, "/" JAIL_SNAPSHOT_DIR, NULL);
        _cleanup_free_ char *dir = dir_ds ? storage_path(s, dir_ds) : NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct storage_snapshot *snaps = NULL;
        struct dirent *de;
        size_t n = 0;

        if (!dir || !(d = opendir(dir)))
                return;
        if (storage_snapshot_list(s, j->root_ds, &snaps, &n, NULL) < 0)
                return;
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                bool is_record = len > 5 && STREQ(de->d_name + len - 5, ".json");
                _cleanup_free_ char *snap = NULL;
                json_t *rec;

                if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
                        continue;
                if (is_record && !(snap = strndup(de->d_name, len - 5)))
                        continue;
                /* not a record: the temporary file of a killed write_file_atomic() */
                if (!is_record || storage_check_snapshot(snap, NULL) < 0) {
                        unlinkat(dirfd(d), de->d_name, 0);
                        continue;
                }
                /* a record whose snapshot is gone: killed snapshot, rollback, snapremove */
                if (!snapshot_listed(snaps, n, snap)) {
                        unlinkat(dirfd(d), de->d_name, 0);
                        continue;
                }
                /* a failed clone's origin; storage refuses while a clone still uses it */
                rec = record_load(s, j->ds, snap);
                if (json_is_string(json_object_get(rec, "clone")) &&
                    storage_snapshot_destroy(s, j->root_ds, snap, NULL) == 0)
                        unlinkat(dirfd(d), de->d_name, 0);
                json_decref(rec);
        }
        storage_snapshots_free(snaps, n);
}

/* ---- taking ---- */

static int measure_root(const char *root, const void *arg, uint64_t *ret, struct jailor_error *err)
{
        return storage_du(root, ret, err);
}

static int snapshot_exists(struct storage *s, const struct jail *j, const char *snap,
                           struct jailor_error *err)
{
        struct storage_snapshot *snaps = NULL;
        size_t n = 0;
        int r = storage_snapshot_list(s, j->root_ds, &snaps, &n, err);

        if (r < 0)
                return r;
        r = snapshot_listed(snaps, n, snap);
        storage_snapshots_free(snaps, n);
        return r;
}

int jail_snapshot_take(struct storage *s, const struct jail *j, const char *snap,
                       const char *for_clone, struct jailor_error *err)
{
        _cleanup_free_ char *label = jail_snapshot_label(j, snap), *fstab_path = NULL;
        _cleanup_free_ char *fstab = NULL;
        uint64_t rsize = 0;
        json_t *rec;
        int r;

        if (!label)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = snapshot_exists(s, j, snap, err);
        if (r < 0)
                return r;
        if (r > 0)
                return jailor_error_set(err, EEXIST, "Snapshot '%s' already exists", label);
        /* RSIZE, as ZFS's "referenced": the size of the root the jail sees */
        r = jail_root_visit(s, j->root_ds, measure_root, NULL, &rsize, err);
        if (r < 0)
                return r;
        fstab_path = jail_file(s, j, "fstab");
        if (!fstab_path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = read_file(fstab_path, &fstab, NULL, err);
        if (r == -ENOENT)
                fstab = strdup("");
        else if (r < 0)
                return r;
        rec = json_pack("{s:I, s:O, s:s}", "rsize", (json_int_t)rsize, "config", j->config, "fstab",
                        fstab ? fstab : "");
        if (rec && for_clone)
                json_object_set_new(rec, "clone", json_string(for_clone));
        if (!rec)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* the record first: the storage snapshot is the commit point */
        r = record_save(s, j->ds, snap, rec, err);
        json_decref(rec);
        if (r < 0)
                return r;
        r = storage_snapshot(s, j->root_ds, snap, err);
        /* not when the snapshot exists after all: a killed jailor's zfs made it */
        if (r < 0 && snapshot_exists(s, j, snap, NULL) == 0)
                record_remove(s, j->ds, snap);
        return r;
}

void jail_snapshot_drop(struct storage *s, const struct jail *j, const char *snap)
{
        if (storage_snapshot_destroy(s, j->root_ds, snap, NULL) == 0)
                record_remove(s, j->ds, snap);
}

/* ---- the commands ---- */

/* Checks the names, takes the jail's lock and opens it. */
static int open_locked(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                       const char *snap, int *lock, struct jail **ret, struct jailor_error *err)
{
        int r;

        r = parse_name("jail", name, err);
        if (r < 0)
                return r;
        if (snap) {
                r = storage_check_snapshot(snap, err);
                if (r < 0)
                        return r;
        }
        r = jail_lock(ctx, name, lock, err);
        if (r < 0)
                return r;
        return jail_open(ctx, s, name, ret, err);
}

static int need_snapshot(struct storage *s, const struct jail *j, const char *snap,
                         struct jailor_error *err)
{
        int r = snapshot_exists(s, j, snap, err);

        if (r == 0)
                return jailor_error_set(err, ENOENT, "Snapshot '%s@%s' not found", j->ds, snap);
        return r < 0 ? r : 0;
}

/* Gives the caller the label of j's snapshot snap, when it asked for it. */
static int give_label(const struct jail *j, const char *snap, char **ret_label,
                      struct jailor_error *err)
{
        if (!ret_label)
                return 0;
        *ret_label = jail_snapshot_label(j, snap);
        return *ret_label ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

int jail_snapshot(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                  const char *snap, char **ret_label, struct jailor_error *err)
{
        _cleanup_(jail_freep) struct jail *j = NULL;
        _cleanup_close_ int lock = -EBADF;
        char stamp[32];
        int r;

        if (!snap) {
                time_t now = time(NULL);
                struct tm tm;

                strftime(stamp, sizeof(stamp), "%Y-%m-%d_%H-%M-%S", gmtime_r(&now, &tm));
                snap = stamp;
        }
        r = open_locked(ctx, s, name, snap, &lock, &j, err);
        if (r < 0)
                return r;
        if (j->corrupt)
                return jailor_error_set(err, EINVAL, "Cannot snapshot '%s': %s", name,
                                        j->corrupt_reason);
        jail_snapshot_sweep(s, j);
        r = jail_snapshot_take(s, j, snap, NULL, err);
        return r < 0 ? r : give_label(j, snap, ret_label, err);
}

void jail_snapshots_free(struct jail_snapshot *v, size_t n)
{
        if (!v)
                return;
        for (size_t i = 0; i < n; i++) {
                free(v[i].name);
                strv_freep(&v[i].clones);
        }
        free(v);
}

int jail_snapshot_list(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                       struct jail_snapshot **ret, size_t *ret_n, struct jailor_error *err)
{
        _cleanup_(jail_freep) struct jail *j = NULL;
        _cleanup_strv_free_ char **owners = NULL, **origins = NULL;
        struct storage_snapshot *snaps = NULL;
        struct jail_snapshot *out = NULL;
        size_t n = 0, k = 0;
        int r;

        r = jail_open(ctx, s, name, &j, err);
        if (r < 0)
                return r;
        r = storage_snapshot_list(s, j->root_ds, &snaps, &n, err);
        if (r < 0)
                return r;
        r = jail_clones(s, j->root_ds, &owners, &origins, err);
        if (r >= 0 && !(out = calloc(n + 1, sizeof(*out))))
                r = jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; r >= 0 && i < n; i++) {
                json_t *rec = record_load(s, j->ds, snaps[i].name);
                json_t *rsize = json_object_get(rec, "rsize");
                struct jail_snapshot *o = &out[k];

                r = clones_of(j->root_ds, snaps[i].name, owners, origins, &o->clones, err);
                if (r < 0) {
                        json_decref(rec);
                        break;
                }
                /* debris of a failed clone: not a snapshot anyone took */
                if (json_is_string(json_object_get(rec, "clone")) && !o->clones[0]) {
                        strv_freep(&o->clones);
                        json_decref(rec);
                        continue;
                }
                o->name = TAKE_PTR(snaps[i].name);
                o->created = snaps[i].created;
                o->used = snaps[i].used;
                o->rsize = json_is_integer(rsize) ? (int64_t)json_integer_value(rsize) : -1;
                o->has_config = json_is_object(json_object_get(rec, "config"));
                json_decref(rec);
                k++;
        }
        storage_snapshots_free(snaps, n);
        if (r < 0) {
                jail_snapshots_free(out, k + 1);
                return r;
        }
        *ret = out;
        *ret_n = k;
        return 0;
}

/* Writes config.json and fstab as the snapshot's record holds them. */
static int restore_files(struct storage *s, const struct jail *j, json_t *rec,
                         struct jailor_error *err)
{
        _cleanup_free_ char *config_path = jail_file(s, j, "config.json");
        _cleanup_free_ char *fstab_path = jail_file(s, j, "fstab");
        json_t *config = json_object_get(rec, "config");
        const char *fstab = json_string_value(json_object_get(rec, "fstab"));
        int r;

        if (!config_path || !fstab_path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (!json_is_object(config))
                return 0; /* a snapshot jailor did not take: the root only */
        r = config_write(config_path, config, err);
        if (r == 0 && fstab)
                r = write_file_atomic(fstab_path, fstab, strlen(fstab), 0644, err);
        return r;
}

int jail_rollback(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                  const char *snap, char **ret_label, struct jailor_error *err)
{
        _cleanup_(jail_freep) struct jail *j = NULL;
        _cleanup_close_ int lock = -EBADF;
        json_t *rec = NULL;
        int r;

        r = open_locked(ctx, s, name, snap, &lock, &j, err);
        if (r < 0)
                return r;
        /* a corrupt jail may be rolled back: that is one way to repair it */
        if (j->is_template)
                return jailor_error_set(err, EROFS,
                                        "'%s' is a template, whose root is read-only: set "
                                        "template=no before rolling it back",
                                        name);
        r = jail_check_stopped(ctx, j->name, "rolling it back", err);
        if (r < 0)
                return r;
        r = need_snapshot(s, j, snap, err);
        if (r < 0)
                return r;
        rec = record_load(s, j->ds, snap);
        /* the root must not be mounted while its content is replaced */
        r = storage_umount(s, j->root_ds, err);
        if (r == 0)
                r = storage_rollback(s, j->root_ds, snap, err);
        /* killed between the root and the files: running rollback again finishes */
        if (r == 0)
                r = restore_files(s, j, rec, err);
        json_decref(rec);
        if (r < 0)
                return r;
        jail_snapshot_sweep(s, j);
        return give_label(j, snap, ret_label, err);
}

int jail_snapremove(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                    const char *snap, char **ret_label, struct jailor_error *err)
{
        _cleanup_(jail_freep) struct jail *j = NULL;
        _cleanup_close_ int lock = -EBADF;
        int r;

        r = open_locked(ctx, s, name, snap, &lock, &j, err);
        if (r < 0)
                return r;
        r = need_snapshot(s, j, snap, err);
        if (r < 0)
                return r;
        /* the storage snapshot is the commit point; a record left behind is swept later */
        r = storage_snapshot_destroy(s, j->root_ds, snap, err);
        if (r < 0)
                return r;
        record_remove(s, j->ds, snap);
        jail_snapshot_sweep(s, j);
        return give_label(j, snap, ret_label, err);
}

int jail_snapshot_rename(struct storage *s, const char *origin_ds, const char *old_snap,
                         const char *new_snap, struct jailor_error *err)
{
        _cleanup_free_ char *jail_ds = jail_ds_of_root(origin_ds);
        json_t *rec = jail_ds ? record_load(s, jail_ds, old_snap) : NULL;
        bool recorded = rec != NULL;
        int r = 0;

        /* copy the record, rename the snapshot, drop the old record: never unrecorded */
        if (recorded)
                r = record_save(s, jail_ds, new_snap, rec, err);
        json_decref(rec);
        if (r < 0)
                return r;
        r = storage_snapshot_rename(s, origin_ds, old_snap, new_snap, err);
        if (recorded)
                record_remove(s, jail_ds, r < 0 ? new_snap : old_snap);
        return r;
}
