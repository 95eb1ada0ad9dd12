/* SPDX-License-Identifier: MIT */
/*
 * Jails as records (SPEC §5): a jail is the dataset jails/NAME (templates:
 * templates/NAME) holding config.json, fstab and the dataset root/.
 *
 * Every change to a jail holds the lock "jail-NAME" (util/lock.h), taken
 * without waiting: a second command on the same name fails at once with a
 * clear error.  Changes are all-or-nothing: new jails are built in
 * staging/NAME and renamed into jails/ as the last step.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "../context.h"
#include "../storage/storage.h"

struct jail {
        char *name;
        bool is_template;  /* lives in templates/ */
        char *ds;          /* "jails/NAME" or "templates/NAME" */
        char *root_ds;     /* ds + "/root" */
        json_t *config;    /* config.json as on disk: only what differs from the defaults */
        json_t *props;     /* effective values, name -> canonical string (see jail_props) */
        bool corrupt;      /* config.json unreadable; only name, ds and corrupt_reason are set */
        char *corrupt_reason;
};

/*
 * Reads jail (or template) name: ENOENT "Jail 'x' not found".  The effective
 * properties are the built-in table, overlaid by defaults.json, overlaid by
 * config.json, plus the values computed per jail (host_hostuuid,
 * host_hostname, type).  A corrupt config.json is not an error here: the
 * jail comes back with corrupt set, for list to show.
 */
int jail_open(const struct jailor_ctx *ctx, struct storage *s, const char *name, struct jail **ret,
              struct jailor_error *err);
/* Like jail_open, with defaults already loaded (list reads many jails). */
int jail_open_with(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                   json_t *defaults, struct jail **ret, struct jailor_error *err);
void jail_free(struct jail *j);

/* The effective canonical value of a property; NULL when it has none. */
const char *jail_prop(const struct jail *j, const char *name);
bool jail_prop_true(const struct jail *j, const char *name);

/* Writes j->config (atomically) to config.json and recomputes j->props. */
int jail_save(const struct jailor_ctx *ctx, struct storage *s, struct jail *j,
              struct jailor_error *err);

/* Sets canonical value in j->config, dropping it when it equals the default. */
int jail_config_set(struct jail *j, json_t *defaults, const char *name, const char *canonical,
                    struct jailor_error *err);

/* Recomputes j->props from j->config and defaults (after jail_config_set), writing nothing. */
int jail_update_props(struct jail *j, json_t *defaults, struct jailor_error *err);

/* Names of all jails (templates: the templates), sorted naturally (web_2 < web_10). */
int jail_names(struct storage *s, bool templates, char ***ret, size_t *ret_n,
               struct jailor_error *err);

/* 1 when a jail or a template of that name exists, 0 when not. */
int jail_name_taken(struct storage *s, const char *name);

/* Takes "jail-NAME" without waiting; EBUSY with a message naming the jail. */
int jail_lock(const struct jailor_ctx *ctx, const char *name, int *ret_fd,
              struct jailor_error *err);

/* <root of the pool>/<j->ds>/<file> */
char *jail_file(struct storage *s, const struct jail *j, const char *file);

/* Natural order: "web_2" before "web_10". */
int jail_name_compare(const char *a, const char *b);

/* ---- create ------------------------------------------------------------- */

enum jail_kind {
        JAIL_CLONE,    /* copy-on-write clone of the release (default) */
        JAIL_BASEJAIL, /* own /etc, /var...; the release's system dirs bound read-only */
        JAIL_THICK,    /* a full copy of the release */
        JAIL_EMPTY,    /* an empty root */
};

struct jail_create_request {
        const char *name;          /* NULL: a UUID */
        bool short_uuid;           /* with name NULL: its first 8 characters */
        const char *release;       /* -r */
        const char *template_name; /* -t */
        enum jail_kind kind;
        unsigned count;            /* -c: NAME_1 ... NAME_count; 0 means one jail */
        char *const *props;        /* PROP=VALUE ... */
        size_t n_props;
};

/* Creates the jail(s); *ret_names gets the names made (NULL-terminated). */
int jail_create(const struct jailor_ctx *ctx, struct storage *s,
                const struct jail_create_request *req, char ***ret_names,
                struct jailor_error *err);

/* ---- destroy ------------------------------------------------------------ */

/* Removes a jail or template; refused while others depend on it unless recursive. */
int jail_destroy(const struct jailor_ctx *ctx, struct storage *s, const char *name, bool recursive,
                 struct jailor_error *err);

/* Jails cloned from this jail's or template's snapshots ("jails/x", "templates/y"). */
int jail_dependants(struct storage *s, const struct jail *j, char ***ret,
                    struct jailor_error *err);
