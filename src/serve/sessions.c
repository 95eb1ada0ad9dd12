/* SPDX-License-Identifier: MIT */
/* Browser sessions (sessions.h). */
#include "sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static struct session *sessions;

static void random_hex(char out[65])
{
        unsigned char b[32];

        if (getrandom(b, sizeof(b), 0) != sizeof(b))
                abort(); /* without randomness no session can be safe */
        for (size_t i = 0; i < sizeof(b); i++)
                snprintf(out + 2 * i, 3, "%02x", b[i]);
}

bool secrets_equal(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        unsigned char d = la != lb;

        for (size_t i = 0; i < la && i < lb; i++)
                d |= (unsigned char)(a[i] ^ b[i]);
        return d == 0;
}

static bool expired(const struct session *s, time_t now)
{
        return now - s->last_seen > SESSION_IDLE_SECONDS || now - s->created > SESSION_MAX_SECONDS;
}

static void session_free(struct session *s)
{
        explicit_bzero(s->id, sizeof(s->id));
        free(s->user);
        free(s);
}

/* Drops expired sessions, and the oldest ones beyond SESSIONS_MAX. */
static void expire(time_t now)
{
        size_t n = 0;

        for (struct session **p = &sessions; *p;) {
                struct session *s = *p;

                if (expired(s, now) || ++n > SESSIONS_MAX) {
                        *p = s->next;
                        session_free(s);
                        continue;
                }
                p = &s->next;
        }
}

struct session *session_create(const char *user)
{
        struct session *s = calloc(1, sizeof(*s));
        time_t now = time(NULL);

        if (!s || !(s->user = strdup(user))) {
                free(s);
                return NULL;
        }
        random_hex(s->id);
        random_hex(s->csrf);
        s->created = s->last_seen = now;
        s->next = sessions; /* newest first: the oldest go when there are too many */
        sessions = s;
        expire(now);
        return s;
}

struct session *session_find(const char *id)
{
        time_t now = time(NULL);
        struct session *found = NULL;

        expire(now);
        for (struct session *s = sessions; s; s = s->next)
                if (secrets_equal(s->id, id))
                        found = s;
        if (found)
                found->last_seen = now;
        return found;
}

void session_delete(struct session *s)
{
        for (struct session **p = &sessions; *p; p = &(*p)->next) {
                if (*p == s) {
                        *p = s->next;
                        session_free(s);
                        return;
                }
        }
}

void sessions_clear(void)
{
        while (sessions)
                session_delete(sessions);
}
