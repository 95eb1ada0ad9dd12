/* SPDX-License-Identifier: MIT */
/*
 * THE property table: every jail property jailor knows, with its type,
 * built-in default, validator, whether it can change while the jail runs,
 * and a one-line doc.  The CLI's validation, get/set, defaults.json, the API
 * schema, the web form and docs/properties.md all come from it.
 *
 * Values travel as canonical strings ("1", "512M", "vnet0|10.0.0.5/24").
 * On disk (config.json, defaults.json) booleans and integers are JSON
 * numbers, everything else a JSON string, as iocage writes them.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../error.h"

enum prop_type {
        PROP_BOOL,      /* 0/1/on/off/yes/no/true/false -> "1" / "0" */
        PROP_INT,       /* decimal integer within [min, max] */
        PROP_STRING,    /* free text, validated by the prop's own validator */
        PROP_ENUM,      /* one of a fixed list */
        PROP_SIZE,      /* "512M", "4G"; "none" (input also "off") when unset */
        PROP_RCTL,      /* iocage RCTL value, "off" or an amount */
        PROP_ADDR_LIST, /* ip4_addr / ip6_addr */
        PROP_LIST,      /* interfaces, nat_forwards, depends, ... */
};

enum prop_flags {
        PROP_LIVE = 1 << 0,         /* can change while the jail runs */
        PROP_READONLY = 1 << 1,     /* maintained by jailor; `set` refuses it */
        PROP_DEFAULT_ONLY = 1 << 2, /* only in defaults.json (nat_prefix, ...) */
        PROP_JAIL_ONLY = 1 << 3,    /* identity: never in defaults.json */
        PROP_PER_JAIL = 1 << 4,     /* default computed per jail (hostname, MACs) */
        PROP_STOPPED = 1 << 5,      /* `set` only while the jail is stopped (template) */
};

/* The schema version written into config.json as CONFIG_VERSION. */
#define PROPS_CONFIG_VERSION 1

enum prop_group {
        PROP_GROUP_BASIC,   /* TrueNAS advanced form: Basic Properties */
        PROP_GROUP_JAIL,    /* Jail Properties */
        PROP_GROUP_NETWORK, /* Network Properties */
        PROP_GROUP_CUSTOM,  /* Custom Properties */
        PROP_GROUP_STATE,   /* read-only state kept by jailor */
};

/* The set/get target: one jail's config, or defaults.json. */
enum prop_scope {
        PROP_SCOPE_JAIL,
        PROP_SCOPE_DEFAULT,
};

struct prop_def {
        const char *name;
        enum prop_type type;
        const char *default_value; /* canonical; NULL with PROP_PER_JAIL */
        unsigned flags;            /* enum prop_flags */
        enum prop_group group;
        const char *doc;           /* one line, for `--help`, docs and the UI */
        const char *const *choices; /* PROP_ENUM: NULL-terminated */
        long long min, max;        /* PROP_INT */
        /* Checks value, returns its canonical form in *ret (malloc'd). */
        int (*validate)(const struct prop_def *p, const char *value, char **ret,
                        struct jailor_error *err);
};

extern const struct prop_def props_table[];
extern const size_t props_count;

const struct prop_def *props_find(const char *name);

/*
 * NULL when name is not a FreeBSD-only iocage property; else the one-line
 * message saying it is refused and what to use on Linux instead.
 */
const char *props_freebsd_only(const char *name);

/* Every iocage property jailor refuses, with its message (for docs). */
struct prop_refused {
        const char *name;
        const char *message; /* what props_freebsd_only() returns */
};

extern const struct prop_refused props_refused[];
extern const size_t props_refused_count;

/*
 * The whole check `set NAME=VALUE` needs: unknown and FreeBSD-only names,
 * read-only keys, scope (default-only / jail-only), then the value's syntax.
 * On success *ret_canonical holds the value to store.
 */
int props_check(const char *name, const char *value, enum prop_scope scope, char **ret_canonical,
                struct jailor_error *err);

/*
 * Canonical string <-> the JSON value stored on disk.  props_from_json takes
 * a string or an integer (and true/false for booleans) and runs the
 * property's validator, read-only properties included, so what it returns is
 * canonical.
 */
json_t *props_to_json(const struct prop_def *p, const char *canonical);
int props_from_json(const struct prop_def *p, json_t *v, char **ret_canonical,
                    struct jailor_error *err);

const char *props_type_name(enum prop_type t);
const char *props_group_name(enum prop_group g);
