/* SPDX-License-Identifier: MIT */
/* The boot order's plan: which jails, in which wave (see boot_order.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "boot_order.h"

enum { UNSEEN, VISITING, DONE };

struct planner {
        struct boot_jail *jails;
        size_t n;
        int *mark;
        int *level;       /* before compression: distinct priorities rank, deps push it up */
        unsigned *ranks;  /* the distinct priorities of the jails in the order, ascending */
        size_t n_ranks;
};

static struct boot_jail *find(struct planner *p, const char *name)
{
        for (size_t i = 0; i < p->n; i++)
                if (STREQ(p->jails[i].name, name))
                        return &p->jails[i];
        return NULL;
}

/* boot=on jails and, recursively, what they depend on, join the order. */
static void select_jail(struct planner *p, struct boot_jail *j)
{
        if (j->wave != BOOT_OUT)
                return;
        j->wave = 0;
        for (char **d = j->depends; d && *d; d++) {
                struct boot_jail *dep = find(p, *d);

                if (dep)
                        select_jail(p, dep);
        }
}

static int rank_of(const struct planner *p, unsigned priority)
{
        for (size_t i = 0; i < p->n_ranks; i++)
                if (p->ranks[i] == priority)
                        return (int)i;
        return 0;
}

/* why = before 'name' after */
static void block(struct boot_jail *j, const char *before, const char *name, const char *after)
{
        j->wave = BOOT_BLOCKED;
        snprintf(j->why, sizeof(j->why), "%s'%s'%s", before, name, after);
}

/* The level of jail i: its priority's rank, after every dependency's level. */
static int level_of(struct planner *p, size_t i)
{
        struct boot_jail *j = &p->jails[i];
        int level = rank_of(p, j->priority);

        if (p->mark[i] == DONE)
                return j->wave == BOOT_BLOCKED ? -1 : p->level[i];
        if (p->mark[i] == VISITING) {
                block(j, "its dependencies form a cycle through ", j->name, "");
                return -1;
        }
        p->mark[i] = VISITING;
        if (j->missing)
                block(j, "", j->name, " is not a jail that can start");
        for (char **d = j->depends; d && *d && j->wave != BOOT_BLOCKED; d++) {
                struct boot_jail *dep = find(p, *d);
                int dl;

                if (!dep) {
                        block(j, "it depends on ", *d, ", which is not a jail");
                        break;
                }
                dl = level_of(p, (size_t)(dep - p->jails));
                if (dl < 0) {
                        if (j->wave != BOOT_BLOCKED)
                                block(j, "its dependency ", *d, " cannot start");
                        break;
                }
                if (dl + 1 > level)
                        level = dl + 1;
        }
        p->mark[i] = DONE;
        p->level[i] = level;
        return j->wave == BOOT_BLOCKED ? -1 : level;
}

static int cmp_uint(const void *a, const void *b)
{
        unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

        return x < y ? -1 : x > y;
}

int boot_plan(struct boot_jail *jails, size_t n)
{
        _cleanup_free_ int *mark = calloc(n + 1, sizeof(int)), *level = calloc(n + 1, sizeof(int));
        _cleanup_free_ unsigned *ranks = calloc(n + 1, sizeof(unsigned));
        _cleanup_free_ int *used = NULL;
        struct planner p = {jails, n, mark, level, ranks, 0};
        int max_level = -1, waves = 0;

        if (!mark || !level || !ranks)
                return -1;
        for (size_t i = 0; i < n; i++)
                jails[i].wave = BOOT_OUT;
        for (size_t i = 0; i < n; i++)
                if (jails[i].boot)
                        select_jail(&p, &jails[i]);
        for (size_t i = 0; i < n; i++)
                if (jails[i].wave != BOOT_OUT)
                        ranks[p.n_ranks++] = jails[i].priority;
        qsort(ranks, p.n_ranks, sizeof(*ranks), cmp_uint);
        for (size_t i = 0; i < n; i++)
                if (jails[i].wave != BOOT_OUT && level_of(&p, i) > max_level)
                        max_level = level[i];
        /* levels used, renumbered 0.. without gaps: the waves */
        used = calloc((size_t)max_level + 2, sizeof(int));
        if (!used)
                return -1;
        for (size_t i = 0; i < n; i++)
                if (jails[i].wave >= 0)
                        used[level[i]] = 1;
        for (int l = 0; l <= max_level; l++)
                used[l] = used[l] ? waves++ : -1;
        for (size_t i = 0; i < n; i++)
                if (jails[i].wave >= 0)
                        jails[i].wave = used[level[i]];
        return waves;
}
