/* SPDX-License-Identifier: MIT */
/* /api/v1/session: log in with a host account, who am I, log out. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "pam_login.h"
#include "sessions.h"
#include "util/cleanup.h"

static void set_cookie(struct request *r, const char *value, bool expire)
{
        char cookie[256];

        snprintf(cookie, sizeof(cookie), "%s=%s; HttpOnly; SameSite=Strict; Path=/%s%s",
                 SESSION_COOKIE, value, r->tls ? "; Secure" : "",
                 expire ? "; Max-Age=0" : "");
        reply_header(r, "Set-Cookie", cookie);
}

static void answer_login(struct request *r, struct job *j)
{
        const char *user = json_string_value(json_object_get(j->result, "user"));
        struct session *s;

        if (j->state == JOB_FAILED) {
                if (j->errnum == EPERM)
                        reply_error(r, 403, "not_allowed", "username", "%s", j->message);
                else if (j->errnum == EACCES)
                        reply_error(r, 401, "login_failed", NULL, "%s", j->message);
                else
                        api_reply_failure(r, j);
                return;
        }
        s = user ? session_create(user) : NULL;
        if (!s) {
                reply_error(r, 500, "failed", NULL, "Out of memory");
                return;
        }
        reply_json(r, 200, json_pack("{s:s, s:s, s:s}", "user", s->user, "via", "session",
                                     "csrf_token", s->csrf));
        set_cookie(r, s->id, false);
}

void api_session_login(struct request *r)
{
        api_run(r, &(struct api_call){.kind = "session.login", .fn = pam_login,
                                      .args = api_args(r), .mode = API_WAIT,
                                      .answer = answer_login});
        /* the worker has its copy: the server keeps no password */
        explicit_bzero(r->body, r->body_len);
        json_object_del(r->json, "password");
}

void api_session_get(struct request *r)
{
        json_t *o = json_pack("{s:s, s:s}", "user", r->user, "via",
                              r->via_token ? "token" : "session");

        if (o && r->session)
                json_object_set_new(o, "csrf_token", json_string(r->session->csrf));
        reply_json(r, 200, o);
}

void api_session_logout(struct request *r)
{
        if (r->session)
                session_delete(r->session);
        r->session = NULL;
        reply_json(r, 204, NULL);
        set_cookie(r, "", true);
}
