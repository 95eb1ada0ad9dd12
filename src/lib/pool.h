/* SPDX-License-Identifier: MIT */
/*
 * Pools: where jails live, and which one is active (SPEC §2).
 *
 * The active pool is recorded in jailor.conf.  With none recorded, the first
 * ZFS pool that does not hold the host's root file system is used; with no
 * such pool, the embedded default directory pool (/var/lib/jailor; the btrfs
 * backend when that path is on btrfs).  Using a pool for the first time
 * activates it: the jailor dataset tree is created and the choice recorded.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "storage/storage.h"

/* The datasets directly under <pool>/jailor, created on activation. */
extern const char *const pool_tree[];

#define POOL_LOW_SPACE_BYTES (10ULL << 30)

struct pool_candidate {
        char *name;                    /* zpool name or directory */
        enum storage_backend backend;
        bool active;                   /* recorded in jailor.conf */
        bool holds_host_root;          /* never auto-selected */
        bool embedded;                 /* the embedded default */
        uint64_t avail;                /* bytes free; 0 when unknown */
};

/* Every pool jailor could use: the ZFS pools, the embedded default, the active one. */
int pool_candidates(const struct jailor_ctx *ctx, struct pool_candidate **ret, size_t *ret_n,
                    struct jailor_error *err);
void pool_candidates_free(struct pool_candidate *c, size_t n);

/*
 * Makes pool (a zpool name, or a directory path) the active pool: checks it,
 * creates the jailor dataset tree and defaults.json, records it.  Warns when
 * less than 10 GiB is free; refuses network shares.
 */
int pool_activate(const struct jailor_ctx *ctx, const char *pool, struct jailor_error *err);
int pool_deactivate(const struct jailor_ctx *ctx, const char *pool, struct jailor_error *err);

/* Opens the pool in use, selecting and activating one when none is active. */
int pool_open(const struct jailor_ctx *ctx, struct storage **ret, struct jailor_error *err);
