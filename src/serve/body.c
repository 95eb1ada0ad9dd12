/* SPDX-License-Identifier: MIT */
/* Request bodies: depth, syntax, declared fields (body.h). */
#include "body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "util/cleanup.h"

/* The deepest nesting of [ and { outside strings; before jansson parses anything. */
static size_t depth_of(const char *s, size_t len)
{
        size_t depth = 0, max = 0;
        bool in_string = false;

        for (size_t i = 0; i < len; i++) {
                char c = s[i];

                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                } else if (c == '"') {
                        in_string = true;
                } else if (c == '[' || c == '{') {
                        if (++depth > max)
                                max = depth;
                } else if ((c == ']' || c == '}') && depth) {
                        depth--;
                }
        }
        return max;
}

static const char *type_name(enum body_type t)
{
        switch (t) {
        case BODY_STRING: return "a string";
        case BODY_BOOL: return "a boolean";
        case BODY_INT: return "an integer";
        case BODY_PROPERTIES: return "an object of property values";
        case BODY_ARGV: return "a string or an array of strings";
        }
        return "?";
}

static bool scalar_property(json_t *v)
{
        return json_is_string(v) || json_is_integer(v) || json_is_boolean(v);
}

static bool has_type(json_t *v, enum body_type t)
{
        size_t i;
        json_t *x;
        const char *k;

        switch (t) {
        case BODY_STRING: return json_is_string(v);
        case BODY_BOOL: return json_is_boolean(v);
        case BODY_INT: return json_is_integer(v);
        case BODY_PROPERTIES:
                if (!json_is_object(v))
                        return false;
                json_object_foreach(v, k, x)
                        if (!scalar_property(x))
                                return false;
                return true;
        case BODY_ARGV:
                if (json_is_string(v))
                        return true;
                if (!json_is_array(v) || json_array_size(v) == 0)
                        return false;
                json_array_foreach(v, i, x)
                        if (!json_is_string(x))
                                return false;
                return true;
        }
        return false;
}

static const struct body_field *field_named(const struct body_field *fields, const char *name)
{
        for (; fields && fields->name; fields++)
                if (strcmp(fields->name, name) == 0)
                        return fields;
        return NULL;
}

/* The first property of a BODY_PROPERTIES object whose value is not a scalar. */
static const char *bad_property(json_t *v)
{
        const char *k;
        json_t *x;

        if (!json_is_object(v))
                return NULL;
        json_object_foreach(v, k, x)
                if (!scalar_property(x))
                        return k;
        return NULL;
}

static int check_fields(struct request *r, const struct body_field *fields)
{
        const char *key;
        json_t *v;

        json_object_foreach(r->json, key, v) {
                const struct body_field *f = field_named(fields, key);
                const char *prop;

                if (!f) {
                        reply_error(r, 400, "unknown_field", key,
                                    "Unknown field '%s' in the request body", key);
                        return -1;
                }
                if (has_type(v, f->type))
                        continue;
                prop = f->type == BODY_PROPERTIES ? bad_property(v) : NULL;
                if (prop)
                        reply_error(r, 400, "invalid_type", prop,
                                    "Property '%s' must be a string, an integer or a boolean",
                                    prop);
                else
                        reply_error(r, 400, "invalid_type", key, "Field '%s' must be %s", key,
                                    type_name(f->type));
                return -1;
        }
        for (const struct body_field *f = fields; f && f->name; f++) {
                if (f->required && !json_object_get(r->json, f->name)) {
                        reply_error(r, 400, "missing_field", f->name,
                                    "The request body needs field '%s'", f->name);
                        return -1;
                }
        }
        return 0;
}

int body_parse(struct request *r, const struct body_field *fields)
{
        const char *type = request_header(r, "Content-Type");
        json_error_t jerr;

        if (r->body_len == 0) {
                r->json = json_object();
                return check_fields(r, fields);
        }
        if (!fields) {
                reply_error(r, 400, "unexpected_body", NULL, "%s %s takes no request body",
                            r->method, r->path);
                return -1;
        }
        if (!type || strncasecmp(type, "application/json", 16) != 0) {
                reply_error(r, 415, "unsupported_media_type", NULL,
                            "The request body must be application/json, not '%s'",
                            type ? type : "(none)");
                return -1;
        }
        if (depth_of(r->body, r->body_len) > BODY_DEPTH_MAX) {
                reply_error(r, 400, "too_deep", NULL,
                            "The request body nests deeper than %d levels", BODY_DEPTH_MAX);
                return -1;
        }
        r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
        if (!r->json) {
                reply_error(r, 400, "bad_json", NULL, "The request body is not JSON: %s (line %d)",
                            jerr.text, jerr.line);
                return -1;
        }
        if (!json_is_object(r->json)) {
                reply_error(r, 400, "bad_json", NULL, "The request body must be a JSON object");
                return -1;
        }
        return check_fields(r, fields);
}

char **body_assignments(json_t *props)
{
        size_t n = json_object_size(props), i = 0;
        char **v = calloc(n + 1, sizeof(char *));
        const char *key;
        json_t *val;

        if (!v)
                return NULL;
        json_object_foreach(props, key, val) {
                int r;

                if (json_is_string(val))
                        r = asprintf(&v[i], "%s=%s", key, json_string_value(val));
                else if (json_is_integer(val))
                        r = asprintf(&v[i], "%s=%" JSON_INTEGER_FORMAT, key,
                                     json_integer_value(val));
                else
                        r = asprintf(&v[i], "%s=%s", key, json_is_true(val) ? "1" : "0");
                if (r < 0) {
                        v[i] = NULL;
                        strv_freep(&v);
                        return NULL;
                }
                i++;
        }
        return v;
}

json_t *body_schema(const struct body_field *fields)
{
        json_t *props = json_object(), *required = json_array(), *s;

        for (const struct body_field *f = fields; f && f->name; f++) {
                switch (f->type) {
                case BODY_STRING: s = json_pack("{s:s}", "type", "string"); break;
                case BODY_BOOL: s = json_pack("{s:s}", "type", "boolean"); break;
                case BODY_INT: s = json_pack("{s:s}", "type", "integer"); break;
                case BODY_PROPERTIES:
                        s = json_pack("{s:s, s:s}", "$ref", "#/components/schemas/PropertyValues");
                        break;
                default:
                        s = json_pack("{s:[{s:s}, {s:s, s:{s:s}, s:i}]}", "oneOf", "type",
                                      "string", "type", "array", "items", "type", "string",
                                      "minItems", 1);
                        break;
                }
                if (s && f->doc)
                        json_object_set_new(s, "description", json_string(f->doc));
                json_object_set_new(props, f->name, s);
                if (f->required)
                        json_array_append_new(required, json_string(f->name));
        }
        s = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
                      "additionalProperties", 0);
        /* OpenAPI 3.0 wants no empty "required" */
        if (s && json_array_size(required))
                json_object_set(s, "required", required);
        json_decref(required);
        return s;
}
