/* SPDX-License-Identifier: MIT */
/*
 * Request bodies: JSON objects whose fields are declared per route.  An
 * unknown field is refused (400 unknown_field, naming it), as is a field
 * of the wrong type (400 invalid_type) or a missing required one (400
 * missing_field).  Nesting deeper than BODY_DEPTH_MAX is refused before
 * parsing.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define BODY_DEPTH_MAX 32

enum body_type {
        BODY_STRING,
        BODY_BOOL,
        BODY_INT,
        BODY_PROPERTIES, /* an object of property name -> string, integer or boolean */
        BODY_ARGV,       /* a non-empty array of strings, or one string */
};

struct body_field {
        const char *name; /* NULL ends the list */
        enum body_type type;
        bool required;
        const char *doc;
};

struct request;

/* Parses and checks r's body against fields; answers and returns -1 when it is refused. */
int body_parse(struct request *r, const struct body_field *fields);

/* "NAME=VALUE" assignments from a BODY_PROPERTIES object (NULL-terminated; strv). */
char **body_assignments(json_t *props);

/* The JSON schema of a body, for OpenAPI. */
json_t *body_schema(const struct body_field *fields);
