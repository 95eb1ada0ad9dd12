/* SPDX-License-Identifier: MIT */
/*
 * jailor list: one row per jail (or per template) and the one place a
 * jail's run state is looked up.
 *
 * A listing reads defaults.json once and each jail's config.json, and asks
 * jail_state() for each jail: no storage calls and no helper programs per
 * jail, so `list` stays fast with thousands of jails (iocage #230, #1114).
 * A jail whose config.json cannot be used is a CORRUPT row; it never breaks
 * the listing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../context.h"
#include "../storage/storage.h"

struct jail_state {
        bool up;
        pid_t jid; /* the PID of the jail's init on the host when up; 0 when down */
};

/*
 * Whether jail name runs.  Every caller that cares (list, get, set,
 * templates) asks here and nowhere else.
 *
 * Each running jail's supervisor keeps its state in $JAILOR_RUN_DIR/NAME/
 * (runtime/state.h); a stale state (supervisor gone, host rebooted) is
 * reported as down and cleaned.
 */
int jail_state(const struct jailor_ctx *ctx, const char *name, struct jail_state *ret);

/*
 * EBUSY "Jail 'x' is running: stop it before ACTION" when jail name runs:
 * the one check every change that needs a stopped jail makes.
 */
int jail_check_stopped(const struct jailor_ctx *ctx, const char *name, const char *action,
                       struct jailor_error *err);

/* "up" or "down", as iocage prints them. */
const char *jail_state_name(const struct jail_state *st);

struct jail_row {
        char *name;
        bool corrupt;         /* config.json unusable: only name and corrupt_reason are set */
        char *corrupt_reason; /* one line naming the file and the problem */
        struct jail_state state;
        bool is_template;
        bool boot;
        bool basejail;
        bool dhcp;
        char *release;         /* NULL for an empty jail (create -e) */
        char *ip4_addr;        /* canonical property values: "none", "vnet0|10.0.0.5/24"... */
        char *ip6_addr;
        char *address;         /* a running DHCP or NAT jail's address, "10.77.0.123/24"; else NULL */
        char *source_template; /* the template it was created from, NULL when none */
};

/* Rows of all jails (templates: of all templates), in natural name order. */
int jail_list(const struct jailor_ctx *ctx, struct storage *s, bool templates,
              struct jail_row **ret, size_t *ret_n, struct jailor_error *err);
void jail_rows_free(struct jail_row *rows, size_t n);

/*
 * The IP4 column of the short listing: each address without interface and
 * prefix, comma-joined ("10.0.0.5,10.0.0.6"), "DHCP" for a DHCP jail, "-"
 * for none.  malloc'd; NULL when out of memory.
 */
char *jail_row_ip4_short(const struct jail_row *r);

/* iocage's sort keys (`list -s`). */
enum jail_sort {
        JAIL_SORT_JID,
        JAIL_SORT_NAME,
        JAIL_SORT_BOOT,
        JAIL_SORT_STATE,
        JAIL_SORT_TYPE,
        JAIL_SORT_RELEASE,
        JAIL_SORT_IP4,
        JAIL_SORT_IP6,
        JAIL_SORT_TEMPLATE,
};

/*
 * The key called name.  The short listing sorts by jid, name, state,
 * release or ip4; the long one also by boot, type, ip6 and template.
 * EINVAL naming the keys allowed otherwise.
 */
int jail_sort_from_name(const char *name, bool long_format, enum jail_sort *ret,
                        struct jailor_error *err);

/*
 * Sorts as iocage does, then by name (naturally: web_2 before web_10):
 * running jails first for state, boot=on first for boot, jails made from a
 * template first for template, numerically by first address for ip4/ip6
 * (jails without one last).  For every key but name, corrupt rows come
 * after the others.
 */
void jail_rows_sort(struct jail_row *rows, size_t n, enum jail_sort key);
