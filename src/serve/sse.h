/* SPDX-License-Identifier: MIT */
/*
 * Server-Sent Events: GET /api/v1/jobs/ID/events streams a job as it runs.
 * Each change is one event whose data is the job's JSON: "progress" while
 * it runs, then "done", after which the stream ends.  A comment line every
 * 15 seconds keeps proxies from closing a quiet stream.
 */
#pragma once

#include "http.h"
#include "jobs.h"

#define SSE_KEEPALIVE_SECONDS 15

/* Answers r with the event stream of job j. */
void sse_start(struct request *r, struct job *j);
void sse_stream_free(struct sse_stream *s);
/* Every open stream sends a keep-alive comment. */
void sse_keepalive(void);
/* Ends every stream (shutdown). */
void sse_end_all(void);
/* How many streams are open. */
size_t sse_count(void);
