/* SPDX-License-Identifier: MIT */
/* /api/v1/releases: list, fetchable suites, fetch (a job), destroy; clean downloads. */
#include <errno.h>

#include "api.h"
#include "pool.h"
#include "release/release.h"

static int op_list(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, release_list(s, ret, err));
}

static int op_remote(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, release_fetchable(s, arg_bool(args, "all"), ret, err));
}

static int op_fetch(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        struct fetch_request req = {
                .name = arg_string(args, "name"),
                .file = arg_string(args, "file"),
                .url = arg_string(args, "url"),
                .sha256 = arg_string(args, "sha256"),
                .tarball = arg_string(args, "tarball"),
                .force = arg_bool(args, "force"),
        };
        int r = WITH_POOL(w, s, err, release_fetch(worker_ctx(w), s, &req, err));

        if (r < 0)
                return r;
        *ret = json_pack("{s:s}", "name", req.name);
        return 0;
}

static int op_destroy(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err,
                         release_destroy(worker_ctx(w), s, arg_path(args, 0),
                                         arg_bool(args, "recursive"), err));
}

static int op_clean(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, release_clean_downloads(worker_ctx(w), s, err));
}

void api_releases_list(struct request *r)
{
        api_call_simple(r, "releases.list", op_list, 200);
}

void api_releases_remote(struct request *r)
{
        api_call_simple(r, "releases.remote", op_remote, 200);
}

void api_releases_fetch(struct request *r)
{
        api_run(r, &(struct api_call){.kind = "release.fetch",
                                      .target = json_string_value(json_object_get(r->json, "name")),
                                      .fn = op_fetch, .args = api_args(r), .mode = API_JOB});
}

void api_releases_destroy(struct request *r)
{
        api_call_simple(r, "release.destroy", op_destroy, 204);
}

void api_downloads_clean(struct request *r)
{
        api_call_simple(r, "downloads.clean", op_clean, 204);
}
