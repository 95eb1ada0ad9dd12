/* SPDX-License-Identifier: MIT */
/*
 * jailor's DHCP client (RFC 2131), run by a jail's supervisor inside the
 * jail's network namespace for the jail's whole life (SPEC §7, dhcp=on).
 *
 * It only speaks DHCP: applying a lease (address, route, resolv.conf) is
 * the caller's job, told through one callback.  States:
 *
 *   INIT -> SELECTING -> REQUESTING -> BOUND -> RENEWING -> REBINDING
 *     ^       (DISCOVER)   (REQUEST)     | T1    (unicast)   | T2 (broadcast)
 *     +---- NAK, expiry, DECLINE --------+-------------------+
 *
 * and REBOOTING (RFC 2131's INIT-REBOOT) when the caller asks for the
 * address of an earlier lease.  Retransmission: 4 s doubling to 64 s, each
 * ±1 s, while selecting; REQUEST is sent at most 4 times before starting
 * over; while renewing and rebinding, half the time left to T2 or to the
 * lease's end, at least 60 s (a 16th of the lease for leases under 16 min).  Repeated NAKs back off from 2 s to 64 s.
 *
 * It fits a poll loop: poll dhcp_client_fd() for POLLIN with
 * dhcp_client_next_timeout_ms(), then call dhcp_client_handle().  The fd is
 * the same for the client's life (an epoll set of its sockets).
 * dhcp_client_acquire() runs that loop itself until the first lease.
 *
 * Not done: probing the address with ARP before using it (a caller that
 * finds a conflict calls dhcp_client_decline) and RFC 2131's random 1-10 s
 * wait before the first DISCOVER (jails start one at a time, each with its
 * own MAC, so there is no herd to spread out).
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>

#include "../error.h"
#include "../util/cleanup.h"
#include "dhcp_lease.h"

struct dhcp_client;

enum dhcp_state {
        DHCP_STATE_STOPPED,
        DHCP_STATE_INIT,       /* waiting to start over (after a NAK, an expiry, a DECLINE) */
        DHCP_STATE_SELECTING,  /* DISCOVER sent, waiting for an OFFER */
        DHCP_STATE_REQUESTING, /* REQUEST for an OFFER sent, waiting for ACK or NAK */
        DHCP_STATE_REBOOTING,  /* REQUEST for an earlier lease's address */
        DHCP_STATE_BOUND,
        DHCP_STATE_RENEWING,  /* past T1: REQUEST unicast to the lease's server */
        DHCP_STATE_REBINDING, /* past T2: REQUEST broadcast to any server */
};

enum dhcp_event {
        DHCP_EVENT_BOUND,   /* a new lease: apply it */
        DHCP_EVENT_RENEWED, /* the same address for longer; router, DNS, domain may differ */
        DHCP_EVENT_EXPIRED, /* the lease is gone (its end, a NAK, a DECLINE): remove it */
        DHCP_EVENT_NAK,     /* a server refused the REQUEST; the client starts over */
};

/* A lease with another address than the last comes as EXPIRED (the old one), then BOUND. */
typedef void (*dhcp_event_fn)(struct dhcp_client *client, enum dhcp_event event,
                              const struct dhcp_lease *lease, void *userdata);

struct dhcp_client_config {
        const char *ifname;             /* the interface, in the current network namespace */
        const char *hostname;           /* sent as option 12; NULL for none */
        struct in_addr request_address; /* an earlier lease's address to ask for first, or 0 */
        dhcp_event_fn on_event;         /* lease is NULL for DHCP_EVENT_NAK */
        void *userdata;
};

/* Reads the interface (index, MAC, MTU); sends nothing yet. */
int dhcp_client_new(struct dhcp_client **ret, const struct dhcp_client_config *cfg,
                    struct jailor_error *err);

/* Opens the sockets and sends the first DISCOVER (or REQUEST when rebooting). */
int dhcp_client_start(struct dhcp_client *c, struct jailor_error *err);

/*
 * Starts the client when needed and runs it until it is bound (0) or
 * timeout_ms passed (-ETIMEDOUT).  The callback sees BOUND before it returns.
 */
int dhcp_client_acquire(struct dhcp_client *c, int timeout_ms, struct jailor_error *err);

/* The fd to poll for POLLIN; -1 before dhcp_client_start. */
int dhcp_client_fd(const struct dhcp_client *c);

/* Milliseconds until dhcp_client_handle has work to do by the clock; -1: none. */
int dhcp_client_next_timeout_ms(const struct dhcp_client *c);

/*
 * Reads what arrived and runs what is due; never blocks.  Lost packets and
 * a link that is down are retried later, not errors; an interface that is
 * gone is.
 */
int dhcp_client_handle(struct dhcp_client *c, struct jailor_error *err);

/* Renews now instead of at T1 (BOUND only; -EAGAIN in other states). */
int dhcp_client_renew(struct dhcp_client *c, struct jailor_error *err);

/*
 * The caller found the leased address in use: DECLINE it, drop the lease
 * (DHCP_EVENT_EXPIRED) and start over after 10 s (RFC 2131 §3.1.5).
 */
int dhcp_client_decline(struct dhcp_client *c, struct jailor_error *err);

/*
 * Stops: with release and a lease, sends RELEASE first (before the caller
 * removes the address, which the unicast RELEASE is sent from).  No event.
 */
int dhcp_client_stop(struct dhcp_client *c, bool release, struct jailor_error *err);

/* The current lease, or NULL. */
const struct dhcp_lease *dhcp_client_lease(const struct dhcp_client *c);

enum dhcp_state dhcp_client_state(const struct dhcp_client *c);
const char *dhcp_state_name(enum dhcp_state state);

/* Stops without RELEASE and frees; NULL is fine. */
void dhcp_client_free(struct dhcp_client *c);
DEFINE_CLEANUP_FUNC(struct dhcp_client, dhcp_client_free);
#define _cleanup_dhcp_client_ _cleanup_(dhcp_client_freep)
