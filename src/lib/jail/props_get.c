/* SPDX-License-Identifier: MIT */
/* jailor get: the values of one jail's properties. */
#include "props_get.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../props/props.h"
#include "../util/cleanup.h"
#include "df.h"
#include "list.h"

int jail_refuse_corrupt(const struct jail *j, struct jailor_error *err)
{
        if (!j->corrupt)
                return 0;
        return jailor_error_set(err, EINVAL, "Jail '%s' cannot be used: %s", j->name,
                                j->corrupt_reason ? j->corrupt_reason : "config.json is unusable");
}

int jail_get_all(const struct jailor_ctx *ctx, const struct jail *j, json_t **ret,
                 struct jailor_error *err)
{
        struct jail_state st;
        json_t *all;
        int r;

        r = jail_refuse_corrupt(j, err);
        if (r < 0)
                return r;
        jail_state(ctx, j->name, &st);
        all = json_deep_copy(j->props);
        if (!all || json_object_set_new(all, "state", json_string(jail_state_name(&st))) < 0) {
                json_decref(all);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        *ret = all;
        return 0;
}

/* used, available, origin, mountpoint: asked of storage; 1 when name is one of them. */
static int get_from_storage(struct storage *s, const struct jail *j, const char *name, char **ret,
                            struct jailor_error *err)
{
        char buf[DF_SIZE_MAX];
        uint64_t used, avail;
        int r;

        if (STREQ(name, "used") || STREQ(name, "available")) {
                r = jail_space(s, j, &used, &avail, err);
                if (r < 0)
                        return r;
                *ret = strdup(df_format_size(STREQ(name, "used") ? used : avail, buf));
        } else if (STREQ(name, "origin")) {
                r = storage_origin(s, j->root_ds, ret, err);
                if (r < 0)
                        return r;
                if (!*ret)
                        *ret = strdup("-"); /* not a clone, as zfs prints it */
        } else if (STREQ(name, "mountpoint")) {
                *ret = storage_path(s, j->ds);
        } else if (STREQ(name, "compressratio")) {
                return jailor_error_set(err, EOPNOTSUPP,
                                        "Property 'compressratio' is not available: jailor's "
                                        "storage does not report it");
        } else {
                return 0;
        }
        return *ret ? 1 : jailor_error_set(err, ENOMEM, "Out of memory");
}

int jail_get_one(const struct jailor_ctx *ctx, struct storage *s, const struct jail *j,
                 const char *name, char **ret, struct jailor_error *err)
{
        const char *v;
        int r;

        r = jail_refuse_corrupt(j, err);
        if (r < 0)
                return r;
        *ret = NULL;
        if (STREQ(name, "state")) {
                struct jail_state st;

                jail_state(ctx, j->name, &st);
                *ret = strdup(jail_state_name(&st));
                return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
        }
        if (!props_find(name))
                return jailor_error_set(err, EINVAL, "Unknown property '%s'", name);
        r = get_from_storage(s, j, name, ret, err);
        if (r != 0)
                return r < 0 ? r : 0;
        v = jail_prop(j, name);
        if (v && !(*ret = strdup(v)))
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return 0;
}
