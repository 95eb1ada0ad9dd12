/* SPDX-License-Identifier: MIT */
/*
 * The parts of nat.c, shared with the unit tests only: running nft
 * scripts (nat_nft.c), what the table holds (nat_state.c) and the scripts
 * that change it (nat_script.c).
 */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "nat.h"

/* ---- libnftables (nat_nft.c) ------------------------------------------ */

/*
 * Runs script as one transaction.  With json, what it lists is returned in
 * *ret_output (malloc'd; ret_output may be NULL otherwise).  A failure
 * returns a negative errno (recognised from nft's message, else -EIO) with
 * nft's first error line in err; nothing is printed.
 */
int nat_nft_run(const char *script, bool json, char **ret_output, struct jailor_error *err);

/* ---- the table's contents (nat_state.c) -------------------------------- */

enum nat_elem_kind {
        NAT_ELEM_ADDRESS, /* set addresses: the jail's address */
        NAT_ELEM_PORT,    /* map ports: proto . host port : address . jail port */
        NAT_ELEM_EGRESS,  /* set egress: address . interface, masqueraded */
};

struct nat_elem {
        enum nat_elem_kind kind;
        char owner[NAME_MAX_LEN + 1]; /* from the comment jailor:NAME; "" when untagged */
        struct in_addr addr;
        unsigned proto;           /* PORT: NAT_PROTO_TCP or NAT_PROTO_UDP */
        uint16_t port, jail_port; /* PORT */
        char ifname[IFNAMSIZ];    /* EGRESS */
};

struct nat_state {
        bool exists; /* the table is there */
        struct nat_elem *v;
        size_t n;
};

/* The elements in `nft -j list table ip jailor` output. */
int nat_state_parse(const char *json, struct nat_state *ret, struct jailor_error *err);
/* Lists the table from the kernel; no table is an empty state. */
int nat_state_read(struct nat_state *ret, struct jailor_error *err);
void nat_state_done(struct nat_state *st);

/* -EADDRINUSE naming both jails when jail's address or a host port is another jail's. */
int nat_check_conflicts(const struct nat_state *st, const struct nat_jail *jail,
                        struct jailor_error *err);

/* ---- scripts (nat_script.c) ------------------------------------------- */

/*
 * The add transaction: the table's skeleton (made or refreshed), the
 * removal of what st holds for the jail, then its new elements.  NULL when
 * out of memory.
 */
char *nat_script_add(const struct nat_state *st, const struct nat_jail *jail);

/*
 * The remove transaction: the jail's elements, or the whole table when
 * nothing else is in it.  "" when there is nothing to do; NULL when out of
 * memory.
 */
char *nat_script_remove(const struct nat_state *st, const char *name);
