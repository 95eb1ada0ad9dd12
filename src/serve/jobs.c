/* SPDX-License-Identifier: MIT */
/* The job registry: workers' messages, their end, and who watches them (jobs.h). */
#include "jobs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop.h"
#include "zygote.h"
#include "util/cleanup.h"

#define JOB_KEEP_SECONDS 3600
#define JOB_KEEP_MAX 200
#define MESSAGE_MAX (64u << 20)  /* one line from a worker (a listing of many jails) */
#define CAPTURE_MAX (1u << 20)   /* stdout and stderr of exec, each */

struct job_watch {
        job_watch_fn fn;
        void *data;
        struct job_watch *next;
};

static struct job *jobs;

static void notify(struct job *j, enum job_event ev)
{
        struct job_watch *w = j->watches, *next;

        j->seq++;
        /* a watcher may unwatch itself from its callback */
        for (; w; w = next) {
                next = w->next;
                w->fn(j, ev, w->data);
        }
}

static void fail_job(struct job *j, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void fail_job(struct job *j, int errnum, const char *fmt, ...)
{
        va_list ap;

        if (j->have_outcome)
                return;
        va_start(ap, fmt);
        if (vasprintf(&j->message, fmt, ap) < 0)
                j->message = NULL;
        va_end(ap);
        j->errnum = errnum;
        j->have_outcome = true;
}

static void handle_message(struct job *j, json_t *m)
{
        const char *t = json_string_value(json_object_get(m, "t"));

        if (!t || j->have_outcome)
                return;
        if (STREQ(t, "progress")) {
                json_decref(j->progress);
                j->progress = json_incref(m);
                json_object_del(j->progress, "t");
                notify(j, JOB_EVENT_PROGRESS);
        } else if (STREQ(t, "warning")) {
                json_array_append(j->warnings, json_object_get(m, "message"));
                notify(j, JOB_EVENT_PROGRESS);
        } else if (STREQ(t, "long")) {
                j->is_long = true;
                notify(j, JOB_EVENT_LONG);
        } else if (STREQ(t, "result")) {
                j->result = json_incref(json_object_get(m, "result"));
                j->have_outcome = true;
        } else if (STREQ(t, "error")) {
                const char *field = json_string_value(json_object_get(m, "field"));

                j->errnum = (int)json_integer_value(json_object_get(m, "errno"));
                j->message = strdup(json_string_value(json_object_get(m, "message")) ?: "Failed");
                j->field = field ? strdup(field) : NULL;
                j->have_outcome = true;
        }
}

/* Reads what the worker sent; lines are handled as they complete. */
static void read_messages(struct job *j)
{
        for (;;) {
                char chunk[65536];
                ssize_t n = read(j->child.msg_fd, chunk, sizeof(chunk));
                char *nl;

                if (n <= 0)
                        return;
                if (j->buf_len + (size_t)n > MESSAGE_MAX) {
                        fail_job(j, EMSGSIZE, "The answer of '%s' is too large", j->kind);
                        j->buf_len = 0;
                        continue;
                }
                nl = realloc(j->buf, j->buf_len + (size_t)n + 1);
                if (!nl)
                        return;
                j->buf = nl;
                memcpy(j->buf + j->buf_len, chunk, (size_t)n);
                j->buf_len += (size_t)n;
                while ((nl = memchr(j->buf, '\n', j->buf_len))) {
                        json_t *m;

                        *nl = '\0';
                        m = json_loads(j->buf, 0, NULL);
                        if (m)
                                handle_message(j, m);
                        json_decref(m);
                        j->buf_len -= (size_t)(nl + 1 - j->buf);
                        memmove(j->buf, nl + 1, j->buf_len);
                }
        }
}

/* Keeps the first CAPTURE_MAX bytes of a stream and drains the rest. */
static void read_capture(int fd, char **buf, size_t *len, bool *truncated)
{
        for (;;) {
                char chunk[65536];
                ssize_t n = read(fd, chunk, sizeof(chunk));
                size_t keep;
                char *p;

                if (n <= 0)
                        return;
                keep = *len >= CAPTURE_MAX ? 0 : (size_t)n;
                if (keep > CAPTURE_MAX - *len)
                        keep = CAPTURE_MAX - *len;
                if (keep < (size_t)n)
                        *truncated = true;
                if (!keep)
                        continue;
                p = realloc(*buf, *len + keep + 1);
                if (!p)
                        return;
                memcpy(p + *len, chunk, keep);
                *len += keep;
                p[*len] = '\0';
                *buf = p;
        }
}

static void on_message_fd(void *data, uint32_t events)
{
        read_messages(data);
}

static void on_out_fd(void *data, uint32_t events)
{
        struct job *j = data;

        read_capture(j->child.out_fd, &j->out, &j->out_len, &j->out_truncated);
}

static void on_err_fd(void *data, uint32_t events)
{
        struct job *j = data;

        read_capture(j->child.err_fd, &j->err, &j->err_len, &j->err_truncated);
}

static void close_fd(int *fd)
{
        if (*fd < 0)
                return;
        loop_remove(*fd);
        close(*fd);
        *fd = -1;
}

/* The worker exited: whatever it sent is in the socket by now. */
static void finish(struct job *j, int status)
{
        read_messages(j);
        if (j->child.out_fd >= 0) {
                on_out_fd(j, 0);
                on_err_fd(j, 0);
        }
        close_fd(&j->child.msg_fd);
        close_fd(&j->child.out_fd);
        close_fd(&j->child.err_fd);
        j->reaped = true;
        j->exit_status = status;
        if (WIFSIGNALED(status))
                fail_job(j, EINTR, "The worker of '%s' was killed by signal %d", j->kind,
                         WTERMSIG(status));
        else
                fail_job(j, EIO, "The worker of '%s' exited with status %d and no answer",
                         j->kind, WEXITSTATUS(status));
        j->state = j->message ? JOB_FAILED : JOB_SUCCEEDED;
        j->finished = time(NULL);
        free(j->buf);
        j->buf = NULL;
        notify(j, JOB_EVENT_DONE);
}

void jobs_exited(pid_t pid, int status)
{
        for (struct job *j = jobs; j; j = j->next) {
                if (j->child.pid == pid && !j->reaped) {
                        finish(j, status);
                        return;
                }
        }
}

void jobs_launcher_gone(void)
{
        for (struct job *j = jobs; j; j = j->next) {
                if (j->state != JOB_RUNNING)
                        continue;
                fail_job(j, EIO, "The worker launcher of the server died: the outcome of '%s' "
                                 "is unknown", j->kind);
                finish(j, 0);
        }
}

static void random_id(char id[17])
{
        unsigned char b[8] = {0};

        if (getrandom(b, sizeof(b), 0) != sizeof(b))
                abort(); /* no randomness: nothing the server hands out can be trusted */
        for (size_t i = 0; i < sizeof(b); i++)
                snprintf(id + 2 * i, 3, "%02x", b[i]);
}

struct job *job_start(const struct jailor_ctx *ctx, const char *kind, const char *target,
                      worker_fn fn, json_t *args, bool listed, bool capture)
{
        struct job *j = calloc(1, sizeof(*j));
        int r;

        if (jobs_running() >= JOBS_RUNNING_MAX) {
                json_decref(args);
                free(j);
                errno = EAGAIN;
                return NULL;
        }
        if (!j || !(j->kind = strdup(kind)) || (target && !(j->target = strdup(target))) ||
            !(j->warnings = json_array()))
                goto oom;
        random_id(j->id);
        j->listed = listed;
        j->created = time(NULL);
        r = zygote_spawn(fn, args, capture, &j->child);
        json_decref(args);
        args = NULL;
        if (r < 0) {
                errno = -r;
                goto fail;
        }
        loop_add(j->child.msg_fd, on_message_fd, j);
        if (capture) {
                loop_add(j->child.out_fd, on_out_fd, j);
                loop_add(j->child.err_fd, on_err_fd, j);
        }
        j->next = jobs;
        jobs = j;
        return j;
oom:
        errno = ENOMEM;
fail:
        json_decref(args);
        if (j) {
                free(j->kind);
                free(j->target);
                json_decref(j->warnings);
                free(j);
        }
        return NULL;
}

struct job *job_find(const char *id)
{
        for (struct job *j = jobs; j; j = j->next)
                if (j->listed && STREQ(j->id, id))
                        return j;
        return NULL;
}

static const char *state_name(enum job_state s)
{
        return s == JOB_RUNNING ? "running" : s == JOB_SUCCEEDED ? "succeeded" : "failed";
}

static json_t *time_json(time_t t)
{
        char buf[32];
        struct tm tm;

        if (!t || !gmtime_r(&t, &tm))
                return json_null();
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
        return json_string(buf);
}

json_t *job_to_json(const struct job *j)
{
        json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:O?, s:O, s:o, s:o}", "id", j->id, "kind",
                              j->kind, "target", j->target, "state", state_name(j->state),
                              "progress", j->progress, "warnings", j->warnings, "created",
                              time_json(j->created), "finished", time_json(j->finished));

        if (o && j->state == JOB_SUCCEEDED)
                json_object_set(o, "result", j->result);
        if (o && j->state == JOB_FAILED)
                json_object_set_new(o, "error",
                                    json_pack("{s:i, s:s, s:s?}", "errno", j->errnum, "message",
                                              j->message, "field", j->field));
        return o;
}

json_t *jobs_to_json(void)
{
        json_t *a = json_array();

        for (struct job *j = jobs; a && j; j = j->next)
                if (j->listed)
                        json_array_append_new(a, job_to_json(j));
        return a;
}

int job_watch(struct job *j, job_watch_fn fn, void *data)
{
        struct job_watch *w = calloc(1, sizeof(*w));

        if (!w)
                return -ENOMEM;
        *w = (struct job_watch){.fn = fn, .data = data, .next = j->watches};
        j->watches = w;
        return 0;
}

void job_unwatch(struct job *j, job_watch_fn fn, void *data)
{
        for (struct job_watch **p = &j->watches; *p; p = &(*p)->next) {
                if ((*p)->fn == fn && (*p)->data == data) {
                        struct job_watch *w = *p;

                        *p = w->next;
                        free(w);
                        return;
                }
        }
}

static void job_free(struct job *j)
{
        free(j->kind);
        free(j->target);
        json_decref(j->progress);
        json_decref(j->warnings);
        json_decref(j->result);
        free(j->message);
        free(j->field);
        free(j->out);
        free(j->err);
        free(j->buf);
        free(j);
}

void jobs_collect(void)
{
        time_t now = time(NULL);
        size_t kept = 0;

        for (struct job **p = &jobs; *p;) {
                struct job *j = *p;
                bool done = j->state != JOB_RUNNING && !j->watches;
                bool old = now - j->finished > JOB_KEEP_SECONDS || kept >= JOB_KEEP_MAX;

                if (done && (!j->listed || old)) {
                        *p = j->next;
                        job_free(j);
                        continue;
                }
                kept += j->listed;
                p = &j->next;
        }
}

size_t jobs_running(void)
{
        size_t n = 0;

        for (struct job *j = jobs; j; j = j->next)
                n += j->state == JOB_RUNNING;
        return n;
}

void jobs_signal(int sig)
{
        for (struct job *j = jobs; j; j = j->next)
                if (j->state == JOB_RUNNING)
                        kill(j->child.pid, sig);
}
