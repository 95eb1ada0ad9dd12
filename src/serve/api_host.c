/* SPDX-License-Identifier: MIT */
/* What concerns every jail at once: disk space (jailor df) and the boot order (start|stop --rc). */
#include <errno.h>

#include "api.h"
#include "jail/df.h"
#include "pool.h"
#include "runtime/boot_order.h"
#include "views.h"

static int op_df(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        struct jail_df_row *rows = NULL;
        size_t n = 0;
        int r = WITH_POOL(w, s, err, jail_df(worker_ctx(w), s, &rows, &n, err));

        if (r < 0)
                return r;
        jail_df_rows_sort(rows, n, JAIL_DF_SORT_NAME);
        *ret = jail_df_rows_to_json(rows, n);
        jail_df_rows_free(rows, n);
        return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

struct boot_report {
        struct worker *w;
        json_t *jails;
};

/* Each jail's outcome, as the boot order reports it; failures are warnings too, kept by a failed job. */
static void collect(void *data, const struct boot_result *res)
{
        struct boot_report *b = data;

        if (!res->ok)
                jailor_warn(worker_ctx(b->w), "%s: %s", res->name, res->why);
        json_array_append_new(b->jails, json_pack("{s:s, s:b, s:b, s:s?}", "name", res->name, "ok",
                                              res->ok, "unchanged", res->unchanged, "error",
                                              res->ok ? NULL : res->why));
}

static int boot(struct worker *w, json_t **ret, struct jailor_error *err, enum boot_action action)
{
        struct boot_report b = {.w = w, .jails = json_array()};
        int r;

        if (!b.jails)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = WITH_POOL(w, s, err, boot_order_run(worker_ctx(w), s, action, collect, &b, err));
        if (r < 0) {
                json_decref(b.jails);
                return r;
        }
        *ret = json_pack("{s:o}", "jails", b.jails);
        return 0;
}

static int op_boot_start(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return boot(w, ret, err, BOOT_START);
}

static int op_boot_stop(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return boot(w, ret, err, BOOT_STOP);
}

void api_df(struct request *r)
{
        api_call_simple(r, "df", op_df, 200);
}

void api_boot_start(struct request *r)
{
        api_run(r, &(struct api_call){.kind = "boot.start", .fn = op_boot_start,
                                      .args = api_args(r), .mode = API_JOB});
}

void api_boot_stop(struct request *r)
{
        api_run(r, &(struct api_call){.kind = "boot.stop", .fn = op_boot_stop,
                                      .args = api_args(r), .mode = API_JOB});
}
