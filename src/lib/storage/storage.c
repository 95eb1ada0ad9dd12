/* SPDX-License-Identifier: MIT */
/*
 * The storage front: backend names, opening a pool, name checks and the
 * checked storage_* wrappers that every caller goes through.  The record
 * store the btrfs and dir backends share is in records.c; space accounting
 * helpers in space.c.
 */
#include "storage.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "recorded.h"

static const struct storage_ops *const backend_ops[_STORAGE_BACKEND_MAX] = {
    [STORAGE_ZFS] = &storage_zfs_ops,
    [STORAGE_BTRFS] = &storage_btrfs_ops,
    [STORAGE_DIR] = &storage_dir_ops,
};

static const char *const backend_names[_STORAGE_BACKEND_MAX] = {
    [STORAGE_ZFS] = "zfs",
    [STORAGE_BTRFS] = "btrfs",
    [STORAGE_DIR] = "dir",
};

const char *storage_backend_name(enum storage_backend b)
{
        if ((unsigned)b >= _STORAGE_BACKEND_MAX)
                return NULL;
        return backend_names[b];
}

int storage_backend_from_name(const char *name)
{
        for (int i = 0; i < _STORAGE_BACKEND_MAX; i++)
                if (name && STREQ(name, backend_names[i]))
                        return i;
        return -EINVAL;
}

/* ---- opening ---- */

void storage_free(struct storage *s)
{
        if (!s)
                return;
        free(s->pool);
        free(s->dataset);
        free(s->root);
        free(s);
}

DEFINE_CLEANUP_FUNC(struct storage, storage_free)

int storage_open(enum storage_backend backend, const char *pool, struct storage **ret,
                 struct jailor_error *err)
{
        _cleanup_(storage_freep) struct storage *s = NULL;
        int r;

        if ((unsigned)backend >= _STORAGE_BACKEND_MAX)
                return jailor_error_set(err, EINVAL, "Unknown storage backend %d", (int)backend);
        if (!pool || !*pool)
                return jailor_error_set(err, EINVAL, "No pool given for the %s backend",
                                        backend_names[backend]);
        s = calloc(1, sizeof(*s));
        if (!s)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        s->ops = backend_ops[backend];
        s->backend = backend;
        s->pool = strdup(pool);
        if (!s->pool)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (s->ops->open) {
                r = s->ops->open(s, err);
                if (r < 0)
                        return r;
        } else {
                s->root = path_join(pool, "jailor");
                if (!s->root)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        *ret = TAKE_PTR(s);
        return 0;
}

char *storage_path(const struct storage *s, const char *ds)
{
        return path_join(s->root, ds);
}

/* ---- names ---- */

static bool name_char_ok(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
}

/* NULL when the component is fine, else the rule it breaks. */
static const char *component_problem(const char *p, size_t n, char *bad, size_t bad_size)
{
        if (n == 0)
                return "has an empty component";
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                return "contains '.' or '..'";
        for (size_t i = 0; i < n; i++) {
                if (name_char_ok(p[i]))
                        continue;
                if (p[i] > 0x20 && p[i] < 0x7f)
                        snprintf(
                            bad, bad_size,
                            "contains '%c'; only letters, digits, '.', '_' and '-' are allowed",
                            p[i]);
                else
                        snprintf(bad, bad_size,
                                 "contains the byte 0x%02x; only letters, digits, '.', '_' and '-' "
                                 "are allowed",
                                 (unsigned char)p[i]);
                return bad;
        }
        if (p[0] == '.')
                return "has a component starting with '.' (hidden names are reserved)";
        if (p[0] == '-')
                return "has a component starting with '-'";
        return NULL;
}

int storage_check_dataset(const char *ds, struct jailor_error *err)
{
        char bad[128];
        const char *p, *why = NULL;

        if (!ds || !*ds)
                return jailor_error_set(err, EINVAL, "Dataset name is empty");
        if (strlen(ds) > STORAGE_NAME_MAX)
                return jailor_error_set(err, EINVAL,
                                        "Dataset name '%s' is longer than %d characters", ds,
                                        STORAGE_NAME_MAX);
        if (ds[0] == '/')
                return jailor_error_set(err, EINVAL,
                                        "Dataset name '%s' must be relative (no leading '/')", ds);
        for (p = ds; !why; p += strcspn(p, "/") + 1) {
                why = component_problem(p, strcspn(p, "/"), bad, sizeof(bad));
                if (!p[strcspn(p, "/")])
                        break;
        }
        if (why)
                return jailor_error_set(err, EINVAL, "Dataset name '%s' %s", ds, why);
        return 0;
}

int storage_check_snapshot(const char *snap, struct jailor_error *err)
{
        char bad[128];
        const char *why;

        if (!snap || !*snap)
                return jailor_error_set(err, EINVAL, "Snapshot name is empty");
        if (strlen(snap) > STORAGE_SNAP_MAX)
                return jailor_error_set(err, EINVAL,
                                        "Snapshot name '%s' is longer than %d characters", snap,
                                        STORAGE_SNAP_MAX);
        if (strchr(snap, '/'))
                return jailor_error_set(err, EINVAL, "Snapshot name '%s' contains '/'", snap);
        why = component_problem(snap, strlen(snap), bad, sizeof(bad));
        if (why)
                return jailor_error_set(err, EINVAL, "Snapshot name '%s' %s", snap, why);
        if (strncmp(snap, STORAGE_RESERVED_SNAP_PREFIX, strlen(STORAGE_RESERVED_SNAP_PREFIX)) == 0)
                return jailor_error_set(err, EINVAL,
                                        "Snapshot name '%s' is reserved: names starting with "
                                        "'" STORAGE_RESERVED_SNAP_PREFIX "' are jailor's own",
                                        snap);
        return 0;
}

int storage_check_key(const char *key, struct jailor_error *err)
{
        if (!key || !*key)
                return jailor_error_set(err, EINVAL, "Property name is empty");
        if (strlen(key) > STORAGE_KEY_MAX)
                return jailor_error_set(err, EINVAL,
                                        "Property name '%s' is longer than %d characters", key,
                                        STORAGE_KEY_MAX);
        for (const char *p = key; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                      *p == '.' || *p == '-'))
                        return jailor_error_set(
                            err, EINVAL,
                            "Property name '%s' may only contain a-z, 0-9, '_', '.' and '-'", key);
        return 0;
}

/* ---- the checked wrappers ---- */

static int unsupported(const struct storage *s, const char *what, struct jailor_error *err)
{
        return jailor_error_set(err, EOPNOTSUPP, "The %s backend cannot %s", s->ops->name, what);
}

#define CHECK(x)                                                                                   \
        do {                                                                                       \
                int _r_ = (x);                                                                     \
                if (_r_ < 0)                                                                       \
                        return _r_;                                                                \
        } while (0)

int storage_init(struct storage *s, struct jailor_error *err)
{
        if (!s->ops->init)
                return unsupported(s, "create its jailor dataset", err);
        return s->ops->init(s, err);
}

int storage_create(struct storage *s, const char *ds, struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        if (!s->ops->create)
                return unsupported(s, "create datasets", err);
        return s->ops->create(s, ds, err);
}

int storage_destroy(struct storage *s, const char *ds, struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        if (!s->ops->destroy)
                return unsupported(s, "destroy datasets", err);
        return s->ops->destroy(s, ds, err);
}

int storage_clear_debris(struct storage *s, const char *ds, struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        return s->ops->recorded ? recorded_clear_debris(s, ds, err) : 0;
}

int storage_exists(struct storage *s, const char *ds)
{
        CHECK(storage_check_dataset(ds, NULL));
        if (!s->ops->exists)
                return -EOPNOTSUPP;
        return s->ops->exists(s, ds);
}

int storage_snapshot(struct storage *s, const char *ds, const char *snap, struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        CHECK(storage_check_snapshot(snap, err));
        if (!s->ops->snapshot)
                return unsupported(s, "take snapshots", err);
        return s->ops->snapshot(s, ds, snap, err);
}

int storage_snapshot_list(struct storage *s, const char *ds, struct storage_snapshot **ret,
                          size_t *ret_n, struct jailor_error *err)
{
        *ret = NULL;
        *ret_n = 0;
        CHECK(storage_check_dataset(ds, err));
        if (!s->ops->snapshot_list)
                return unsupported(s, "list snapshots", err);
        return s->ops->snapshot_list(s, ds, ret, ret_n, err);
}

int storage_snapshot_destroy(struct storage *s, const char *ds, const char *snap,
                             struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        CHECK(storage_check_snapshot(snap, err));
        if (!s->ops->snapshot_destroy)
                return unsupported(s, "destroy snapshots", err);
        return s->ops->snapshot_destroy(s, ds, snap, err);
}

int storage_snapshot_rename(struct storage *s, const char *ds, const char *old_snap,
                            const char *new_snap, struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        CHECK(storage_check_snapshot(old_snap, err));
        CHECK(storage_check_snapshot(new_snap, err));
        if (!s->ops->snapshot_rename)
                return unsupported(s, "rename snapshots", err);
        if (STREQ(old_snap, new_snap))
                return 0;
        return s->ops->snapshot_rename(s, ds, old_snap, new_snap, err);
}

int storage_rollback(struct storage *s, const char *ds, const char *snap, struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        CHECK(storage_check_snapshot(snap, err));
        if (!s->ops->rollback)
                return unsupported(s, "roll back to snapshots", err);
        return s->ops->rollback(s, ds, snap, err);
}

/* Whether b is a (strict) descendant of a: "jails/web" under "jails". */
static bool is_below(const char *a, const char *b)
{
        size_t n = strlen(a);

        return strncmp(a, b, n) == 0 && b[n] == '/';
}

int storage_clone(struct storage *s, const char *src, const char *snap, const char *dst,
                  struct jailor_error *err)
{
        CHECK(storage_check_dataset(src, err));
        CHECK(storage_check_snapshot(snap, err));
        CHECK(storage_check_dataset(dst, err));
        if (!s->ops->clone)
                return unsupported(s, "clone snapshots", err);
        return s->ops->clone(s, src, snap, dst, err);
}

int storage_origin(struct storage *s, const char *ds, char **ret, struct jailor_error *err)
{
        *ret = NULL;
        CHECK(storage_check_dataset(ds, err));
        if (!s->ops->origin)
                return unsupported(s, "tell the origin of a clone", err);
        return s->ops->origin(s, ds, ret, err);
}

int storage_dependants(struct storage *s, const char *ds, char ***ret, struct jailor_error *err)
{
        *ret = NULL;
        CHECK(storage_check_dataset(ds, err));
        if (!s->ops->dependants)
                return unsupported(s, "list the clones of a dataset", err);
        return s->ops->dependants(s, ds, ret, err);
}

int storage_copy(struct storage *s, const char *src, const char *dst, struct jailor_error *err)
{
        CHECK(storage_check_dataset(src, err));
        CHECK(storage_check_dataset(dst, err));
        if (!s->ops->copy)
                return unsupported(s, "copy datasets", err);
        if (STREQ(src, dst) || is_below(src, dst))
                return jailor_error_set(
                    err, EINVAL, "Cannot copy dataset '%s' into '%s' inside itself", src, dst);
        return s->ops->copy(s, src, dst, err);
}

int storage_rename(struct storage *s, const char *old_ds, const char *new_ds,
                   struct jailor_error *err)
{
        CHECK(storage_check_dataset(old_ds, err));
        CHECK(storage_check_dataset(new_ds, err));
        if (!s->ops->rename)
                return unsupported(s, "rename datasets", err);
        if (STREQ(old_ds, new_ds))
                return 0;
        if (is_below(old_ds, new_ds))
                return jailor_error_set(err, EINVAL,
                                        "Cannot rename dataset '%s' to '%s' inside itself", old_ds,
                                        new_ds);
        return s->ops->rename(s, old_ds, new_ds, err);
}

int storage_space(struct storage *s, const char *ds, uint64_t *ret_used, uint64_t *ret_avail,
                  struct jailor_error *err)
{
        uint64_t used = 0, avail = 0;
        int r;

        CHECK(storage_check_dataset(ds, err));
        if (!s->ops->space)
                return unsupported(s, "tell the space used by a dataset", err);
        r = s->ops->space(s, ds, &used, &avail, err);
        if (r < 0)
                return r;
        if (ret_used)
                *ret_used = used;
        if (ret_avail)
                *ret_avail = avail;
        return r;
}

int storage_set_quota(struct storage *s, const char *ds, uint64_t bytes, struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        if (!s->ops->set_quota)
                return unsupported(s, "limit the size of a dataset (quota)", err);
        return s->ops->set_quota(s, ds, bytes, err);
}

int storage_set_readonly(struct storage *s, const char *ds, bool readonly, struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        if (!s->ops->set_readonly)
                return unsupported(s, "make datasets read-only", err);
        return s->ops->set_readonly(s, ds, readonly, err);
}

int storage_prop_set(struct storage *s, const char *ds, const char *key, const char *value,
                     struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        CHECK(storage_check_key(key, err));
        if (value && !*value)
                return jailor_error_set(err, EINVAL,
                                        "Property '%s' of '%s' cannot be empty; remove it instead",
                                        key, ds);
        if (!s->ops->prop_set)
                return unsupported(s, "store properties", err);
        return s->ops->prop_set(s, ds, key, value, err);
}

int storage_prop_get(struct storage *s, const char *ds, const char *key, char **ret,
                     struct jailor_error *err)
{
        *ret = NULL;
        CHECK(storage_check_dataset(ds, err));
        CHECK(storage_check_key(key, err));
        if (!s->ops->prop_get)
                return unsupported(s, "store properties", err);
        return s->ops->prop_get(s, ds, key, ret, err);
}

int storage_mount(struct storage *s, const char *ds, struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        if (!s->ops->mount)
                return 0; /* always visible */
        return s->ops->mount(s, ds, err);
}

int storage_umount(struct storage *s, const char *ds, struct jailor_error *err)
{
        CHECK(storage_check_dataset(ds, err));
        if (!s->ops->umount)
                return 0;
        return s->ops->umount(s, ds, err);
}

void storage_snapshots_free(struct storage_snapshot *snaps, size_t n)
{
        if (!snaps)
                return;
        for (size_t i = 0; i < n; i++)
                free(snaps[i].name);
        free(snaps);
}
