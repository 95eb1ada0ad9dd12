/* SPDX-License-Identifier: MIT */
/*
 * GET /api/v1/openapi.json: an OpenAPI 3.0 document made from the route
 * table (paths, bodies, answers) and the property table (the schema of
 * property values), so it cannot drift from what the server does.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "props/props.h"
#include "router.h"
#include "version.h"

static json_t *ref(const char *name)
{
        char path[96];

        snprintf(path, sizeof(path), "#/components/schemas/%s", name);
        return json_pack("{s:s}", "$ref", path);
}

static json_t *json_content(json_t *schema)
{
        return json_pack("{s:{s:o}}", "application/json", "schema", schema);
}

/* One property's value schema, from its row of the table. */
static json_t *property_value_schema(const struct prop_def *p)
{
        json_t *s;

        if (p->type == PROP_BOOL) {
                s = json_pack("{s:s}", "type", "boolean");
        } else if (p->type == PROP_INT) {
                s = json_pack("{s:s, s:I, s:I}", "type", "integer", "minimum", (json_int_t)p->min,
                              "maximum", (json_int_t)p->max);
        } else {
                s = json_pack("{s:s}", "type", "string");
                if (s && p->choices) {
                        json_t *e = json_array();

                        for (size_t i = 0; p->choices[i]; i++)
                                json_array_append_new(e, json_string(p->choices[i]));
                        json_object_set_new(s, "enum", e);
                }
        }
        if (!s)
                return NULL;
        json_object_set_new(s, "description", json_string(p->doc));
        if (p->default_value)
                json_object_set_new(s, "x-jailor-default", json_string(p->default_value));
        json_object_set_new(s, "x-jailor-group", json_string(props_group_name(p->group)));
        json_object_set_new(s, "x-jailor-live", json_boolean(p->flags & PROP_LIVE));
        return s;
}

static json_t *property_values_schema(void)
{
        json_t *props = json_object();

        for (size_t i = 0; i < props_count; i++)
                if (!(props_table[i].flags & PROP_READONLY))
                        json_object_set_new(props, props_table[i].name,
                                            property_value_schema(&props_table[i]));
        return json_pack("{s:s, s:s, s:o, s:b}", "type", "object", "description",
                         "Property values: a string, or a boolean or integer where the property "
                         "is one (booleans become 1/0)",
                         "properties", props, "additionalProperties", 0);
}

static json_t *components(void)
{
        json_t *error = json_pack(
                "{s:s, s:{s:{s:s, s:{s:{s:s}, s:{s:s, s:b}, s:{s:s}}}}}", "type", "object",
                "properties", "error", "type", "object", "properties", "code", "type", "string",
                "field", "type", "string", "nullable", 1, "message", "type", "string");
        json_t *job = json_pack(
                "{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:[s,s,s]}, s:{s:s}, s:{s:s}, "
                "s:{}, s:{s:s}}}",
                "type", "object", "properties", "id", "type", "string", "kind", "type", "string",
                "target", "type", "string", "state", "type", "string", "enum", "running",
                "succeeded", "failed", "progress", "type", "object", "warnings", "type", "array",
                "result", "error", "type", "object");

        return json_pack("{s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}, s:{s:o, s:o, s:o, s:o}}",
                         "securitySchemes", "bearer", "type", "http", "scheme", "bearer",
                         "session", "type", "apiKey", "in", "cookie", "name", "jailor_session",
                         "schemas", "Error", error, "Job", job, "PropertyValues",
                         property_values_schema(), "Property",
                         json_pack("{s:s, s:s}", "type", "object", "description",
                                   "A row of the property table: name, type, default, group, "
                                   "doc, live, readonly, default_only, jail_only, choices, "
                                   "min, max"));
}

/* The path and query parameters of a route. */
static json_t *parameters(const struct route *rt)
{
        json_t *a = json_array();
        const char *p = rt->path;

        while ((p = strchr(p, '{'))) {
                size_t len = strcspn(p + 1, "}");

                json_array_append_new(a, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1, len,
                                                   "in", "path", "required", 1, "schema", "type",
                                                   "string"));
                p += len + 1;
        }
        for (p = rt->query; p && *p;) {
                size_t len = strcspn(p, ",");

                json_array_append_new(a, json_pack("{s:s%, s:s, s:{s:s}}", "name", p, len, "in",
                                                   "query", "schema", "type", "boolean"));
                p += len;
                p += *p == ',';
        }
        return a;
}

static json_t *operation(const struct route *rt)
{
        char status[8], id[128];
        size_t n = 0;
        json_t *op, *responses;
        const char *success = rt->status == 202   ? "Accepted: the job"
                              : rt->status == 204 ? "Done"
                                                  : "Done: the result";

        /* operationId: the method and the path's words, "get_api_v1_jails_name" */
        n = (size_t)snprintf(id, sizeof(id), "%s", rt->method);
        for (const char *p = rt->path; *p && n + 1 < sizeof(id); p++) {
                if (isalnum((unsigned char)*p))
                        id[n++] = *p;
                else if (id[n - 1] != '_')
                        id[n++] = '_';
        }
        while (n > 0 && id[n - 1] == '_')
                n--;
        id[n] = '\0';
        for (char *c = id; *c; c++)
                *c = (char)tolower((unsigned char)*c);

        snprintf(status, sizeof(status), "%u", rt->status);
        responses = json_pack("{s:{s:s}, s:{s:s, s:o}}", status, "description", success,
                              "default", "description", "An error", "content",
                              json_content(ref("Error")));
        if (rt->status == 202)
                json_object_set_new(json_object_get(responses, status), "content",
                                    json_content(ref("Job")));
        else if (rt->flags & ROUTE_STREAM)
                json_object_set_new(json_object_get(responses, status), "content",
                                    json_pack("{s:{s:{s:s}}}", "text/event-stream", "schema",
                                              "type", "string"));
        else if (rt->status != 204)
                json_object_set_new(json_object_get(responses, status), "content",
                                    json_content(json_object()));
        op = json_pack("{s:[s], s:s, s:s, s:o, s:o}", "tags", rt->tag, "summary", rt->summary,
                       "operationId", id, "parameters", parameters(rt), "responses", responses);
        if (op && rt->body && rt->body[0].name)
                json_object_set_new(op, "requestBody",
                                    json_pack("{s:b, s:o}", "required", 1, "content",
                                              json_content(body_schema(rt->body))));
        if (op && (rt->flags & ROUTE_PUBLIC))
                json_object_set_new(op, "security", json_array());
        return op;
}

static json_t *document(void)
{
        json_t *paths = json_object();

        for (const struct route *rt = routes; rt->method; rt++) {
                json_t *item = json_object_get(paths, rt->path);
                char method[8];

                if (!item) {
                        item = json_object();
                        json_object_set_new(paths, rt->path, item);
                }
                for (size_t i = 0; i < sizeof(method) - 1 && rt->method[i]; i++)
                        method[i] = (char)tolower((unsigned char)rt->method[i]), method[i + 1] = 0;
                json_object_set_new(item, method, operation(rt));
        }
        return json_pack("{s:s, s:{s:s, s:s, s:s}, s:[{s:[]}, {s:[]}], s:o, s:o}", "openapi",
                         "3.0.3", "info", "title", "jailor API", "version", JAILOR_VERSION,
                         "description",
                         "TrueNAS/iocage-style jails on Linux. Errors are {\"error\": {code, "
                         "field, message}}. Long operations answer 202 with a job.",
                         "security", "bearer", "session", "paths", paths, "components",
                         components());
}

void api_openapi(struct request *r)
{
        reply_json(r, 200, document());
}
