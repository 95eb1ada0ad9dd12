/* SPDX-License-Identifier: MIT */
/* Matching a request to its route, then the checks every route shares (router.h). */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "static.h"
#include "util/cleanup.h"

/* Matches path against pattern; the {...} segments go to params (malloc'd). */
static bool match(const char *pattern, const char *path, char *params[HTTP_PARAMS_MAX])
{
        size_t n = 0;

        while (*pattern && *path) {
                if (*pattern == '{') {
                        size_t len = strcspn(path, "/");

                        if (len == 0 || n == HTTP_PARAMS_MAX)
                                goto no;
                        params[n] = strndup(path, len);
                        if (!params[n++])
                                goto no;
                        path += len;
                        pattern = strchr(pattern, '}') + 1;
                        continue;
                }
                if (*pattern++ != *path++)
                        goto no;
        }
        if (!*pattern && !*path)
                return true;
no:
        while (n > 0)
                free(params[--n]);
        memset(params, 0, sizeof(char *) * HTTP_PARAMS_MAX);
        return false;
}

static bool declared(const char *list, const char *name)
{
        size_t len = strlen(name);

        for (const char *p = list; p && *p; p += strcspn(p, ","), p += *p == ',')
                if (strncmp(p, name, len) == 0 && (p[len] == ',' || !p[len]))
                        return true;
        return false;
}

struct query_check {
        struct request *r;
        const char *unknown;
};

static enum MHD_Result check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
        struct query_check *q = cls;

        if (!declared(q->r->route->query, key)) {
                q->unknown = key;
                return MHD_NO;
        }
        return MHD_YES;
}

/* The route's boolean query arguments into r->query; others are refused. */
static int parse_query(struct request *r)
{
        struct query_check q = {.r = r};
        const char *p = r->route->query;

        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND,
                                  check_query_arg, &q);
        if (q.unknown) {
                reply_error(r, 400, "unknown_query", q.unknown, "Unknown query argument '%s'",
                            q.unknown);
                return -1;
        }
        r->query = json_object();
        while (p && *p) {
                _cleanup_free_ char *name = strndup(p, strcspn(p, ","));
                bool v;

                if (!name || request_query_bool(r, name, &v) < 0)
                        return -1;
                json_object_set_new(r->query, name, json_boolean(v));
                p += strlen(name);
                p += *p == ',';
        }
        return 0;
}

static void method_not_allowed(struct request *r, const char *path)
{
        char allow[64] = "";

        for (const struct route *rt = routes; rt->method; rt++) {
                char *params[HTTP_PARAMS_MAX] = {0};

                if (!match(rt->path, path, params))
                        continue;
                for (size_t i = 0; i < HTTP_PARAMS_MAX; i++)
                        free(params[i]);
                snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow), "%s%s",
                         *allow ? ", " : "", rt->method);
        }
        reply_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on %s (allowed: %s)",
                    r->method, path, allow);
        reply_header(r, "Allow", allow);
}

void router_dispatch(struct request *r)
{
        bool path_known = false;

        if (auth_check_host(r) < 0)
                return;
        if (static_handles(r)) /* the web UI: every path outside /api/ */
                return;

        for (const struct route *rt = routes; rt->method; rt++) {
                char *params[HTTP_PARAMS_MAX] = {0};

                if (!match(rt->path, r->path, params))
                        continue;
                path_known = true;
                if (strcmp(rt->method, r->method) != 0) {
                        for (size_t i = 0; i < HTTP_PARAMS_MAX; i++)
                                free(params[i]);
                        continue;
                }
                memcpy(r->params, params, sizeof(params));
                r->route = rt;
                break;
        }
        if (!r->route) {
                if (path_known)
                        method_not_allowed(r, r->path);
                else
                        reply_error(r, 404, "not_found", NULL, "No API endpoint '%s'", r->path);
                return;
        }
        if (auth_check_origin(r) < 0)
                return;
        if (!(r->route->flags & ROUTE_PUBLIC) && (auth_identify(r) < 0 || auth_check_csrf(r) < 0))
                return;
        if (parse_query(r) < 0 || body_parse(r, r->route->body) < 0)
                return;
        r->route->handler(r);
}
