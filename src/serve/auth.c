/* SPDX-License-Identifier: MIT */
/* Authentication, CSRF and cross-site checks of each request (auth.h). */
#include "auth.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sessions.h"
#include "tokens.h"
#include "util/cleanup.h"

bool auth_loopback_only;

/* The host part of a Host header: "[::1]:80" -> "::1", "localhost:8080" -> "localhost". */
static char *host_name(const char *host)
{
        if (host[0] == '[')
                return strndup(host + 1, strcspn(host + 1, "]"));
        return strndup(host, strcspn(host, ":"));
}

int auth_check_host(struct request *r)
{
        const char *host = request_header(r, "Host");
        _cleanup_free_ char *name = NULL;
        struct in_addr a;

        if (!auth_loopback_only)
                return 0;
        name = host ? host_name(host) : NULL;
        if (name && (strcasecmp(name, "localhost") == 0 || strcmp(name, "::1") == 0 ||
                     (inet_pton(AF_INET, name, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127)))
                return 0;
        reply_error(r, 400, "bad_host", NULL,
                    "Host '%s' is not this server: it listens on a loopback address only",
                    host ? host : "");
        return -1;
}

int auth_identify(struct request *r)
{
        const char *authz = request_header(r, "Authorization");
        const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
        struct session *s;

        if (authz) {
                char *name = NULL;

                if (strncasecmp(authz, "Bearer ", 7) != 0 ||
                    tokens_verify(r->ctx, authz + 7, &name) < 0) {
                        reply_error(r, 401, "bad_token", NULL,
                                    "The bearer token is not one of 'jailor token list'");
                        reply_header(r, "WWW-Authenticate", "Bearer");
                        return -1;
                }
                r->user = name;
                r->via_token = true;
                return 0;
        }
        s = cookie ? session_find(cookie) : NULL;
        if (!s) {
                reply_error(r, 401, cookie ? "session_expired" : "unauthenticated", NULL,
                            cookie ? "The session has ended: log in again"
                                   : "Log in (POST /api/v1/session) or send a bearer token");
                reply_header(r, "WWW-Authenticate", "Bearer");
                return -1;
        }
        r->user = strdup(s->user);
        r->session = s;
        return r->user ? 0 : -1;
}

int auth_check_origin(struct request *r)
{
        const char *origin = request_header(r, "Origin");
        const char *site = request_header(r, "Sec-Fetch-Site");
        const char *host = request_header(r, "Host");
        _cleanup_free_ char *own = NULL;

        if (!request_changes_state(r))
                return 0;
        if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
                reply_error(r, 403, "cross_site", NULL,
                            "Refused: the browser says another site (Sec-Fetch-Site: %s) sent "
                            "this request",
                            site);
                return -1;
        }
        if (!origin)
                return 0;
        if (host && asprintf(&own, "%s://%s", r->tls ? "https" : "http", host) < 0)
                own = NULL;
        if (!own || strcmp(origin, own) != 0) {
                reply_error(r, 403, "cross_site", NULL,
                            "Refused: the request comes from origin '%s', not from this server",
                            origin);
                return -1;
        }
        return 0;
}

int auth_check_csrf(struct request *r)
{
        const char *token = request_header(r, "X-CSRF-Token");

        if (!request_changes_state(r) || !r->session)
                return 0;
        if (!token || !secrets_equal(token, r->session->csrf)) {
                reply_error(r, 403, "csrf", NULL,
                            token ? "The X-CSRF-Token header is not this session's"
                                  : "A state-changing request needs the session's X-CSRF-Token "
                                    "header");
                return -1;
        }
        return 0;
}
