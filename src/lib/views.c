/* SPDX-License-Identifier: MIT */
/* The JSON form of pools, jail rows, fstab entries and snapshots (views.h). */
#include "views.h"

#include <stdlib.h>

#include "util/cleanup.h"

json_t *pool_candidate_to_json(const struct pool_candidate *c)
{
        return json_pack("{s:s, s:s, s:b, s:b, s:b, s:I}", "pool", c->name, "backend",
                         storage_backend_name(c->backend), "active", c->active, "embedded",
                         c->embedded, "holds_host_root", c->holds_host_root, "free",
                         (json_int_t)c->avail);
}

json_t *jail_row_to_json(const struct jail_row *r)
{
        _cleanup_free_ char *ip4 = r->corrupt ? NULL : jail_row_ip4_short(r);

        if (r->corrupt)
                return json_pack("{s:n, s:s, s:s, s:s}", "jid", "name", r->name, "state", "CORRUPT",
                                 "error", r->corrupt_reason);
        if (!ip4)
                return NULL;
        return json_pack("{s:o, s:s, s:s, s:b, s:s, s:s?, s:s, s:s, s:s, s:b, s:s?, s:s?, s:b}",
                         "jid",
                         r->state.up ? json_integer(r->state.jid) : json_null(), "name", r->name,
                         "state", jail_state_name(&r->state), "boot", r->boot, "type",
                         r->is_template ? "template" : "jail", "release", r->release, "ip4", ip4,
                         "ip4_addr", r->ip4_addr, "ip6_addr", r->ip6_addr, "dhcp", r->dhcp,
                         "address", r->address, "template", r->source_template, "basejail",
                         r->basejail);
}

json_t *fstab_entry_to_json(const struct fstab_entry *e, size_t index)
{
        return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:b}", "index", (json_int_t)index,
                         "src", e->src, "dst", e->dst, "type", e->type, "options", e->options,
                         "dump", (int)e->dump, "pass", (int)e->pass, "basejail", e->basejail);
}

json_t *jail_snapshot_to_json(const struct jail_snapshot *s)
{
        json_t *clones = json_array();

        for (size_t k = 0; clones && s->clones && s->clones[k]; k++)
                json_array_append_new(clones, json_string(s->clones[k]));
        return json_pack("{s:s, s:I, s:o, s:I, s:b, s:o}", "name", s->name, "created",
                         (json_int_t)s->created, "rsize",
                         s->rsize < 0 ? json_null() : json_integer(s->rsize), "used",
                         (json_int_t)s->used, "config", s->has_config, "clones", clones);
}

json_t *jail_df_row_to_json(const struct jail_df_row *r)
{
        json_t *o = json_pack("{s:s, s:s, s:n, s:n}", "name", r->name, "type",
                              r->is_template ? "template" : "jail", "crt", "res");

        if (!o)
                return NULL;
        json_object_set_new(o, "qta", r->quota ? json_string(r->quota) : json_null());
        json_object_set_new(o, "used", r->has_space ? json_integer((json_int_t)r->used)
                                                    : json_null());
        json_object_set_new(o, "available", r->has_space ? json_integer((json_int_t)r->avail)
                                                         : json_null());
        return o;
}

/* Appends each element's JSON; the whole array is dropped when one cannot be made. */
static json_t *append_or_drop(json_t *a, json_t *v)
{
        if (a && json_array_append_new(a, v) == 0)
                return a;
        json_decref(a);
        return NULL;
}

#define ARRAY_OF(to_json, v, n, ...)                                                               \
        do {                                                                                       \
                json_t *a = json_array();                                                          \
                for (size_t i = 0; a && i < (n); i++)                                              \
                        a = append_or_drop(a, to_json(&(v)[i] __VA_ARGS__));                       \
                return a;                                                                          \
        } while (0)

json_t *pool_candidates_to_json(const struct pool_candidate *c, size_t n)
{
        ARRAY_OF(pool_candidate_to_json, c, n);
}

json_t *jail_rows_to_json(const struct jail_row *rows, size_t n)
{
        ARRAY_OF(jail_row_to_json, rows, n);
}

json_t *fstab_entries_to_json(const struct fstab_entry *v, size_t n)
{
        ARRAY_OF(fstab_entry_to_json, v, n, , i);
}

json_t *jail_snapshots_to_json(const struct jail_snapshot *v, size_t n)
{
        ARRAY_OF(jail_snapshot_to_json, v, n);
}

json_t *jail_df_rows_to_json(const struct jail_df_row *rows, size_t n)
{
        ARRAY_OF(jail_df_row_to_json, rows, n);
}
