/* SPDX-License-Identifier: MIT */
/* A new process inside a jail's cgroup, without the kernel's global migration lock (see the .c). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "../error.h"
#include "cgroup.h"

/*
 * Like clone(flags) (namespaces | exit signal, no stack: the child goes on
 * from here, as after fork), the child born in the jail's cgroup2
 * directory when the kernel can (*ret_born_in_unified).  The child's first
 * act must be cgroup_join_rest.  Returns the PID, 0 in the child, or a
 * negative errno.
 */
pid_t cgroup_clone(const struct cgroup *cg, unsigned long flags, bool *ret_born_in_unified,
                   struct jailor_error *err);

/* In that child: joins the hierarchies it was not born into (v1 ones: the thread moves itself). */
int cgroup_join_rest(const struct cgroup *cg, bool born_in_unified, struct jailor_error *err);
