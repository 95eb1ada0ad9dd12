/* SPDX-License-Identifier: MIT */
#include "hooks.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "jail.h"

int hook_run(const char *hook, const char *cmd, const char *name, const char *root, pid_t jail_pid,
             unsigned timeout_s, struct jailor_error *err)
{
        struct timespec start, now;
        int status;
        pid_t pid;

        if (!cmd || STREQ(cmd, "none"))
                return 0;
        pid = fork();
        if (pid < 0)
                return jailor_error_errno(err, errno, "Cannot run %s", hook);
        if (pid == 0) {
                setenv("JAIL_NAME", name, 1);
                if (root)
                        setenv("JAIL_ROOT", root, 1);
                if (jail_pid > 0) {
                        char text[16];
                        snprintf(text, sizeof(text), "%d", (int)jail_pid);
                        setenv("JAIL_PID", text, 1);
                }
                execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
                _exit(127);
        }
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                pid_t w = waitpid(pid, &status, WNOHANG);

                if (w == pid)
                        break;
                if (w < 0 && errno != EINTR)
                        return jailor_error_errno(err, errno, "Cannot wait for %s", hook);
                clock_gettime(CLOCK_MONOTONIC, &now);
                if (now.tv_sec - start.tv_sec >= (time_t)timeout_s) {
                        kill(pid, SIGKILL);
                        waitpid(pid, &status, 0);
                        return jailor_error_set(err, ETIMEDOUT,
                                                "%s '%s' of jail '%s' did not finish within %u s",
                                                hook, cmd, name, timeout_s);
                }
                usleep(10 * 1000);
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        return jailor_error_set(err, EIO, "%s '%s' of jail '%s' failed (%s %d)", hook, cmd, name,
                                WIFEXITED(status) ? "exit" : "signal",
                                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

void hooks_run_created(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                       const char *root_ds)
{
        struct jailor_error err = {0};
        _cleanup_free_ char *root = storage_path(s, root_ds);
        struct jail *j = NULL;
        const char *cmd, *timeout;

        if (jail_open(ctx, s, name, &j, &err) < 0 || j->corrupt) {
                jail_free(j);
                return;
        }
        cmd = jail_prop(j, "exec_created");
        timeout = jail_prop(j, "exec_timeout");
        if (hook_run("exec_created", cmd, name, root, 0, timeout ? (unsigned)atoi(timeout) : 60,
                     &err) < 0)
                jailor_warn(ctx, "%s; the jail was created", err.msg);
        jail_free(j);
}
