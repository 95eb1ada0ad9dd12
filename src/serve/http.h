/* SPDX-License-Identifier: MIT */
/*
 * One HTTP request of the API and its answer, over libmicrohttpd.
 *
 * Bounds: a body of at most 1 MiB (413), at most 64 header lines (431),
 * headers within the connection's 64 KiB of memory (libmicrohttpd answers
 * 431 itself), JSON nested at most 32 deep (400).
 */
#pragma once

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>

#include "context.h"
#include "jobs.h"

#define HTTP_BODY_MAX (1u << 20)
#define HTTP_HEADERS_MAX 64
#define HTTP_CONNECTION_MEMORY (64u << 10)
#define HTTP_PARAMS_MAX 4

struct route;
struct sse_stream;
struct session;

struct request {
        struct MHD_Connection *conn;
        const struct jailor_ctx *ctx;
        const char *method;
        char *path;
        bool tls;
        const struct route *route;
        char *params[HTTP_PARAMS_MAX]; /* the {...} parts of the route's path */
        /* the body */
        char *body;
        size_t body_len;
        bool body_too_large;
        json_t *json;                  /* the parsed body; NULL when there is none */
        json_t *query;                 /* the route's boolean query arguments */
        /* who asks (auth.c) */
        char *user;
        bool via_token;
        struct session *session;       /* when a session cookie authenticated it */
        /* the answer: set once, queued when libmicrohttpd asks again */
        struct MHD_Response *response;
        unsigned status;
        bool dispatched, suspended;
        /* a job the request waits for (api_run.c), and how to answer when it ends */
        struct job *job;
        int mode; /* enum api_mode */
        void (*answer)(struct request *r, struct job *j);
        unsigned ok_status;
        struct sse_stream *sse;
};

/* The server's handler for libmicrohttpd (MHD_AccessHandlerCallback and completion). */
enum MHD_Result http_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                const char *method, const char *version, const char *upload_data,
                                size_t *upload_data_size, void **con_cls);
void http_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                       enum MHD_RequestTerminationCode toe);

/* Answers with body (taken; NULL: no content). */
void reply_json(struct request *r, unsigned status, json_t *body);
void reply_error(struct request *r, unsigned status, const char *code, const char *field,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A library error as errors.h maps it. */
void reply_errno(struct request *r, int errnum, const char *field, const char *message);
/* Adds a header to the answer already set. */
void reply_header(struct request *r, const char *name, const char *value);
/* Answers with a response made elsewhere (event streams). */
void reply_response(struct request *r, unsigned status, struct MHD_Response *resp);

/* A request header, or NULL. */
const char *request_header(const struct request *r, const char *name);
/* A query argument, or NULL. */
const char *request_query(const struct request *r, const char *name);
/* A boolean query argument (1/0, true/false, yes/no); answers 400 and returns -1 when malformed. */
int request_query_bool(struct request *r, const char *name, bool *ret);
/* True for POST, PUT, PATCH and DELETE. */
bool request_changes_state(const struct request *r);
