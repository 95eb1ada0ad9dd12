/* SPDX-License-Identifier: MIT */
/*
 * What the API's handlers share: running library calls in workers for a
 * request (api_run), and the handlers themselves, one file per group of
 * resources (api_*.c), listed in the route table (routes.c).
 */
#pragma once

#include <jansson.h>

#include "http.h"
#include "jobs.h"
#include "worker.h"

enum api_mode {
        API_WAIT,        /* answer with the result when the call is done */
        API_JOB,         /* answer 202 with the job at once */
        API_WAIT_OR_JOB, /* wait, unless the worker says it will be long: then 202 */
};

struct api_call {
        const char *kind;   /* "jail.start": the job's kind */
        const char *target; /* what it acts on, or NULL */
        worker_fn fn;
        json_t *args;       /* taken */
        enum api_mode mode;
        unsigned ok_status; /* 200, 201, 204 */
        bool capture;       /* the command's stdout and stderr (exec) */
        /* answers when the call ended (failed too); NULL: the result or the error as they are */
        void (*answer)(struct request *r, struct job *j);
};

void api_run(struct request *r, const struct api_call *call);
/* The error of a failed job, as errors.h maps it. */
void api_reply_failure(struct request *r, struct job *j);
/* Stops waiting for the request's job (the request ended). */
void api_detach(struct request *r);

/*
 * A worker's arguments: {"path": [the route's {...} parts], "body": {...},
 * "query": {the route's boolean query arguments}}.
 */
json_t *api_args(struct request *r);
const char *arg_path(json_t *args, size_t i);
json_t *arg_body(json_t *args, const char *key);
const char *arg_string(json_t *args, const char *key);
/* A boolean of the body or of the query; false when absent. */
bool arg_bool(json_t *args, const char *key);

/* Starts fn with api_args(r) and waits for its result: the common case. */
void api_call_simple(struct request *r, const char *kind, worker_fn fn, unsigned ok_status);

/* In a worker: the pool in use (pool_open), with the worker's context. */
struct storage;
int api_pool(struct worker *w, struct storage **ret, struct jailor_error *err);
/* In a worker: the first of assignments' property names quoted in message ('name'), or NULL. */
const char *api_guess_field(const char *message, json_t *props);

/* ---- the handlers ---- */

/* api_session.c */
void api_session_login(struct request *r);
void api_session_get(struct request *r);
void api_session_logout(struct request *r);
/* api_pools.c */
void api_pools_list(struct request *r);
void api_pools_activate(struct request *r);
void api_pools_deactivate(struct request *r);
/* api_releases.c */
void api_releases_list(struct request *r);
void api_releases_remote(struct request *r);
void api_releases_fetch(struct request *r);
void api_releases_destroy(struct request *r);
void api_downloads_clean(struct request *r);
/* api_jails.c */
void api_jails_list(struct request *r);
void api_jails_get(struct request *r);
void api_jails_create(struct request *r);
void api_jails_update(struct request *r);
void api_jails_destroy(struct request *r);
void api_jails_clone(struct request *r);
/* api_host.c */
void api_df(struct request *r);
void api_boot_start(struct request *r);
void api_boot_stop(struct request *r);
void api_interfaces(struct request *r);
/* api_runtime.c */
void api_jails_start(struct request *r);
void api_jails_stop(struct request *r);
void api_jails_restart(struct request *r);
void api_jails_exec(struct request *r);
/* api_fstab.c */
void api_fstab_list(struct request *r);
void api_fstab_add(struct request *r);
void api_fstab_edit(struct request *r);
void api_fstab_remove(struct request *r);
/* api_snapshots.c */
void api_snapshots_list(struct request *r);
void api_snapshots_create(struct request *r);
void api_snapshots_rollback(struct request *r);
void api_snapshots_remove(struct request *r);
/* api_images.c */
void api_jails_export(struct request *r);
void api_images_import(struct request *r);
/* api_defaults.c */
void api_defaults_get(struct request *r);
void api_defaults_update(struct request *r);
void api_properties(struct request *r);
struct prop_def;
/* {name, type, default, group, doc, live, readonly, ...} of one property of the table. */
json_t *api_property_schema(const struct prop_def *p);
/* api_jobs.c */
void api_jobs_list(struct request *r);
void api_jobs_get(struct request *r);
void api_jobs_events(struct request *r);
/* openapi.c */
void api_openapi(struct request *r);

/*
 * In a worker: runs expr with the pool in use open as s; the value of
 * expr, or the error of opening the pool.
 */
#define WITH_POOL(w, s, err, expr)                                                                 \
        ({                                                                                         \
                struct storage *s = NULL;                                                          \
                int r_ = api_pool(w, &s, err);                                                     \
                if (r_ >= 0) {                                                                     \
                        r_ = (expr);                                                               \
                        storage_free(s);                                                           \
                }                                                                                  \
                r_;                                                                                \
        })
