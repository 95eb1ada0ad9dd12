/* SPDX-License-Identifier: MIT */
/* /api/v1/jails/{name}/start|stop|restart (jobs) and exec (a command's output and status). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "pool.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"

typedef int (*runtime_fn)(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                          struct jailor_error *err);

static int restart(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                   struct jailor_error *err)
{
        int r = runtime_stop(ctx, s, name, err);

        if (r < 0 && r != -EALREADY) /* a jail that was down is just started */
                return r;
        jailor_error_clear(err);
        return runtime_start(ctx, s, name, err);
}

/* start, stop, restart: the jail's name and state afterwards. */
static int run_action(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err,
                      runtime_fn fn)
{
        const char *name = arg_path(args, 0);
        int r = WITH_POOL(w, s, err, fn(worker_ctx(w), s, name, err));

        if (r < 0)
                return r;
        *ret = json_pack("{s:s, s:s}", "name", name, "state",
                         runtime_status(worker_ctx(w), name, NULL));
        return 0;
}

static int op_start(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return run_action(w, args, ret, err, runtime_start);
}

static int op_stop(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return run_action(w, args, ret, err, runtime_stop);
}

static int op_restart(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return run_action(w, args, ret, err, restart);
}

static void start_job(struct request *r, const char *kind, worker_fn fn)
{
        api_run(r, &(struct api_call){.kind = kind, .target = r->params[0], .fn = fn,
                                      .args = api_args(r), .mode = API_JOB});
}

void api_jails_start(struct request *r)
{
        start_job(r, "jail.start", op_start);
}

void api_jails_stop(struct request *r)
{
        start_job(r, "jail.stop", op_stop);
}

void api_jails_restart(struct request *r)
{
        start_job(r, "jail.restart", op_restart);
}

/* ---- exec ---- */

static int op_exec(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        json_t *command = arg_body(args, "command"), *word;
        char *shell[] = {"/bin/sh", "-c", NULL, NULL};
        _cleanup_free_ char **argv = NULL;
        struct exec_request req = {.name = arg_path(args, 0), .user = arg_string(args, "user")};
        int status = 0, r;
        size_t i;

        if (json_is_string(command)) {
                /* one string is a shell command line, as iocage takes `exec JAIL "a b"` */
                shell[2] = (char *)json_string_value(command);
                req.argv = shell;
        } else {
                argv = calloc(json_array_size(command) + 1, sizeof(char *));
                if (!argv)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                json_array_foreach(command, i, word)
                        argv[i] = (char *)json_string_value(word);
                req.argv = argv;
        }
        r = WITH_POOL(w, s, err, runtime_exec(worker_ctx(w), s, &req, &status, err));
        if (r < 0)
                return r;
        *ret = json_pack("{s:i}", "status", status);
        return 0;
}

/* The length of the UTF-8 sequence at s (at most len bytes), or 0 when it is not one. */
static size_t utf8_length(const unsigned char *s, size_t len)
{
        unsigned char c = s[0];
        size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : (c >> 4) == 0xe ? 3
                                                          : c >= 0xf0 && c <= 0xf4 ? 4 : 0;

        if (n == 0 || n > len)
                return 0;
        for (size_t k = 1; k < n; k++)
                if ((s[k] >> 6) != 2)
                        return 0;
        /* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
        if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
            (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
                return 0;
        return n;
}

/* Output as JSON text: bytes that are not UTF-8 become U+FFFD. */
static json_t *text_json(const char *s, size_t len)
{
        _cleanup_free_ char *out = malloc(len * 3 + 1);
        size_t o = 0;

        if (!out)
                return NULL;
        for (size_t i = 0; i < len;) {
                size_t n = utf8_length((const unsigned char *)s + i, len - i);

                if (n) {
                        memcpy(out + o, s + i, n);
                        o += n;
                        i += n;
                } else {
                        memcpy(out + o, "\xef\xbf\xbd", 3);
                        o += 3;
                        i++;
                }
        }
        return json_stringn(out, o);
}

static void answer_exec(struct request *r, struct job *j)
{
        json_t *o;

        if (j->state == JOB_FAILED) {
                api_reply_failure(r, j);
                return;
        }
        o = json_pack("{s:O, s:o, s:o, s:b, s:b}", "status",
                              json_object_get(j->result, "status"), "stdout",
                              text_json(j->out ? j->out : "", j->out_len), "stderr",
                              text_json(j->err ? j->err : "", j->err_len), "stdout_truncated",
                              j->out_truncated, "stderr_truncated", j->err_truncated);

        reply_json(r, 200, o);
}

void api_jails_exec(struct request *r)
{
        api_run(r, &(struct api_call){.kind = "jail.exec", .target = r->params[0], .fn = op_exec,
                                      .args = api_args(r), .mode = API_WAIT, .capture = true,
                                      .answer = answer_exec});
}
