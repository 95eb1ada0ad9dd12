/* SPDX-License-Identifier: MIT */
/* jailor df: space used and available per jail and template. */
#include "df.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../defaults.h"
#include "../props/parse.h"
#include "../util/cleanup.h"

int jail_space(struct storage *s, const struct jail *j, uint64_t *ret_used, uint64_t *ret_avail,
               struct jailor_error *err)
{
        return storage_space(s, j->root_ds, ret_used, ret_avail, err);
}

void jail_df_rows_free(struct jail_df_row *rows, size_t n)
{
        for (size_t i = 0; rows && i < n; i++) {
                free(rows[i].name);
                free(rows[i].quota);
        }
        free(rows);
}

static int fill_row(const struct jailor_ctx *ctx, struct storage *s, json_t *defaults,
                    const char *name, struct jail_df_row *row)
{
        struct jail *j = NULL;
        int r;

        r = jail_open_with(ctx, s, name, defaults, &j, NULL);
        if (r < 0)
                return r;
        row->name = strdup(name);
        row->is_template = j->is_template;
        row->corrupt = j->corrupt;
        if (!j->corrupt)
                row->quota = strdup(jail_prop(j, "quota") ? jail_prop(j, "quota") : "none");
        /* a jail whose datasets are broken still gets its row */
        row->has_space = jail_space(s, j, &row->used, &row->avail, NULL) == 0;
        r = !row->name || (!j->corrupt && !row->quota) ? -ENOMEM : 0;
        jail_free(j);
        return r;
}

/* The names of all jails and all templates, one vector. */
static int all_names(struct storage *s, char ***ret, size_t *ret_n, struct jailor_error *err)
{
        _cleanup_strv_free_ char **jails = NULL, **templates = NULL;
        size_t nj = 0, nt = 0;
        char **all;
        int r;

        r = jail_names(s, false, &jails, &nj, err);
        if (r < 0)
                return r;
        r = jail_names(s, true, &templates, &nt, err);
        if (r < 0)
                return r;
        all = calloc(nj + nt + 1, sizeof(char *));
        if (!all)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        memcpy(all, jails, nj * sizeof(char *));
        memcpy(all + nj, templates, nt * sizeof(char *));
        /* the strings now belong to all */
        free(TAKE_PTR(jails));
        free(TAKE_PTR(templates));
        *ret = all;
        *ret_n = nj + nt;
        return 0;
}

int jail_df(const struct jailor_ctx *ctx, struct storage *s, struct jail_df_row **ret,
            size_t *ret_n, struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        struct jail_df_row *rows = NULL;
        json_t *defaults = NULL;
        size_t n_names = 0, n = 0;
        int r;

        r = defaults_load(ctx, s, &defaults, err);
        if (r < 0)
                return r;
        r = all_names(s, &names, &n_names, err);
        if (r < 0)
                goto out;
        rows = calloc(n_names ? n_names : 1, sizeof(*rows));
        if (!rows) {
                r = jailor_error_set(err, ENOMEM, "Out of memory");
                goto out;
        }
        for (size_t i = 0; i < n_names; i++) {
                r = fill_row(ctx, s, defaults, names[i], &rows[n]);
                if (r == -ENOENT)
                        continue; /* destroyed while we looked */
                n++;
                if (r < 0) {
                        r = jailor_error_set(err, -r, "Cannot read jail '%s'", names[i]);
                        goto out;
                }
        }
        jail_df_rows_sort(rows, n, JAIL_DF_SORT_NAME);
        *ret = TAKE_PTR(rows);
        *ret_n = n;
        r = 0;
out:
        jail_df_rows_free(rows, n);
        json_decref(defaults);
        return r;
}

static const char *const df_sort_names[] = {
        [JAIL_DF_SORT_NAME] = "name", [JAIL_DF_SORT_CRT] = "crt", [JAIL_DF_SORT_RES] = "res",
        [JAIL_DF_SORT_QTA] = "qta",   [JAIL_DF_SORT_USE] = "use", [JAIL_DF_SORT_AVA] = "ava",
};

int jail_df_sort_from_name(const char *name, enum jail_df_sort *ret, struct jailor_error *err)
{
        for (size_t k = 0; k < ELEMENTSOF(df_sort_names); k++) {
                if (strcasecmp(name, df_sort_names[k]) == 0) {
                        *ret = (enum jail_df_sort)k;
                        return 0;
                }
        }
        return jailor_error_set(err, EINVAL,
                                "Invalid sort field '%s': expected one of name, crt, res, qta, "
                                "use, ava",
                                name);
}

/* 0 for "none" and for a corrupt row's unknown quota, as iocage sorts "none". */
static uint64_t quota_bytes(const struct jail_df_row *r)
{
        uint64_t v = 0;

        if (!r->quota || parse_size(NULL, r->quota, &v, NULL) < 0)
                return 0;
        return v;
}

static int compare_u64(uint64_t a, uint64_t b)
{
        return a < b ? -1 : a > b;
}

static int compare_df_rows(const void *pa, const void *pb, void *data)
{
        const struct jail_df_row *a = pa, *b = pb;
        enum jail_df_sort key = *(const enum jail_df_sort *)data;
        int c = 0;

        switch (key) {
        case JAIL_DF_SORT_QTA:
                c = compare_u64(quota_bytes(a), quota_bytes(b));
                break;
        case JAIL_DF_SORT_USE:
        case JAIL_DF_SORT_AVA:
                if (a->has_space != b->has_space)
                        return a->has_space ? -1 : 1;
                if (a->has_space)
                        c = key == JAIL_DF_SORT_USE ? compare_u64(a->used, b->used)
                                                    : compare_u64(a->avail, b->avail);
                break;
        case JAIL_DF_SORT_NAME:
        case JAIL_DF_SORT_CRT:
        case JAIL_DF_SORT_RES:
                break; /* no backend reports crt or res: by name */
        }
        return c ? c : jail_name_compare(a->name, b->name);
}

void jail_df_rows_sort(struct jail_df_row *rows, size_t n, enum jail_df_sort key)
{
        qsort_r(rows, n, sizeof(*rows), compare_df_rows, &key);
}

const char *df_format_size(uint64_t bytes, char buf[static DF_SIZE_MAX])
{
        static const char units[] = "BKMGTPE";
        uint64_t div = 1;
        int u = 0;

        while (u < 6 && bytes / div >= 1024) {
                div *= 1024;
                u++;
        }
        if (bytes % div == 0) {
                snprintf(buf, DF_SIZE_MAX, "%llu%c", (unsigned long long)(bytes / div), units[u]);
                return buf;
        }
        /* as zfs_nicenum: the most decimals that keep it within 5 characters */
        for (int prec = 2; prec >= 0; prec--) {
                snprintf(buf, DF_SIZE_MAX, "%.*f%c", prec, (double)bytes / (double)div, units[u]);
                if (strlen(buf) <= 5)
                        break;
        }
        return buf;
}
