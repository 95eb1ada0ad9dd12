/* SPDX-License-Identifier: MIT */
/* /api/v1/jails/{name}/export and /api/v1/images/import: jails as image files (jobs). */
#include "api.h"
#include "jail/image.h"
#include "pool.h"
#include "util/cleanup.h"

static int op_export(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        _cleanup_free_ char *image = NULL;
        const char *name = arg_path(args, 0);
        int r = WITH_POOL(w, s, err, jail_export(worker_ctx(w), s, name, &image, err));

        if (r < 0)
                return r;
        *ret = json_pack("{s:s, s:s}", "name", name, "image", image);
        return 0;
}

static int op_import(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        _cleanup_free_ char *name = NULL;
        const char *image = arg_string(args, "image");
        int r = WITH_POOL(w, s, err,
                          jail_import(worker_ctx(w), s, image, arg_string(args, "name"), &name, err));

        if (r < 0)
                return r;
        *ret = json_pack("{s:s, s:s}", "name", name, "image", image);
        return 0;
}

void api_jails_export(struct request *r)
{
        api_run(r, &(struct api_call){.kind = "jail.export", .target = r->params[0],
                                      .fn = op_export, .args = api_args(r), .mode = API_JOB});
}

void api_images_import(struct request *r)
{
        api_run(r, &(struct api_call){.kind = "jail.import",
                                      .target = json_string_value(json_object_get(r->json, "name")),
                                      .fn = op_import, .args = api_args(r), .mode = API_JOB});
}
