/* SPDX-License-Identifier: MIT */
/* jailor start --rc | stop --rc: runs the plan of boot_plan.c, wave by wave. */
#include "boot_order.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../jail/jail.h"
#include "../props/parse.h"
#include "../util/cleanup.h"
#include "runtime.h"

struct boot_set {
        struct boot_jail *jails;
        size_t n;
        char **names; /* the jail names, owned */
};

static void boot_set_done(struct boot_set *set)
{
        for (size_t i = 0; i < set->n; i++)
                strv_freep(&set->jails[i].depends);
        free(set->jails);
        strv_freep(&set->names);
}

/* Every jail (templates never run) with its boot, priority and depends. */
static int boot_set_load(const struct jailor_ctx *ctx, struct storage *s, struct boot_set *set,
                         struct jailor_error *err)
{
        int r = jail_names(s, false, &set->names, &set->n, err);

        if (r < 0)
                return r;
        set->jails = calloc(set->n + 1, sizeof(*set->jails));
        if (!set->jails)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; i < set->n; i++) {
                struct boot_jail *b = &set->jails[i];
                struct jail *j = NULL;
                const char *prio;

                b->name = set->names[i];
                if (jail_open(ctx, s, b->name, &j, NULL) < 0 || j->corrupt) {
                        /* a corrupt jail cannot start; only its dependants notice */
                        b->missing = true;
                        jail_free(j);
                        continue;
                }
                b->boot = jail_prop_true(j, "boot");
                prio = jail_prop(j, "priority");
                b->priority = prio ? (unsigned)strtoul(prio, NULL, 10) : 99;
                if (parse_name_list("depends", jail_prop(j, "depends") ?: "none", &b->depends,
                                    NULL) < 0)
                        b->depends = NULL;
                jail_free(j);
        }
        return 0;
}

/* One jail, in a child of its own; the reason of a failure comes back on fd. */
static pid_t act_in_child(const struct jailor_ctx *ctx, struct storage *s, enum boot_action action,
                          const char *name, int fd)
{
        pid_t pid = fork();

        if (pid == 0) {
                struct jailor_error err = {0};
                int r = action == BOOT_START ? runtime_start(ctx, s, name, &err)
                                             : runtime_stop(ctx, s, name, &err);

                if (r < 0 && write(fd, err.msg, strlen(err.msg)) < 0)
                        _exit(2);
                _exit(r < 0 ? 1 : 0);
        }
        return pid;
}

struct running {
        struct boot_jail *jail;
        pid_t pid;
        int fd;
};

/* Runs one wave's jails together; returns how many failed. */
static size_t run_wave(const struct jailor_ctx *ctx, struct storage *s, enum boot_action action,
                       struct boot_set *set, int wave, boot_report_fn report, void *userdata)
{
        struct running *kids = calloc(set->n + 1, sizeof(*kids));
        size_t n_kids = 0, failed = 0;

        for (size_t i = 0; kids && i < set->n; i++) {
                struct boot_jail *j = &set->jails[i];
                bool up = STREQ(runtime_status(ctx, j->name, NULL), "up");
                int pipefd[2];

                if (j->wave != wave)
                        continue;
                if (up == (action == BOOT_START)) {
                        report(userdata, &(struct boot_result){j->name, true, true, NULL});
                        continue;
                }
                if (pipe2(pipefd, O_CLOEXEC) < 0) {
                        report(userdata, &(struct boot_result){j->name, false, false,
                                                               strerror(errno)});
                        failed++;
                        continue;
                }
                kids[n_kids] = (struct running){j, act_in_child(ctx, s, action, j->name, pipefd[1]),
                                                pipefd[0]};
                close(pipefd[1]);
                n_kids++;
        }
        for (size_t k = 0; k < n_kids; k++) {
                char why[JAILOR_ERROR_MAX] = "";
                ssize_t len = kids[k].pid > 0 ? read(kids[k].fd, why, sizeof(why) - 1) : 0;
                int status = 1;

                if (len > 0)
                        why[len] = '\0';
                if (kids[k].pid > 0)
                        while (waitpid(kids[k].pid, &status, 0) < 0 && errno == EINTR)
                                ;
                close(kids[k].fd);
                if (kids[k].pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                        report(userdata, &(struct boot_result){kids[k].jail->name, true, false,
                                                               NULL});
                        continue;
                }
                failed++;
                if (action == BOOT_START)
                        kids[k].jail->wave = BOOT_BLOCKED; /* its dependants will not start */
                report(userdata, &(struct boot_result){kids[k].jail->name, false, false,
                                                       why[0] ? why : "failed"});
        }
        free(kids);
        return failed;
}

/* A jail of this wave whose dependency failed to start does not start: reported, counted. */
static size_t block_dependants(struct boot_set *set, int wave, boot_report_fn report,
                               void *userdata)
{
        size_t blocked = 0;

        for (size_t i = 0; i < set->n; i++) {
                struct boot_jail *j = &set->jails[i];

                for (char **d = j->depends; j->wave == wave && d && *d; d++)
                        for (size_t k = 0; k < set->n && j->wave == wave; k++) {
                                if (!STREQ(set->jails[k].name, *d) ||
                                    set->jails[k].wave != BOOT_BLOCKED)
                                        continue;
                                j->wave = BOOT_BLOCKED;
                                snprintf(j->why, sizeof(j->why),
                                         "its dependency '%s' did not start", *d);
                                report(userdata,
                                       &(struct boot_result){j->name, false, false, j->why});
                                blocked++;
                        }
        }
        return blocked;
}

int boot_order_run(const struct jailor_ctx *ctx, struct storage *s, enum boot_action action,
                   boot_report_fn report, void *userdata, struct jailor_error *err)
{
        struct boot_set set = {0};
        size_t failed = 0, total = 0;
        int waves, r;

        r = boot_set_load(ctx, s, &set, err);
        if (r < 0) {
                boot_set_done(&set);
                return r;
        }
        waves = boot_plan(set.jails, set.n);
        if (waves < 0) {
                boot_set_done(&set);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        for (size_t i = 0; i < set.n; i++) {
                total += set.jails[i].wave != BOOT_OUT;
                /* nothing to stop of a jail that could never start */
                if (set.jails[i].wave == BOOT_BLOCKED && action == BOOT_START) {
                        report(userdata, &(struct boot_result){set.jails[i].name, false, false,
                                                               set.jails[i].why});
                        failed++;
                }
        }
        for (int w = 0; w < waves; w++) {
                int wave = action == BOOT_START ? w : waves - 1 - w;

                if (action == BOOT_START)
                        failed += block_dependants(&set, wave, report, userdata);
                failed += run_wave(ctx, s, action, &set, wave, report, userdata);
        }
        boot_set_done(&set);
        if (failed)
                return jailor_error_set(err, EIO, "%zu of %zu jails failed to %s", failed, total,
                                        action == BOOT_START ? "start" : "stop");
        return 0;
}
