/* SPDX-License-Identifier: MIT */
/* Resource limits: iocage RCTL values and cpuset. */
#include "parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sysinfo.h>

#include "parse-internal.h"

/* Counts go to pids.max, RLIMIT_NOFILE, devpts max=: all int-sized. */
#define RCTL_COUNT_MAX INT32_MAX

uint64_t rctl_pcpu_max(void)
{
        int n = get_nprocs_conf();

        return 100 * (uint64_t)(n > 0 ? n : 1);
}

static bool rctl_is_rate(enum rctl_kind kind)
{
        return kind == RCTL_BYTES_RATE || kind == RCTL_IOPS;
}

static bool rctl_is_bytes(enum rctl_kind kind)
{
        return kind == RCTL_BYTES || kind == RCTL_BYTES_RATE;
}

/* The iocage action prefix: the one that means what Linux does for this kind. */
static const char *rctl_action_rule(const char *s, size_t len, enum rctl_kind kind)
{
        const char *want = rctl_is_rate(kind) ? "throttle" : "deny";

        if (parse_word_eq(s, len, want))
                return NULL;
        if (rctl_is_rate(kind))
                return "the action must be throttle: Linux throttles I/O rates (io.max)";
        if (parse_word_eq(s, len, "log") || parse_word_eq(s, len, "devctl") ||
            (len > 3 && strncasecmp(s, "sig", 3) == 0))
                return "the action must be deny: Linux cgroups enforce limits, they do not log "
                       "or signal";
        return "the action must be deny";
}

static const char *rctl_amount_rule(const char *s, size_t len, enum rctl_kind kind, uint64_t *ret)
{
        uint64_t max = kind == RCTL_PERCENT ? rctl_pcpu_max() : RCTL_COUNT_MAX;
        const char *rule;
        int r;

        if (rctl_is_bytes(kind)) {
                /* iocage's suffixes are b k m g t p; parse_size_rule takes those and K/KB/KiB */
                rule = parse_size_rule(s, len, ret);
                if (rule)
                        return rule;
        } else {
                r = parse_digits(s, len, UINT64_MAX, ret);
                if (r == -EINVAL)
                        return kind == RCTL_PERCENT ? "expected a percentage of one CPU, such as 50"
                                                    : "expected a plain number, without a unit";
                if (r < 0 || *ret > max) {
                        if (kind == RCTL_PERCENT)
                                return "more than 100 times the number of CPUs of this host";
                        return "larger than 2147483647";
                }
        }
        if (*ret == 0)
                return "a limit must be positive: use off to remove it";
        return NULL;
}

int parse_rctl(const char *what, const char *s, enum rctl_kind kind, struct rctl_value *ret,
               struct jailor_error *err)
{
        const char *eq = strchr(s, '='), *amount = eq ? eq + 1 : s, *rule = NULL;

        *ret = (struct rctl_value){0};
        if (strcasecmp(s, "off") == 0)
                return 0;
        if (eq)
                rule = rctl_action_rule(s, (size_t)(eq - s), kind);
        if (!rule)
                rule = rctl_amount_rule(amount, strlen(amount), kind, &ret->amount);
        if (rule && kind == RCTL_PERCENT && strncmp(rule, "more than", 9) == 0)
                return parse_fail(err, what, s, "%s (%llu)", rule,
                                  (unsigned long long)rctl_pcpu_max());
        if (rule)
                return parse_fail(err, what, s, "%s", rule);
        ret->set = true;
        return 0;
}

char *format_rctl(enum rctl_kind kind, const struct rctl_value *v)
{
        char buf[FORMAT_SIZE_MAX];

        if (!v->set)
                return strdup("off");
        if (rctl_is_bytes(kind))
                return strdup(format_size(v->amount, buf));
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v->amount);
        return strdup(buf);
}

/* ---- cpuset ---- */

static const char *cpu_range_rule(const char *s, size_t len, unsigned *first, unsigned *last)
{
        const char *dash = memchr(s, '-', len);
        size_t flen = dash ? (size_t)(dash - s) : len;
        uint64_t a, b;

        if (parse_digits(s, flen, UINT64_MAX, &a) == -EINVAL ||
            (dash && parse_digits(dash + 1, len - flen - 1, UINT64_MAX, &b) == -EINVAL))
                return "expected a CPU number or a range such as 0-3";
        if (!dash)
                b = a;
        if (parse_digits(s, flen, CPU_SETSIZE - 1, &a) < 0 ||
            (dash && parse_digits(dash + 1, len - flen - 1, CPU_SETSIZE - 1, &b) < 0))
                return "CPU numbers go up to 1023";
        if (a > b)
                return "a CPU range must go from low to high";
        *first = (unsigned)a;
        *last = (unsigned)b;
        return NULL;
}

int parse_cpuset(const char *what, const char *s, struct cpuset_value *ret,
                 struct jailor_error *err)
{
        struct parse_iter it;
        const char *entry;
        size_t len;

        *ret = (struct cpuset_value){.kind = CPUSET_OFF};
        CPU_ZERO(&ret->cpus);
        if (strcasecmp(s, "off") == 0)
                return 0;
        if (strcasecmp(s, "all") == 0) {
                ret->kind = CPUSET_ALL;
                return 0;
        }
        ret->kind = CPUSET_LIST;
        parse_iter_init(&it, s, ',');
        while (parse_iter_next(&it, &entry, &len)) {
                unsigned first, last;
                const char *rule;

                if (len == 0)
                        return parse_fail(err, what, s,
                                          "expected off, all, or CPUs and ranges such as 0-3,8");
                rule = cpu_range_rule(entry, len, &first, &last);
                for (unsigned c = first; !rule && c <= last; c++)
                        if (CPU_ISSET(c, &ret->cpus))
                                rule = "a CPU is listed twice";
                if (rule)
                        return parse_fail_entry(err, what, entry, len, "%s", rule);
                for (unsigned c = first; c <= last; c++)
                        CPU_SET(c, &ret->cpus);
        }
        return 0;
}

char *format_cpuset(const struct cpuset_value *c)
{
        char *buf = NULL;
        size_t size = 0;
        bool first = true;
        FILE *f;

        if (c->kind == CPUSET_OFF)
                return strdup("off");
        if (c->kind == CPUSET_ALL)
                return strdup("all");
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        for (unsigned i = 0; i < CPU_SETSIZE; i++) {
                unsigned j = i;

                if (!CPU_ISSET(i, &c->cpus))
                        continue;
                while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, &c->cpus))
                        j++;
                fprintf(f, first ? "%u" : ",%u", i);
                if (j > i)
                        fprintf(f, "-%u", j);
                first = false;
                i = j;
        }
        return parse_stream_end(f, &buf);
}
