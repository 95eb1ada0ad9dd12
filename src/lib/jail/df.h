/* SPDX-License-Identifier: MIT */
/*
 * jailor df: the disk space of every jail and template, iocage's
 * NAME CRT RES QTA USE AVA.
 *
 * USE and AVA are what the storage backend says of the jail's root
 * dataset, which is where its quota applies (jail_apply_quota); QTA is the
 * jail's quota property.  jailor's storage layer reports neither a
 * compression ratio nor reservations, so CRT and RES have no value on any
 * backend (the CLI prints "-").
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../context.h"
#include "../storage/storage.h"
#include "jail.h"

struct jail_df_row {
        char *name;
        bool is_template;
        bool corrupt;   /* config.json unusable: quota is NULL */
        char *quota;    /* the quota property: "none" or a size such as "10G" */
        bool has_space; /* the backend told used and avail (not for broken datasets) */
        uint64_t used, avail;
};

/* Bytes used by the jail's root dataset and still available to it (within its quota). */
int jail_space(struct storage *s, const struct jail *j, uint64_t *ret_used, uint64_t *ret_avail,
               struct jailor_error *err);

/* Rows of all jails and templates, in natural name order. */
int jail_df(const struct jailor_ctx *ctx, struct storage *s, struct jail_df_row **ret,
            size_t *ret_n, struct jailor_error *err);
void jail_df_rows_free(struct jail_df_row *rows, size_t n);

enum jail_df_sort {
        JAIL_DF_SORT_NAME,
        JAIL_DF_SORT_CRT,
        JAIL_DF_SORT_RES,
        JAIL_DF_SORT_QTA,
        JAIL_DF_SORT_USE,
        JAIL_DF_SORT_AVA,
};

/* iocage's `df -s` keys: name, crt, res, qta, use, ava; EINVAL naming them otherwise. */
int jail_df_sort_from_name(const char *name, enum jail_df_sort *ret, struct jailor_error *err);

/* Smallest first, then by name; rows without the value last.  crt and res sort by name. */
void jail_df_rows_sort(struct jail_df_row *rows, size_t n, enum jail_df_sort key);

/*
 * A size the way `zfs list` prints it, three significant digits at most:
 * "0B", "512B", "1.50K", "24.5M", "2G".
 */
#define DF_SIZE_MAX 16
const char *df_format_size(uint64_t bytes, char buf[static DF_SIZE_MAX]);
