/* SPDX-License-Identifier: MIT */
/*
 * Browser sessions, in the server's memory (a restart logs everyone out).
 * A session has a random id (the cookie) and a random CSRF token that every
 * state-changing request of the session must echo in X-CSRF-Token.  It ends
 * after an hour without requests, twelve hours after login, or on logout.
 */
#pragma once

#include <stdbool.h>
#include <time.h>

#define SESSION_COOKIE "jailor_session"
#define SESSION_IDLE_SECONDS 3600
#define SESSION_MAX_SECONDS (12 * 3600)
#define SESSIONS_MAX 1000

struct session {
        char id[65];
        char csrf[65];
        char *user;
        time_t created, last_seen;
        struct session *next;
};

struct session *session_create(const char *user);
/* The live session with that id (its idle time restarts), or NULL. */
struct session *session_find(const char *id);
void session_delete(struct session *s);
/* Drops every session (shutdown). */
void sessions_clear(void);

/* Compares two strings in time independent of where they differ. */
bool secrets_equal(const char *a, const char *b);
