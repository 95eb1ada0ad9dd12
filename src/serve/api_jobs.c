/* SPDX-License-Identifier: MIT */
/* /api/v1/jobs: the long operations, one of them, and its event stream. */
#include "api.h"
#include "sse.h"

static struct job *find_or_404(struct request *r)
{
        struct job *j = job_find(r->params[0]);

        if (!j)
                reply_error(r, 404, "not_found", NULL, "No job '%s'", r->params[0]);
        return j;
}

void api_jobs_list(struct request *r)
{
        reply_json(r, 200, jobs_to_json());
}

void api_jobs_get(struct request *r)
{
        struct job *j = find_or_404(r);

        if (j)
                reply_json(r, 200, job_to_json(j));
}

void api_jobs_events(struct request *r)
{
        struct job *j = find_or_404(r);

        if (j)
                sse_start(r, j);
}
