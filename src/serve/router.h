/* SPDX-License-Identifier: MIT */
/*
 * The API's routes: method, path pattern ("/api/v1/jails/{name}"), handler,
 * the body it takes (body.h) and what it answers.  The same table makes
 * the OpenAPI document (openapi.c).
 */
#pragma once

#include "body.h"
#include "http.h"

typedef void (*route_handler)(struct request *r);

enum route_flags {
        ROUTE_PUBLIC = 1 << 0, /* no authentication (login, the OpenAPI document) */
        ROUTE_STREAM = 1 << 1, /* answers text/event-stream */
};

struct route {
        const char *method;
        const char *path;
        route_handler handler;
        unsigned flags;
        const struct body_field *body; /* NULL: takes no body */
        unsigned status;               /* the success status: 200, 201, 202, 204 */
        const char *tag;               /* OpenAPI tag: Pools, Jails... */
        const char *summary;
        const char *query;             /* query arguments, "force,recursive" (booleans) */
};

extern const struct route routes[];

/* Finds the route, checks who asks and the body, then runs the handler. */
void router_dispatch(struct request *r);
