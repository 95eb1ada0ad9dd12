/* SPDX-License-Identifier: MIT */
#include "state.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../net/jailnet.h"
#include "cgroup.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

uint64_t proc_start_time(pid_t pid)
{
        char path[64], buf[1024];
        unsigned long long start = 0;
        _cleanup_fclose_ FILE *f = NULL;
        char *p;
        size_t n;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        f = fopen(path, "re");
        if (!f)
                return 0;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        /* the command name may hold spaces and ')': fields start after the last ')' */
        p = strrchr(buf, ')');
        if (!p)
                return 0;
        /* a zombie has ended: it only waits for its parent to notice */
        if (p[1] == ' ' && p[2] == 'Z')
                return 0;
        /* after ")": state is field 3; starttime is field 22 */
        if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
                          "%*d %llu",
                   &start) != 1)
                return 0;
        return start;
}

char *runtime_dir(const struct jailor_ctx *ctx, const char *name, const char *file)
{
        return file ? strjoin(ctx->run_dir, "/", name, "/", file, NULL)
                    : strjoin(ctx->run_dir, "/", name, NULL);
}

static bool alive(pid_t pid, uint64_t start)
{
        return pid > 0 && start > 0 && proc_start_time(pid) == start;
}

/*
 * What a SIGKILLed supervisor could not undo: the jail's cgroup (its
 * processes died with the init, but the directories stay) and its network
 * claims.  Its mounts went with its mount namespace.
 */
static void forget(const struct jailor_ctx *ctx, const char *name)
{
        struct cgroup *cg = NULL;

        if (cgroup_open_existing(name, &cg, NULL) == 0) {
                cgroup_kill_all(cg, NULL);
                cgroup_destroy(cg, NULL);
                cgroup_free(cg);
        }
        jailnet_forget(ctx, name);
}

int runtime_state_read(const struct jailor_ctx *ctx, const char *name, struct runtime_state *ret)
{
        _cleanup_free_ char *path = runtime_dir(ctx, name, "state.json");
        struct runtime_state st = {0};
        json_t *j;
        const char *when;

        if (!path)
                return -ENOMEM;
        j = json_load_file(path, 0, NULL);
        if (!j)
                return 0;
        st.supervisor = (pid_t)json_integer_value(json_object_get(j, "supervisor"));
        st.supervisor_start = (uint64_t)json_integer_value(json_object_get(j, "supervisor_start"));
        st.init = (pid_t)json_integer_value(json_object_get(j, "init"));
        st.init_start = (uint64_t)json_integer_value(json_object_get(j, "init_start"));
        when = json_string_value(json_object_get(j, "started_at"));
        snprintf(st.started_at, sizeof(st.started_at), "%s", when ? when : "");
        json_decref(j);
        if (!alive(st.supervisor, st.supervisor_start) || !alive(st.init, st.init_start)) {
                /* a live supervisor is tearing the jail down itself; a dead one left its claims */
                if (!alive(st.supervisor, st.supervisor_start))
                        forget(ctx, name);
                runtime_state_remove(ctx, name);
                return 0;
        }
        if (ret)
                *ret = st;
        return 1;
}

int runtime_state_write(const struct jailor_ctx *ctx, const char *name,
                        const struct runtime_state *st, struct jailor_error *err)
{
        _cleanup_free_ char *path = runtime_dir(ctx, name, "state.json"), *text = NULL;
        json_t *j;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        j = json_pack("{s:i, s:I, s:i, s:I, s:s}", "supervisor", (int)st->supervisor,
                      "supervisor_start", (json_int_t)st->supervisor_start, "init", (int)st->init,
                      "init_start", (json_int_t)st->init_start, "started_at", st->started_at);
        text = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
        json_decref(j);
        if (!text)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return write_file_atomic(path, text, strlen(text), 0644, err);
}

void runtime_state_remove(const struct jailor_ctx *ctx, const char *name)
{
        _cleanup_free_ char *dir = runtime_dir(ctx, name, NULL);

        if (dir)
                rm_rf(dir, NULL);
}
