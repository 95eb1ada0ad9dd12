/* SPDX-License-Identifier: MIT */
/*
 * The JSON form of the library's records: what `jailor --json` prints and
 * what the API returns are the same objects, made here once.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>

#include "jail/df.h"
#include "jail/fstab.h"
#include "jail/list.h"
#include "jail/snapshot.h"
#include "pool.h"

/* {pool, backend, active, embedded, holds_host_root, free} */
json_t *pool_candidate_to_json(const struct pool_candidate *c);

/* A row of `list`: {jid, name, state, boot, type, release, ip4, ...}; a corrupt row has an error. */
json_t *jail_row_to_json(const struct jail_row *r);

/* {index, src, dst, type, options, dump, pass, basejail} */
json_t *fstab_entry_to_json(const struct fstab_entry *e, size_t index);

/* {name, created, rsize, used, config, clones} */
json_t *jail_snapshot_to_json(const struct jail_snapshot *s);

/* A row of `df`: {name, type, crt, res, qta, used, available}. */
json_t *jail_df_row_to_json(const struct jail_df_row *r);

/* Arrays of the above, in order; NULL when out of memory. */
json_t *pool_candidates_to_json(const struct pool_candidate *c, size_t n);
json_t *jail_rows_to_json(const struct jail_row *rows, size_t n);
json_t *fstab_entries_to_json(const struct fstab_entry *v, size_t n);
json_t *jail_snapshots_to_json(const struct jail_snapshot *v, size_t n);
json_t *jail_df_rows_to_json(const struct jail_df_row *rows, size_t n);
