/* SPDX-License-Identifier: MIT */
/* Requests and answers over libmicrohttpd (http.h). */
#include "http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "errors.h"
#include "router.h"
#include "sse.h"
#include "util/cleanup.h"

/* What every answer carries: nothing cached, nothing sniffed, nothing framed. */
static void add_common_headers(struct MHD_Response *resp)
{
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
}

void reply_response(struct request *r, unsigned status, struct MHD_Response *resp)
{
        if (r->response) {
                MHD_destroy_response(resp);
                return;
        }
        add_common_headers(resp);
        r->response = resp;
        r->status = status;
        if (r->suspended) {
                r->suspended = false;
                MHD_resume_connection(r->conn);
        }
}

void reply_json(struct request *r, unsigned status, json_t *body)
{
        char *text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
        struct MHD_Response *resp;

        json_decref(body);
        if (body && !text) {
                status = 500;
                text = strdup("{\"error\":{\"code\":\"failed\",\"field\":null,"
                              "\"message\":\"Out of memory\"}}");
        }
        resp = MHD_create_response_from_buffer(text ? strlen(text) : 0, text ? text : "",
                                               text ? MHD_RESPMEM_MUST_FREE
                                                    : MHD_RESPMEM_PERSISTENT);
        if (!resp) {
                free(text);
                return;
        }
        if (text)
                MHD_add_response_header(resp, "Content-Type", "application/json");
        reply_response(r, status, resp);
}

void reply_error(struct request *r, unsigned status, const char *code, const char *field,
                 const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        reply_json(r, status, api_error_json(code, field, msg));
}

void reply_errno(struct request *r, int errnum, const char *field, const char *message)
{
        struct api_error_kind k = api_error_from_errno(errnum);

        reply_json(r, k.status, api_error_json(k.code, field, message));
}

void reply_header(struct request *r, const char *name, const char *value)
{
        if (r->response)
                MHD_add_response_header(r->response, name, value);
}

const char *request_header(const struct request *r, const char *name)
{
        return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *request_query(const struct request *r, const char *name)
{
        return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int request_query_bool(struct request *r, const char *name, bool *ret)
{
        const char *v = request_query(r, name);

        *ret = false;
        if (!v)
                return 0;
        if (STREQ(v, "1") || STREQ(v, "true") || STREQ(v, "yes") || !*v) {
                *ret = true;
                return 0;
        }
        if (STREQ(v, "0") || STREQ(v, "false") || STREQ(v, "no"))
                return 0;
        reply_error(r, 400, "invalid_query", name,
                    "Query argument '%s' must be a boolean (1/0, true/false, yes/no)", name);
        return -1;
}

bool request_changes_state(const struct request *r)
{
        return !STREQ(r->method, "GET") && !STREQ(r->method, "HEAD") &&
               !STREQ(r->method, "OPTIONS");
}

static enum MHD_Result count_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
        (*(size_t *)cls)++;
        return MHD_YES;
}

/* Refusals that need no body: too many headers, a declared body too large. */
static void check_bounds(struct request *r)
{
        const char *length = request_header(r, "Content-Length");
        size_t headers = 0;

        MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_value, &headers);
        if (headers > HTTP_HEADERS_MAX) {
                reply_error(r, 431, "too_many_headers", NULL,
                            "The request has %zu header lines; at most %d are taken", headers,
                            HTTP_HEADERS_MAX);
                return;
        }
        if (length && strtoull(length, NULL, 10) > HTTP_BODY_MAX)
                reply_error(r, 413, "too_large", NULL,
                            "The request body of %s bytes is larger than %u bytes", length,
                            HTTP_BODY_MAX);
}

static enum MHD_Result queue(struct request *r)
{
        enum MHD_Result ret = MHD_queue_response(r->conn, r->status, r->response);

        MHD_destroy_response(r->response);
        r->response = NULL;
        r->status = 0;
        return ret;
}

enum MHD_Result http_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                const char *method, const char *version, const char *upload_data,
                                size_t *upload_data_size, void **con_cls)
{
        struct request *r = *con_cls;

        if (!r) {
                const union MHD_ConnectionInfo *tls =
                        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_PROTOCOL);

                r = calloc(1, sizeof(*r));
                if (!r || !(r->path = strdup(url))) {
                        free(r);
                        return MHD_NO;
                }
                r->conn = conn;
                r->ctx = cls;
                r->method = method;
                r->tls = tls != NULL;
                *con_cls = r;
                /* a refusal here is queued once the body is read (and dropped), so a
                   client still sending it gets the answer rather than a reset */
                check_bounds(r);
                return MHD_YES;
        }
        if (*upload_data_size) {
                size_t n = *upload_data_size;

                *upload_data_size = 0;
                if (r->response || r->body_too_large)
                        return MHD_YES; /* already refused: the rest is read and dropped */
                if (r->body_len + n > HTTP_BODY_MAX) {
                        r->body_too_large = true;
                        free(r->body);
                        r->body = NULL;
                        return MHD_YES;
                }
                char *p = realloc(r->body, r->body_len + n + 1);
                if (!p)
                        return MHD_NO;
                memcpy(p + r->body_len, upload_data, n);
                r->body_len += n;
                p[r->body_len] = '\0';
                r->body = p;
                return MHD_YES;
        }
        if (!r->response && !r->dispatched) {
                r->dispatched = true;
                if (r->body_too_large)
                        reply_error(r, 413, "too_large", NULL,
                                    "The request body is larger than %u bytes", HTTP_BODY_MAX);
                else
                        router_dispatch(r);
        }
        if (r->response)
                return queue(r);
        /* waiting for a job: the connection sleeps until the job wakes it */
        r->suspended = true;
        MHD_suspend_connection(conn);
        return MHD_YES;
}

void http_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                       enum MHD_RequestTerminationCode toe)
{
        struct request *r = *con_cls;

        if (!r)
                return;
        api_detach(r);
        sse_stream_free(r->sse);
        if (r->response)
                MHD_destroy_response(r->response);
        for (size_t i = 0; i < HTTP_PARAMS_MAX; i++)
                free(r->params[i]);
        json_decref(r->json);
        json_decref(r->query);
        free(r->body);
        free(r->user);
        free(r->path);
        free(r);
        *con_cls = NULL;
}
