/* SPDX-License-Identifier: MIT */
/* jailor set on a running jail: its resource limits, rewritten in its cgroup at once. */
#include "runtime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../jail/jail.h"
#include "../util/cleanup.h"
#include "cgroup.h"
#include "limits.h"

bool runtime_is_live_limit(const char *prop)
{
        return jail_limits_is_limit(prop);
}

/*
 * The disk of the jail's root, for the I/O limits.  Looked up even when no
 * I/O limit is set: an "off" must remove the rule a running jail has on it.
 * Without I/O limits a disk that cannot be found is no error (nothing to
 * remove on a file system without one).
 */
static int io_device(struct storage *s, const struct jail *j, struct jail_limits *l,
                     struct jailor_error *err)
{
        _cleanup_free_ char *root = storage_path(s, j->root_ds);
        int r;

        if (!root)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = jail_limits_block_device(root, &l->io_device, jail_limits_has_io(l) ? err : NULL);
        if (r < 0 && !jail_limits_has_io(l)) {
                l->io_device = 0;
                return 0;
        }
        return r;
}

int runtime_apply_limits(const struct jailor_ctx *ctx, struct storage *s, const struct jail *j,
                         struct jailor_error *err)
{
        struct jail_limits l;
        struct cgroup *cg = NULL;
        int r;

        if (!STREQ(runtime_status(ctx, j->name, NULL), "up"))
                return 0; /* the limits apply at its next start */
        r = jail_limits_from_props(j->props, &l, err);
        if (r == 0)
                r = io_device(s, j, &l, err);
        if (r < 0)
                return r;
        r = cgroup_open_existing(j->name, &cg, err);
        if (r == -ENOENT)
                return 0; /* stopped meanwhile */
        if (r < 0)
                return r;
        r = cgroup_apply(cg, &l, err);
        cgroup_free(cg);
        return r;
}
