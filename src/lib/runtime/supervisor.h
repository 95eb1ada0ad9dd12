/* SPDX-License-Identifier: MIT */
/*
 * The supervisor: one small process per running jail, on the host, that
 * owns the jail for its whole life.  It holds the jail's mount namespace
 * (where the root and its binds are mounted, so they vanish with it), makes
 * the jail's init in new PID, UTS, IPC, cgroup, mount (and network)
 * namespaces, logs the console, writes the runtime state, answers `stop` on
 * $JAILOR_RUN_DIR/NAME/control.sock, and cleans up when the init ends.
 */
#pragma once

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "../context.h"
#include "../net/jailnet.h"
#include "../storage/storage.h"
#include "confine.h"
#include "limits.h"
#include "rootfs.h"

struct supervisor_config {
        const struct jailor_ctx *ctx;
        struct storage *storage;
        const char *name;
        const char *root_ds;        /* mounted by the supervisor in its namespace */
        struct rootfs_plan plan;
        const char *hostname;
        const char *exec_start;     /* "auto": /sbin/init when the jail has one, else built in */
        const struct jailnet_plan *net; /* its mode inherit: no network namespace of its own */
        const char *address_file;   /* DHCP, NAT: the jail's address, for list */
        unsigned net_timeout;       /* seconds for a DHCP lease (exec_timeout) */
        const char *resolv_conf;    /* the jail's /etc/resolv.conf at start; NULL: left alone */
        /* DHCP: how the lease's DNS gets into the jail (NULL: it does not) */
        int (*write_resolv_conf)(const char *root, const char *content, struct jailor_error *err);
        struct confinement confine;
        struct jail_limits limits;
        rlim_t max_open_files;      /* 0: the default */
        const char *console_log;    /* host path of log/NAME-console.log */
        unsigned stop_timeout;      /* seconds between the stop signal and SIGKILL */
};

/*
 * Forks the supervisor and waits until the jail is up (its init started) or
 * failed, with the reason in err.  *ret_init: the init's host PID.
 */
int supervisor_launch(const struct supervisor_config *cfg, pid_t *ret_init,
                      struct jailor_error *err);

/* Asks the supervisor of name to stop the jail and waits until it is down. */
int supervisor_request_stop(const struct jailor_ctx *ctx, const char *name, unsigned timeout_s,
                            struct jailor_error *err);
