/* SPDX-License-Identifier: MIT */
/* Library calls for requests: a job per call, answered as the call's mode says (api.h). */
#include "api.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pool.h"
#include "util/cleanup.h"

static void answer_accepted(struct request *r, struct job *j)
{
        char location[64];

        j->listed = true;
        snprintf(location, sizeof(location), "/api/v1/jobs/%s", j->id);
        reply_json(r, 202, job_to_json(j));
        reply_header(r, "Location", location);
}

/* The result; an object also carries the warnings of the call, when there were any. */
static json_t *result_with_warnings(struct job *j)
{
        json_t *o;

        if (!json_is_object(j->result) || json_array_size(j->warnings) == 0)
                return json_incref(j->result);
        o = json_copy(j->result);
        if (o)
                json_object_set(o, "warnings", j->warnings);
        return o;
}

void api_reply_failure(struct request *r, struct job *j)
{
        reply_errno(r, j->errnum, j->field, j->message);
}

static void on_job(struct job *j, enum job_event ev, void *data)
{
        struct request *r = data;

        if (ev == JOB_EVENT_DONE) {
                api_detach(r);
                if (r->answer)
                        r->answer(r, j);
                else if (j->state == JOB_FAILED)
                        api_reply_failure(r, j);
                else
                        reply_json(r, r->ok_status,
                                   r->ok_status == 204 ? NULL : result_with_warnings(j));
        } else if (ev == JOB_EVENT_LONG && r->mode == API_WAIT_OR_JOB) {
                api_detach(r);
                answer_accepted(r, j);
        }
}

void api_run(struct request *r, const struct api_call *call)
{
        struct job *j = job_start(r->ctx, call->kind, call->target, call->fn, call->args,
                                  call->mode == API_JOB, call->capture);

        if (!j && errno == EAGAIN) {
                reply_error(r, 503, "too_many_jobs", NULL,
                            "%d operations are running already: try again when one ends",
                            JOBS_RUNNING_MAX);
                reply_header(r, "Retry-After", "5");
                return;
        }
        if (!j) {
                reply_error(r, 500, "failed", NULL, "Cannot start a worker for '%s': %s",
                            call->kind, strerror(errno));
                return;
        }
        r->ok_status = call->ok_status ? call->ok_status : 200;
        r->mode = call->mode;
        r->answer = call->answer;
        if (call->mode == API_JOB) {
                answer_accepted(r, j);
                return;
        }
        if (job_watch(j, on_job, r) < 0) {
                reply_error(r, 500, "failed", NULL, "Out of memory");
                return;
        }
        r->job = j;
}

void api_detach(struct request *r)
{
        if (r->job)
                job_unwatch(r->job, on_job, r);
        r->job = NULL;
}

json_t *api_args(struct request *r)
{
        json_t *path = json_array();

        for (size_t i = 0; i < HTTP_PARAMS_MAX && r->params[i]; i++)
                json_array_append_new(path, json_string(r->params[i]));
        return json_pack("{s:o, s:O, s:O}", "path", path, "body", r->json, "query", r->query);
}

const char *arg_path(json_t *args, size_t i)
{
        return json_string_value(json_array_get(json_object_get(args, "path"), i));
}

json_t *arg_body(json_t *args, const char *key)
{
        return json_object_get(json_object_get(args, "body"), key);
}

const char *arg_string(json_t *args, const char *key)
{
        return json_string_value(arg_body(args, key));
}

bool arg_bool(json_t *args, const char *key)
{
        return json_is_true(arg_body(args, key)) ||
               json_is_true(json_object_get(json_object_get(args, "query"), key));
}

void api_call_simple(struct request *r, const char *kind, worker_fn fn, unsigned ok_status)
{
        api_run(r, &(struct api_call){.kind = kind, .target = r->params[0], .fn = fn,
                                      .args = api_args(r), .mode = API_WAIT,
                                      .ok_status = ok_status});
}

int api_pool(struct worker *w, struct storage **ret, struct jailor_error *err)
{
        return pool_open(worker_ctx(w), ret, err);
}

const char *api_guess_field(const char *message, json_t *props)
{
        const char *key;
        json_t *v;

        json_object_foreach(props, key, v) {
                char quoted[160];

                snprintf(quoted, sizeof(quoted), "'%s'", key);
                if (strstr(message, quoted))
                        return key;
        }
        return NULL;
}
