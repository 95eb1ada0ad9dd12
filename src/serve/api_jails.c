/* SPDX-License-Identifier: MIT */
/* /api/v1/jails: list, get, create, update (set, rename), destroy, clone. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "jail/clone.h"
#include "jail/jail.h"
#include "jail/list.h"
#include "jail/props_get.h"
#include "jail/props_set.h"
#include "jail/rename.h"
#include "pool.h"
#include "props/props.h"
#include "release/release.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"
#include "views.h"

/*
 * Checks each assignment alone first, so an error names the property at
 * fault; what only the whole set can refuse (combinations) is named by
 * the property its message quotes.
 */
static int check_properties(struct worker *w, json_t *props, enum prop_scope scope,
                            struct jailor_error *err)
{
        _cleanup_strv_free_ char **v = body_assignments(props);
        const char *key;
        json_t *val;
        size_t i = 0;

        if (!v)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        json_object_foreach(props, key, val) {
                _cleanup_free_ char *canonical = NULL;

                if (props_check(key, strchr(v[i++], '=') + 1, scope, &canonical, err) < 0) {
                        worker_field(w, key);
                        return -err->errnum;
                }
        }
        return 0;
}

/* After the library refused a whole request: the property (or other field) it names. */
static int blame(struct worker *w, json_t *props, int r, struct jailor_error *err)
{
        const char *field = props ? api_guess_field(err->msg, props) : NULL;

        if (field)
                worker_field(w, field);
        return r;
}

static size_t count(char **v)
{
        size_t n = 0;

        while (v && v[n])
                n++;
        return n;
}

static int op_list(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        struct jail_row *rows = NULL;
        size_t n = 0;
        int r = WITH_POOL(w, s, err,
                          jail_list(worker_ctx(w), s, arg_bool(args, "templates"), &rows, &n, err));

        if (r < 0)
                return r;
        *ret = jail_rows_to_json(rows, n);
        jail_rows_free(rows, n);
        return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

static int get_one(struct worker *w, struct storage *s, const char *name, json_t **ret,
                   struct jailor_error *err)
{
        struct jail_state st;
        struct jail *j = NULL;
        json_t *props = NULL;
        int r = jail_open(worker_ctx(w), s, name, &j, err);

        if (r < 0)
                return r;
        if (j->corrupt)
                r = jail_refuse_corrupt(j, err);
        else
                r = jail_get_all(worker_ctx(w), j, &props, err);
        if (r == 0) {
                jail_state(worker_ctx(w), name, &st);
                *ret = json_pack("{s:s, s:s, s:o, s:b, s:o}", "name", j->name, "state",
                                 jail_state_name(&st), "jid",
                                 st.up ? json_integer(st.jid) : json_null(), "template",
                                 j->is_template, "properties", props);
        }
        jail_free(j);
        return r;
}

static int op_get(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, get_one(w, s, arg_path(args, 0), ret, err));
}

static int parse_kind(const char *type, enum jail_kind *ret)
{
        static const char *const names[] = {[JAIL_CLONE] = "clone", [JAIL_BASEJAIL] = "basejail",
                                            [JAIL_THICK] = "thick", [JAIL_EMPTY] = "empty"};

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                if (STREQ(type, names[i])) {
                        *ret = (enum jail_kind)i;
                        return 0;
                }
        }
        return -EINVAL;
}

/* True when release name is not in the pool yet: create will fetch it first. */
static bool needs_fetch(struct storage *s, const char *name)
{
        json_t *list = NULL, *rel;
        bool found = false;
        size_t i;

        if (release_list(s, &list, NULL) < 0)
                return false;
        json_array_foreach(list, i, rel)
                found |= STREQ(json_string_value(json_object_get(rel, "name")) ?: "", name);
        json_decref(list);
        return !found;
}

static int create(struct worker *w, struct storage *s, json_t *args, json_t **ret,
                  struct jailor_error *err)
{
        json_t *props = arg_body(args, "properties");
        _cleanup_strv_free_ char **assign = props ? body_assignments(props) : NULL;
        _cleanup_strv_free_ char **names = NULL;
        json_t *count_v = arg_body(args, "count");
        struct jail_create_request req = {
                .name = arg_string(args, "name"),
                .release = arg_string(args, "release"),
                .template_name = arg_string(args, "template"),
                .short_uuid = arg_bool(args, "short"),
                .count = count_v ? (unsigned)json_integer_value(count_v) : 0,
                .props = assign,
                .n_props = count(assign),
        };
        const char *type = arg_string(args, "type");
        json_t *a;
        int r;

        if (props && !assign)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (type && parse_kind(type, &req.kind) < 0) {
                worker_field(w, "type");
                return jailor_error_set(err, EINVAL,
                                        "Invalid jail type '%s': clone, basejail, thick or empty",
                                        type);
        }
        if (count_v && (json_integer_value(count_v) < 1 || json_integer_value(count_v) > 1000)) {
                worker_field(w, "count");
                return jailor_error_set(err, EINVAL, "Invalid count %" JSON_INTEGER_FORMAT
                                        ": expected 1 to 1000", json_integer_value(count_v));
        }
        if (props && check_properties(w, props, PROP_SCOPE_JAIL, err) < 0)
                return -err->errnum;
        if (req.release && !req.template_name && req.kind != JAIL_EMPTY &&
            needs_fetch(s, req.release))
                worker_long(w);
        r = jail_create(worker_ctx(w), s, &req, &names, err);
        if (r < 0) {
                if (req.name && strstr(err->msg, req.name))
                        worker_field(w, "name");
                return blame(w, props, r, err);
        }
        a = json_array();
        for (size_t i = 0; a && names[i]; i++)
                json_array_append_new(a, json_string(names[i]));
        *ret = json_pack("{s:o}", "names", a);
        return 0;
}

static int op_create(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, create(w, s, args, ret, err));
}

static int update(struct worker *w, struct storage *s, json_t *args, json_t **ret,
                  struct jailor_error *err)
{
        const char *name = arg_path(args, 0), *new_name = arg_string(args, "name");
        json_t *props = arg_body(args, "properties"), *changes = NULL;
        _cleanup_strv_free_ char **assign = NULL;
        int r;

        if (new_name) {
                worker_field(w, "name");
                r = jail_rename(worker_ctx(w), s, name, new_name, err);
                if (r == 0)
                        *ret = json_pack("{s:s}", "name", new_name);
                return r;
        }
        if (check_properties(w, props, PROP_SCOPE_JAIL, err) < 0)
                return -err->errnum;
        assign = body_assignments(props);
        if (!assign)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = jail_set(worker_ctx(w), s, name, assign, count(assign), &changes, err);
        if (r < 0)
                return blame(w, props, r, err);
        *ret = json_pack("{s:o}", "changes", changes);
        return 0;
}

static int op_update(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, update(w, s, args, ret, err));
}

static int destroy(struct worker *w, struct storage *s, json_t *args, struct jailor_error *err)
{
        const char *name = arg_path(args, 0);
        int r = 0;

        /* force: a running jail is stopped first, as `destroy -f` does */
        if (arg_bool(args, "force") && STREQ(runtime_status(worker_ctx(w), name, NULL), "up"))
                r = runtime_stop(worker_ctx(w), s, name, err);
        if (r == 0)
                r = jail_destroy(worker_ctx(w), s, name, arg_bool(args, "recursive"), err);
        return r;
}

static int op_destroy(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, destroy(w, s, args, err));
}

static int clone_jail(struct worker *w, struct storage *s, json_t *args, json_t **ret,
                      struct jailor_error *err)
{
        json_t *props = arg_body(args, "properties");
        _cleanup_strv_free_ char **assign = props ? body_assignments(props) : NULL;
        struct jail_clone_request req = {
                .source = arg_path(args, 0),
                .name = arg_string(args, "name"),
                .thick = arg_bool(args, "thick"),
                .props = assign,
                .n_props = count(assign),
        };
        int r;

        if (props && check_properties(w, props, PROP_SCOPE_JAIL, err) < 0)
                return -err->errnum;
        r = jail_clone(worker_ctx(w), s, &req, err);
        if (r < 0) {
                if (strstr(err->msg, req.name))
                        worker_field(w, "name");
                return blame(w, props, r, err);
        }
        *ret = json_pack("{s:s}", "name", req.name);
        return 0;
}

static int op_clone(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, clone_jail(w, s, args, ret, err));
}

void api_jails_list(struct request *r)
{
        api_call_simple(r, "jails.list", op_list, 200);
}

void api_jails_get(struct request *r)
{
        api_call_simple(r, "jail.get", op_get, 200);
}

void api_jails_create(struct request *r)
{
        api_run(r, &(struct api_call){.kind = "jail.create",
                                      .target = json_string_value(json_object_get(r->json, "name")),
                                      .fn = op_create, .args = api_args(r),
                                      .mode = API_WAIT_OR_JOB, .ok_status = 201});
}

void api_jails_update(struct request *r)
{
        json_t *props = json_object_get(r->json, "properties");

        if (!props == !json_object_get(r->json, "name")) {
                reply_error(r, 400, props ? "invalid" : "missing_field", props ? "name" : NULL,
                            props ? "Rename a jail and change its properties in two requests"
                                  : "The request body needs 'properties' or 'name'");
                return;
        }
        api_call_simple(r, "jail.update", op_update, 200);
}

void api_jails_destroy(struct request *r)
{
        api_call_simple(r, "jail.destroy", op_destroy, 204);
}

void api_jails_clone(struct request *r)
{
        api_call_simple(r, "jail.clone", op_clone, 201);
}
