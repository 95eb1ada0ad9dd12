/* SPDX-License-Identifier: MIT */
/*
 * Jobs: the server's record of each worker (worker.h) — its state, its
 * progress, its warnings, and its result or error once it is done.
 *
 * Every library call is a job.  Requests answered at once (list, get, set)
 * wait for theirs and are never listed; long operations (fetch, start,
 * stop, export, import, a create that fetches) answer 202 with the job,
 * which GET /api/v1/jobs/ID and its event stream follow.  Jobs live in the
 * server's memory: finished ones are kept for an hour (the newest 200).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "worker.h"

enum job_state {
        JOB_RUNNING,
        JOB_SUCCEEDED,
        JOB_FAILED,
};

enum job_event {
        JOB_EVENT_PROGRESS, /* progress or a warning */
        JOB_EVENT_LONG,     /* the worker said it will take a while */
        JOB_EVENT_DONE,
};

struct job;
typedef void (*job_watch_fn)(struct job *j, enum job_event ev, void *data);

struct job {
        char id[17];
        char *kind;          /* "jail.start" */
        char *target;        /* the jail, release... it acts on; NULL when none */
        bool listed;         /* a long operation, visible in /api/v1/jobs */
        bool is_long;        /* the worker sent "long" */
        enum job_state state;
        json_t *progress;    /* {what, done, total} or NULL */
        json_t *warnings;    /* array of strings */
        json_t *result;      /* when succeeded */
        int errnum;          /* when failed: the errno, message and field */
        char *message;
        char *field;
        char *out, *err;     /* captured stdout/stderr (exec) */
        size_t out_len, err_len;
        bool out_truncated, err_truncated;
        int exit_status;     /* of the worker (for errors) */
        time_t created, finished;
        unsigned seq;        /* changes each time something happens: SSE clients compare it */
        /* private */
        struct worker_child child;
        bool reaped, have_outcome;
        char *buf;
        size_t buf_len;
        struct job_watch *watches;
        struct job *next;
};

/* At most this many workers at once; more is refused (EAGAIN). */
#define JOBS_RUNNING_MAX 64

/* Starts fn(args) in a worker; args is taken.  NULL with errno set on failure. */
struct job *job_start(const struct jailor_ctx *ctx, const char *kind, const char *target,
                      worker_fn fn, json_t *args, bool listed, bool capture);

struct job *job_find(const char *id);
/* The listed jobs, newest first. */
json_t *jobs_to_json(void);
/* {id, kind, target, state, progress, warnings, result|error, created, finished} */
json_t *job_to_json(const struct job *j);

/* fn(data) on each event until job_unwatch; a watch added to a finished job never fires. */
int job_watch(struct job *j, job_watch_fn fn, void *data);
void job_unwatch(struct job *j, job_watch_fn fn, void *data);

/* A worker exited with a wait status (the launcher says so, zygote.h). */
void jobs_exited(pid_t pid, int status);
/* The launcher died: running jobs fail, their outcome unknown. */
void jobs_launcher_gone(void);
/* Drops old finished jobs; unlisted ones as soon as nobody watches them. */
void jobs_collect(void);
/* How many workers still run. */
size_t jobs_running(void);
/* Sends sig to every running worker. */
void jobs_signal(int sig);
