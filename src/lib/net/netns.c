/* SPDX-License-Identifier: MIT */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>

#include "../util/cleanup.h"

/*
 * Chosen over a helper thread or process (which would never leave the
 * caller's namespace) because it is one syscall pair and needs no threads
 * in a library whose callers fork a lot.
 */
int netns_call(int netns_fd, int (*fn)(void *data, struct jailor_error *err), void *data,
               struct jailor_error *err)
{
        _cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        int r;

        if (self < 0)
                return jailor_error_errno(err, errno,
                                          "Cannot open this thread's network namespace");
        if (setns(netns_fd, CLONE_NEWNET) < 0)
                return jailor_error_errno(err, errno, "Cannot enter the network namespace of fd %d",
                                          netns_fd);
        r = fn(data, err);
        if (setns(self, CLONE_NEWNET) < 0)
                abort();
        return r;
}
