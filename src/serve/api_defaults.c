/* SPDX-License-Identifier: MIT */
/* /api/v1/defaults (get, set) and /api/v1/properties (the property table as a schema). */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "defaults.h"
#include "pool.h"
#include "props/props.h"
#include "util/cleanup.h"

static int op_get(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, defaults_load(worker_ctx(w), s, ret, err));
}

static int update(struct worker *w, struct storage *s, json_t *args, json_t **ret,
                  struct jailor_error *err)
{
        json_t *props = arg_body(args, "properties"), *changes = NULL;
        _cleanup_strv_free_ char **assign = body_assignments(props);
        const char *key, *field;
        size_t n = 0;
        json_t *v;
        int r;

        if (!assign)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* each alone first, so the error names its property */
        json_object_foreach(props, key, v) {
                _cleanup_free_ char *canonical = NULL;

                if (props_check(key, strchr(assign[n++], '=') + 1, PROP_SCOPE_DEFAULT, &canonical,
                                err) < 0) {
                        worker_field(w, key);
                        return -err->errnum;
                }
        }
        r = defaults_set(worker_ctx(w), s, assign, n, &changes, err);
        if (r < 0) {
                field = api_guess_field(err->msg, props);
                if (field)
                        worker_field(w, field);
                return r;
        }
        *ret = json_pack("{s:o}", "changes", changes);
        return 0;
}

static int op_update(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, update(w, s, args, ret, err));
}

void api_defaults_get(struct request *r)
{
        api_call_simple(r, "defaults.get", op_get, 200);
}

void api_defaults_update(struct request *r)
{
        api_call_simple(r, "defaults.update", op_update, 200);
}

json_t *api_property_schema(const struct prop_def *p)
{
        json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b}", "name",
                              p->name, "type", props_type_name(p->type), "default",
                              p->default_value, "group", props_group_name(p->group), "doc",
                              p->doc, "live", !!(p->flags & PROP_LIVE), "readonly",
                              !!(p->flags & PROP_READONLY), "default_only",
                              !!(p->flags & PROP_DEFAULT_ONLY), "jail_only",
                              !!(p->flags & PROP_JAIL_ONLY), "per_jail",
                              !!(p->flags & PROP_PER_JAIL), "stopped_only",
                              !!(p->flags & PROP_STOPPED));

        if (o && p->choices) {
                json_t *c = json_array();

                for (size_t i = 0; c && p->choices[i]; i++)
                        json_array_append_new(c, json_string(p->choices[i]));
                json_object_set_new(o, "choices", c);
        }
        if (o && p->type == PROP_INT) {
                json_object_set_new(o, "min", json_integer(p->min));
                json_object_set_new(o, "max", json_integer(p->max));
        }
        return o;
}

/* Read straight from the table compiled into the server: no worker needed. */
void api_properties(struct request *r)
{
        json_t *a = json_array();

        for (size_t i = 0; a && i < props_count; i++)
                json_array_append_new(a, api_property_schema(&props_table[i]));
        reply_json(r, 200, a);
}
