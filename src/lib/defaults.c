/* SPDX-License-Identifier: MIT */
#include "defaults.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "props/props.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char *defaults_path(struct storage *s)
{
        return path_join(s->root, "defaults.json");
}

/* Properties that belong in defaults.json: those with a fixed default a user may change. */
static bool prop_in_defaults(const struct prop_def *p)
{
        if (STREQ(p->name, "CONFIG_VERSION"))
                return true;
        return p->default_value && !(p->flags & (PROP_READONLY | PROP_JAIL_ONLY | PROP_PER_JAIL));
}

/* The built-in defaults as name -> canonical string. */
static json_t *builtin_defaults(void)
{
        json_t *o = json_object();

        if (!o)
                return NULL;
        for (size_t i = 0; i < props_count; i++) {
                const struct prop_def *p = &props_table[i];

                if (prop_in_defaults(p) &&
                    json_object_set_new(o, p->name, json_string(p->default_value)) < 0) {
                        json_decref(o);
                        return NULL;
                }
        }
        return o;
}

static int defaults_write(struct storage *s, json_t *values, struct jailor_error *err)
{
        _cleanup_free_ char *path = defaults_path(s), *text = NULL;
        json_t *disk = json_object(), *v;
        const char *name;

        if (!path || !disk) {
                json_decref(disk);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        json_object_foreach(values, name, v) {
                const struct prop_def *p = props_find(name);

                if (p)
                        json_object_set_new(disk, name, props_to_json(p, json_string_value(v)));
        }
        text = json_dumps(disk, JSON_INDENT(4) | JSON_SORT_KEYS);
        json_decref(disk);
        if (!text)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        {
                size_t len = strlen(text);
                _cleanup_free_ char *withnl = strjoin(text, "\n", NULL);

                if (!withnl)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                return write_file_atomic(path, withnl, len + 1, 0644, err);
        }
}

int defaults_ensure(const struct jailor_ctx *ctx, struct storage *s, struct jailor_error *err)
{
        _cleanup_free_ char *path = defaults_path(s);
        json_t *values;
        int r;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (path_exists(path))
                return 0;
        values = builtin_defaults();
        if (!values)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = defaults_write(s, values, err);
        json_decref(values);
        if (r == 0)
                jailor_warn(ctx, "Default configuration missing, created '%s'", path);
        return r;
}

/*
 * Reads defaults.json over the built-in values.  *ret_corrupt tells whether
 * the file could not be used (then the built-in values are returned).
 */
static int defaults_read(const struct jailor_ctx *ctx, struct storage *s, json_t **ret,
                         bool *ret_corrupt, struct jailor_error *err)
{
        _cleanup_free_ char *path = defaults_path(s);
        json_t *values = builtin_defaults(), *disk, *v;
        json_error_t jerr;
        const char *name;
        int r;

        if (!path || !values) {
                json_decref(values);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        *ret_corrupt = false;
        if (!path_exists(path)) {
                r = defaults_ensure(ctx, s, err);
                if (r < 0) {
                        json_decref(values);
                        return r;
                }
        }
        disk = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (!disk || !json_is_object(disk)) {
                jailor_warn(ctx,
                            "'%s' is corrupt (%s, line %d column %d); using built-in defaults, "
                            "the file is left untouched",
                            path, disk ? "not a JSON object" : jerr.text, disk ? 1 : jerr.line,
                            disk ? 1 : jerr.column);
                json_decref(disk);
                *ret_corrupt = true;
                *ret = values;
                return 0;
        }
        json_object_foreach(disk, name, v) {
                struct jailor_error perr = {0};
                const struct prop_def *p = props_find(name);
                _cleanup_free_ char *canonical = NULL, *checked = NULL;

                if (!p || !prop_in_defaults(p)) {
                        jailor_warn(ctx, "'%s': ignoring unknown default '%s'", path, name);
                        continue;
                }
                if (STREQ(name, "CONFIG_VERSION"))
                        continue; /* the version this file was written with; not a setting */
                if (props_from_json(p, v, &canonical, &perr) < 0 ||
                    props_check(name, canonical, PROP_SCOPE_DEFAULT, &checked, &perr) < 0) {
                        jailor_warn(ctx, "'%s': ignoring default: %s", path, perr.msg);
                        continue;
                }
                json_object_set_new(values, name, json_string(checked ? checked : canonical));
        }
        json_decref(disk);
        *ret = values;
        return 0;
}

int defaults_load(const struct jailor_ctx *ctx, struct storage *s, json_t **ret,
                  struct jailor_error *err)
{
        bool corrupt;

        return defaults_read(ctx, s, ret, &corrupt, err);
}

/* Splits "NAME=VALUE" and validates it for defaults.json. */
static int check_assignment(const char *assignment, char **ret_name, char **ret_value,
                            struct jailor_error *err)
{
        const char *eq = strchr(assignment, '=');
        _cleanup_free_ char *name = NULL;
        int r;

        if (!eq)
                return jailor_error_set(err, EINVAL, "'%s' is missing a value: expected PROP=VALUE",
                                        assignment);
        name = strndup(assignment, (size_t)(eq - assignment));
        if (!name)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (STREQ(name, "CONFIG_VERSION"))
                return jailor_error_set(err, EPERM, "'CONFIG_VERSION' is maintained by jailor");
        r = props_check(name, eq + 1, PROP_SCOPE_DEFAULT, ret_value, err);
        if (r < 0)
                return r;
        *ret_name = TAKE_PTR(name);
        return 0;
}

int defaults_set(const struct jailor_ctx *ctx, struct storage *s, char *const *assignments,
                 size_t n, json_t **ret_changes, struct jailor_error *err)
{
        _cleanup_free_ char *path = defaults_path(s);
        json_t *values = NULL, *changes = NULL;
        bool corrupt;
        int r;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = defaults_read(ctx, s, &values, &corrupt, err);
        if (r < 0)
                return r;
        if (corrupt) {
                json_decref(values);
                return jailor_error_set(err, EINVAL,
                                        "'%s' is corrupt: fix or delete it before changing defaults",
                                        path);
        }
        changes = json_array();
        if (!changes) {
                json_decref(values);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        /* all values are checked before anything is written: all or nothing */
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *name = NULL, *canonical = NULL;
                const char *old;

                r = check_assignment(assignments[i], &name, &canonical, err);
                if (r < 0)
                        goto out;
                old = json_string_value(json_object_get(values, name));
                json_array_append_new(changes, json_pack("{s:s, s:s, s:s}", "name", name, "old",
                                                         old ? old : "", "new", canonical));
                json_object_set_new(values, name, json_string(canonical));
        }
        r = defaults_write(s, values, err);
out:
        json_decref(values);
        if (r < 0) {
                json_decref(changes);
                return r;
        }
        *ret_changes = changes;
        return 0;
}
