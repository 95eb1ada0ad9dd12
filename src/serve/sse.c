/* SPDX-License-Identifier: MIT */
/* Event streams of jobs (sse.h). */
#include "sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sse_stream {
        struct MHD_Connection *conn;
        struct job *job;
        unsigned sent_seq;
        bool sent_any, done_sent, ending, keepalive, suspended;
        char *pending; /* an event not yet wholly handed to libmicrohttpd */
        size_t pending_len, pending_off;
        struct sse_stream *next;
};

static struct sse_stream *streams;

static void wake(struct sse_stream *s)
{
        if (s->suspended) {
                s->suspended = false;
                MHD_resume_connection(s->conn);
        }
}

static void on_job(struct job *j, enum job_event ev, void *data)
{
        wake(data);
}

/* The next event, or NULL when there is nothing new. */
static char *next_event(struct sse_stream *s)
{
        struct job *j = s->job;
        char *text, *event = NULL;
        json_t *o;

        if (s->sent_any && s->sent_seq == j->seq && !(j->state != JOB_RUNNING && !s->done_sent))
                return NULL;
        o = job_to_json(j);
        text = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!text)
                return NULL;
        if (asprintf(&event, "event: %s\ndata: %s\n\n", j->state == JOB_RUNNING ? "progress" : "done",
                     text) < 0)
                event = NULL;
        free(text);
        s->sent_any = true;
        s->sent_seq = j->seq;
        if (j->state != JOB_RUNNING)
                s->done_sent = true;
        return event;
}

static ssize_t read_events(void *cls, uint64_t pos, char *buf, size_t max)
{
        struct sse_stream *s = cls;
        size_t n;

        if (!s->pending) {
                if (s->done_sent || s->ending)
                        return MHD_CONTENT_READER_END_OF_STREAM;
                s->pending = next_event(s);
                if (!s->pending && s->keepalive)
                        s->pending = strdup(": keep-alive\n\n");
                s->keepalive = false;
                if (!s->pending) {
                        /* nothing to say: sleep until the job or the keep-alive timer wakes us */
                        s->suspended = true;
                        MHD_suspend_connection(s->conn);
                        return 0;
                }
                s->pending_len = strlen(s->pending);
                s->pending_off = 0;
        }
        n = s->pending_len - s->pending_off;
        if (n > max)
                n = max;
        memcpy(buf, s->pending + s->pending_off, n);
        s->pending_off += n;
        if (s->pending_off == s->pending_len) {
                free(s->pending);
                s->pending = NULL;
        }
        return (ssize_t)n;
}

void sse_start(struct request *r, struct job *j)
{
        struct sse_stream *s = calloc(1, sizeof(*s));
        struct MHD_Response *resp;

        if (!s || job_watch(j, on_job, s) < 0) {
                free(s);
                reply_error(r, 500, "failed", NULL, "Out of memory");
                return;
        }
        s->conn = r->conn;
        s->job = j;
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, read_events, s, NULL);
        if (!resp) {
                job_unwatch(j, on_job, s);
                free(s);
                reply_error(r, 500, "failed", NULL, "Out of memory");
                return;
        }
        s->next = streams;
        streams = s;
        r->sse = s;
        MHD_add_response_header(resp, "Content-Type", "text/event-stream");
        reply_response(r, 200, resp);
}

void sse_stream_free(struct sse_stream *s)
{
        if (!s)
                return;
        for (struct sse_stream **p = &streams; *p; p = &(*p)->next) {
                if (*p == s) {
                        *p = s->next;
                        break;
                }
        }
        job_unwatch(s->job, on_job, s);
        free(s->pending);
        free(s);
}

void sse_keepalive(void)
{
        for (struct sse_stream *s = streams; s; s = s->next) {
                s->keepalive = true;
                wake(s);
        }
}

void sse_end_all(void)
{
        for (struct sse_stream *s = streams; s; s = s->next) {
                s->ending = true;
                wake(s);
        }
}

size_t sse_count(void)
{
        size_t n = 0;

        for (struct sse_stream *s = streams; s; s = s->next)
                n++;
        return n;
}
