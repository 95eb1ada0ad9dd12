/* SPDX-License-Identifier: MIT */
/* /api/v1/jails/{name}/snapshots: list, take, roll back, remove (jailor snap*). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "jail/snapshot.h"
#include "pool.h"
#include "util/cleanup.h"
#include "views.h"

static int list(struct worker *w, struct storage *s, json_t *args, json_t **ret,
                struct jailor_error *err)
{
        struct jail_snapshot *v = NULL;
        size_t n = 0;
        int r = jail_snapshot_list(worker_ctx(w), s, arg_path(args, 0), &v, &n, err);

        if (r < 0)
                return r;
        *ret = jail_snapshots_to_json(v, n);
        jail_snapshots_free(v, n);
        return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

static int op_list(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, list(w, s, args, ret, err));
}

typedef int snap_fn(const struct jailor_ctx *ctx, struct storage *s, const char *jail,
                    const char *snap, char **ret_label, struct jailor_error *err);

/* One snapshot call; the answer names the snapshot by its label ("jails/web@snap"). */
static int snap_call(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err,
                     snap_fn *fn, const char *snap)
{
        _cleanup_free_ char *label = NULL;
        int r = WITH_POOL(w, s, err, fn(worker_ctx(w), s, arg_path(args, 0), snap, &label, err));

        if (r < 0)
                return r;
        *ret = json_pack("{s:s}", "snapshot", label);
        return 0;
}

static int op_create(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        const char *name = arg_string(args, "name");
        int r = snap_call(w, args, ret, err, jail_snapshot, name);

        if (r < 0 && name && strstr(err->msg, name))
                worker_field(w, "name");
        return r;
}

static int op_rollback(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return snap_call(w, args, ret, err, jail_rollback, arg_path(args, 1));
}

static int op_remove(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return snap_call(w, args, ret, err, jail_snapremove, arg_path(args, 1));
}

void api_snapshots_list(struct request *r)
{
        api_call_simple(r, "snapshots.list", op_list, 200);
}

void api_snapshots_create(struct request *r)
{
        api_call_simple(r, "snapshot.create", op_create, 201);
}

void api_snapshots_rollback(struct request *r)
{
        api_call_simple(r, "snapshot.rollback", op_rollback, 200);
}

void api_snapshots_remove(struct request *r)
{
        api_call_simple(r, "snapshot.remove", op_remove, 200);
}
