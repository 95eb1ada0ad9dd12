/* SPDX-License-Identifier: MIT */
/*
 * A netlink route socket (libmnl): the one channel through which jailor
 * changes links, addresses and routes.  No `ip` command is ever run.
 *
 * A socket belongs to the network namespace it was opened in, for its whole
 * life: rtnl_open_in() opens one inside another namespace (a jail's), and
 * every request sent on it acts there, whatever namespace the caller is in.
 *
 * Requests ask for the kernel's extended acknowledgement, so a refusal
 * carries the kernel's own reason ("mtu greater than device maximum"),
 * which becomes the error text; without one, strerror() does.
 */
#pragma once

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"
#include "../util/cleanup.h"

struct rtnl;

/* A socket in the caller's network namespace. */
int rtnl_open(struct rtnl **ret, struct jailor_error *err);

/* A socket in the network namespace of netns_fd (/run/netns/NAME, /proc/PID/ns/net). */
int rtnl_open_in(int netns_fd, struct rtnl **ret, struct jailor_error *err);

void rtnl_close(struct rtnl *r);
DEFINE_CLEANUP_FUNC(struct rtnl, rtnl_close)
#define _cleanup_rtnl_ _cleanup_(rtnl_closep)

/* Room for one request: a link with nested kind data and a peer fits many times over. */
#define RTNL_REQUEST_SIZE 4096

/*
 * Starts a request of type in buf (RTNL_REQUEST_SIZE bytes, zeroed here) with
 * NLM_F_REQUEST|flags; the caller adds the family header and attributes with
 * mnl_nlmsg_put_extra_header() and mnl_attr_put*().
 */
struct nlmsghdr *rtnl_request(void *buf, uint16_t type, uint16_t flags);

/* One message of a reply; 0 to go on, -errno to fail (the rest of the reply is still read). */
typedef int (*rtnl_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Sends nlh with NLM_F_ACK and waits for the acknowledgement.  Replies
 * before it (a RTM_GETLINK answer) go to cb when not NULL.  On refusal,
 * -errno with the kernel's message alone in err: callers prefix what they
 * were doing (jailor_error_prefix).
 */
int rtnl_call(struct rtnl *r, struct nlmsghdr *nlh, rtnl_cb cb, void *data,
              struct jailor_error *err);

/*
 * Sends nlh as a dump (NLM_F_DUMP) and gives every object to cb.  When the
 * table changed while it was read (NLM_F_DUMP_INTR: a jail started on a busy
 * host, say) the dump is read again, after reset(data) when reset is not
 * NULL, so cb must be able to start over.
 */
int rtnl_dump(struct rtnl *r, struct nlmsghdr *nlh, rtnl_cb cb, void (*reset)(void *data),
              void *data, struct jailor_error *err);

/*
 * The objects of a dump collected into an array: cb calls rtnl_vec_push()
 * for room for the next one (NULL: out of memory), rtnl_vec_reset is the
 * dump's reset, and v is the caller's to free at the end.
 */
struct rtnl_vec {
        void *v;
        size_t n, cap;
};

void *rtnl_vec_push(struct rtnl_vec *vec, size_t size);
void rtnl_vec_reset(void *vec);
