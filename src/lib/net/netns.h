/* SPDX-License-Identifier: MIT */
/*
 * Doing one thing inside another network namespace (a jail's) and coming
 * straight back: sockets and /proc/sys/net belong to the namespace of the
 * thread that opens them, so a socket opened in there keeps acting there.
 */
#pragma once

#include "../error.h"

/*
 * Runs fn(data, err) with the calling thread in the network namespace of
 * netns_fd, then returns to the thread's own.  The way back uses an fd
 * opened before leaving, which cannot fail for a caller that could enter;
 * should it fail anyway, the process aborts rather than go on configuring
 * the wrong namespace.
 */
int netns_call(int netns_fd, int (*fn)(void *data, struct jailor_error *err), void *data,
               struct jailor_error *err);
