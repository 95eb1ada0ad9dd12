/* SPDX-License-Identifier: MIT */
/* Looking properties up, the `set` checks, and the JSON form of values. */
#include "props.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse-internal.h"
#include "../util/cleanup.h"

const struct prop_def *props_find(const char *name)
{
        for (size_t i = 0; i < props_count; i++)
                if (STREQ(props_table[i].name, name))
                        return &props_table[i];
        return NULL;
}

/* Edit distance of a and b, capped: enough to suggest a name for a typo. */
static size_t distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b), row[65];

        if (la > 64 || lb > 64)
                return SIZE_MAX;
        for (size_t j = 0; j <= lb; j++)
                row[j] = j;
        for (size_t i = 1; i <= la; i++) {
                size_t diag = row[0];

                row[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

                        if (up + 1 < best)
                                best = up + 1;
                        if (row[j - 1] + 1 < best)
                                best = row[j - 1] + 1;
                        diag = up;
                        row[j] = best;
                }
        }
        return row[lb];
}

static const char *closest_name(const char *name)
{
        const char *best = NULL;
        size_t best_d = 3; /* suggest only for up to 2 edits */

        for (size_t i = 0; i < props_count; i++) {
                size_t d = distance(name, props_table[i].name);

                if (d < best_d) {
                        best_d = d;
                        best = props_table[i].name;
                }
        }
        return best;
}

static int unknown(const char *name, struct jailor_error *err)
{
        char quoted[PARSE_QUOTE_MAX];
        const char *hint = closest_name(name);

        parse_quote(name, strlen(name), quoted);
        if (hint)
                return jailor_error_set(err, EINVAL, "Unknown property '%s': did you mean '%s'?",
                                        quoted, hint);
        return jailor_error_set(
            err, EINVAL, "Unknown property '%s': `jailor get all default` lists them", quoted);
}

int props_check(const char *name, const char *value, enum prop_scope scope, char **ret_canonical,
                struct jailor_error *err)
{
        const char *refused = props_freebsd_only(name);
        const struct prop_def *p;

        if (refused)
                return jailor_error_set(err, EINVAL, "%s", refused);
        p = props_find(name);
        if (!p)
                return unknown(name, err);
        if (p->flags & PROP_READONLY)
                return jailor_error_set(err, EPERM,
                                        "'%s' is maintained by jailor and cannot be set", name);
        if (scope == PROP_SCOPE_JAIL && (p->flags & PROP_DEFAULT_ONLY))
                return jailor_error_set(err, EINVAL,
                                        "'%s' applies to all jails: set it on 'default'", name);
        if (scope == PROP_SCOPE_DEFAULT && (p->flags & PROP_JAIL_ONLY))
                return jailor_error_set(
                    err, EINVAL, "'%s' belongs to one jail and cannot be set on 'default'", name);
        return p->validate(p, value, ret_canonical, err);
}

json_t *props_to_json(const struct prop_def *p, const char *canonical)
{
        if (!canonical)
                return json_null();
        if (p && (p->type == PROP_BOOL || p->type == PROP_INT)) {
                char *end;
                long long v;

                errno = 0;
                v = strtoll(canonical, &end, 10);
                if (errno == 0 && end != canonical && *end == '\0')
                        return json_integer(v);
        }
        return json_string(canonical);
}

int props_from_json(const struct prop_def *p, json_t *v, char **ret_canonical,
                    struct jailor_error *err)
{
        char buf[32];
        const char *text;

        if (json_is_string(v)) {
                text = json_string_value(v);
        } else if (json_is_integer(v)) {
                snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
                text = buf;
        } else if (json_is_boolean(v) && p->type == PROP_BOOL) {
                text = json_is_true(v) ? "1" : "0";
        } else {
                return jailor_error_set(err, EINVAL,
                                        "Invalid value for '%s': expected a JSON string or "
                                        "integer, not %s",
                                        p->name,
                                        json_is_null(v)     ? "null"
                                        : json_is_real(v)   ? "a real number"
                                        : json_is_array(v)  ? "an array"
                                        : json_is_object(v) ? "an object"
                                                            : "a boolean");
        }
        return p->validate(p, text, ret_canonical, err);
}

const char *props_type_name(enum prop_type t)
{
        static const char *const names[] = {
            [PROP_BOOL] = "bool",           [PROP_INT] = "integer", [PROP_STRING] = "string",
            [PROP_ENUM] = "choice",         [PROP_SIZE] = "size",   [PROP_RCTL] = "limit",
            [PROP_ADDR_LIST] = "addresses", [PROP_LIST] = "list",
        };

        return (size_t)t < ELEMENTSOF(names) && names[t] ? names[t] : "?";
}

const char *props_group_name(enum prop_group g)
{
        static const char *const names[] = {
            [PROP_GROUP_BASIC] = "Basic",     [PROP_GROUP_JAIL] = "Jail",
            [PROP_GROUP_NETWORK] = "Network", [PROP_GROUP_CUSTOM] = "Custom",
            [PROP_GROUP_STATE] = "State",
        };

        return (size_t)g < ELEMENTSOF(names) && names[g] ? names[g] : "?";
}
