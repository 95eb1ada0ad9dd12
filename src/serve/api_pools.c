/* SPDX-License-Identifier: MIT */
/* /api/v1/pools: the candidates, activate, deactivate (jailor pools|activate|deactivate). */
#include <errno.h>

#include "api.h"
#include "pool.h"
#include "views.h"

static int op_list(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        struct pool_candidate *list = NULL;
        size_t n = 0;
        int r = pool_candidates(worker_ctx(w), &list, &n, err);

        if (r < 0)
                return r;
        *ret = pool_candidates_to_json(list, n);
        pool_candidates_free(list, n);
        return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

/* activate and deactivate: {"pool": NAME} -> {"pool": NAME, "active": BOOL} */
static int pool_op(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err,
                   int (*op)(const struct jailor_ctx *, const char *, struct jailor_error *),
                   bool active)
{
        const char *pool = arg_string(args, "pool");
        int r;

        worker_field(w, "pool");
        r = op(worker_ctx(w), pool, err);
        if (r < 0)
                return r;
        *ret = json_pack("{s:s, s:b}", "pool", pool, "active", active);
        return 0;
}

static int op_activate(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return pool_op(w, args, ret, err, pool_activate, true);
}

static int op_deactivate(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return pool_op(w, args, ret, err, pool_deactivate, false);
}

void api_pools_list(struct request *r)
{
        api_call_simple(r, "pools.list", op_list, 200);
}

void api_pools_activate(struct request *r)
{
        api_call_simple(r, "pools.activate", op_activate, 200);
}

void api_pools_deactivate(struct request *r)
{
        api_call_simple(r, "pools.deactivate", op_deactivate, 200);
}
