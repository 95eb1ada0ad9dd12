/* SPDX-License-Identifier: MIT */
/*
 * jailor destroy: the jail is first renamed into staging/NAME (the commit
 * point: from then on it is gone from `list`), then its datasets, its
 * origin snapshot (releases/R/root@NAME or templates/T/root@NAME) and its
 * console log are removed.  A destroy killed after the rename leaves debris
 * in staging/ that the next create or destroy of NAME removes.
 */
#include "jail.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "list.h"

/* "jails/web/root" -> "jails/web" */
static char *owner_of(const char *ds)
{
        const char *second = strchr(ds, '/');
        const char *third = second ? strchr(second + 1, '/') : NULL;

        return third ? strndup(ds, (size_t)(third - ds)) : strdup(ds);
}

int jail_dependants(struct storage *s, const struct jail *j, char ***ret,
                    struct jailor_error *err)
{
        _cleanup_strv_free_ char **clones = NULL;
        char **out = calloc(1, sizeof(char *));
        size_t n = 0;
        int r;

        if (!out)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = storage_dependants(s, j->root_ds, &clones, err);
        if (r < 0) {
                free(out);
                return r;
        }
        for (size_t i = 0; clones && clones[i]; i++) {
                char *owner = owner_of(clones[i]);
                char **bigger = owner ? realloc(out, (n + 2) * sizeof(char *)) : NULL;

                if (!bigger) {
                        free(owner);
                        strv_freep(&out);
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                }
                out = bigger;
                out[n++] = owner;
                out[n] = NULL;
        }
        *ret = out;
        return (int)n;
}

static char *strv_join(char **v)
{
        size_t len = 1;
        char *out;

        for (size_t i = 0; v[i]; i++)
                len += strlen(v[i]) + 2;
        out = calloc(1, len);
        for (size_t i = 0; out && v[i]; i++) {
                if (i)
                        strcat(out, ", ");
                strcat(out, v[i]);
        }
        return out;
}

/* Removes what a killed create or destroy of name left in staging/. */
static int clear_staging(struct storage *s, const char *staging, struct jailor_error *err)
{
        if (storage_exists(s, staging) > 0)
                return storage_destroy(s, staging, err);
        /* a destroy killed after its commit point leaves the data without a name */
        return storage_clear_debris(s, staging, err);
}

int jail_destroy(const struct jailor_ctx *ctx, struct storage *s, const char *name, bool recursive,
                 struct jailor_error *err)
{
        _cleanup_free_ char *staging = strjoin("staging/", name, NULL), *origin = NULL;
        _cleanup_free_ char *root_staging = strjoin("staging/", name, "/root", NULL);
        _cleanup_strv_free_ char **deps = NULL;
        _cleanup_close_ int lock = -EBADF;
        struct jail *j = NULL;
        int r, n;

        if (!staging || !root_staging)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = jail_open(ctx, s, name, &j, err);
        if (r == -ENOENT && jail_lock(ctx, name, &lock, NULL) == 0)
                clear_staging(s, staging, NULL); /* what a killed destroy left */
        if (r < 0)
                return r;
        r = jail_lock(ctx, name, &lock, err);
        if (r < 0)
                goto out;
        r = jail_check_stopped(ctx, name, "destroying it (or use destroy -f)", err);
        if (r < 0)
                goto out;
        n = jail_dependants(s, j, &deps, err);
        if (n < 0) {
                r = n;
                goto out;
        }
        if (n > 0 && !recursive) {
                _cleanup_free_ char *list = strv_join(deps);
                r = jailor_error_set(err, EBUSY,
                                     "Jail '%s' has dependants: %s; destroy them first or use -R",
                                     name, list ? list : "?");
                goto out;
        }
        for (int i = 0; i < n; i++) {
                const char *dep = strchr(deps[i], '/') ? strchr(deps[i], '/') + 1 : deps[i];

                r = jail_destroy(ctx, s, dep, true, err);
                if (r < 0)
                        goto out;
        }
        r = clear_staging(s, staging, err);
        if (r < 0)
                goto out;
        if (storage_origin(s, j->root_ds, &origin, NULL) < 0)
                origin = NULL;
        storage_umount(s, j->root_ds, NULL);
        /* the commit point: after this rename the jail no longer exists */
        r = storage_rename(s, j->ds, staging, err);
        if (r < 0)
                goto out;
        r = storage_destroy(s, staging, err);
        if (r < 0)
                goto out;
        if (origin) {
                char *at = strchr(origin, '@');
                if (at) {
                        *at = '\0';
                        storage_snapshot_destroy(s, origin, at + 1, NULL);
                }
        }
        {
                _cleanup_free_ char *log_ds = strjoin("log/", name, "-console.log", NULL);
                _cleanup_free_ char *log = log_ds ? storage_path(s, log_ds) : NULL;
                if (log)
                        unlink(log);
        }
out:
        jail_free(j);
        return r;
}
