/* SPDX-License-Identifier: MIT */
#include "rtnl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netns.h"

/*
 * Big enough for one part of a dump: the kernel sizes dump parts by the
 * reader's buffer, up to 32 KiB (libmnl's later MNL_SOCKET_DUMP_SIZE).  A
 * smaller buffer would truncate them (ENOSPC).
 */
#define RTNL_RECV_SIZE 32768

/* How often a dump is read again when the table keeps changing under it. */
#define RTNL_DUMP_ATTEMPTS 8

struct rtnl {
        struct mnl_socket *nl;
        uint32_t portid;
        uint32_t seq;
        char buf[RTNL_RECV_SIZE];
};

int rtnl_open(struct rtnl **ret, struct jailor_error *err)
{
        _cleanup_free_ struct rtnl *r = calloc(1, sizeof(*r));
        int one = 1;

        if (!r)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!r->nl)
                return jailor_error_errno(err, errno, "Cannot open a netlink route socket");
        if (mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                int e = errno;

                mnl_socket_close(r->nl);
                return jailor_error_errno(err, e, "Cannot bind a netlink route socket");
        }
        /*
         * Extended acks carry the kernel's reason for a refusal; capped acks
         * leave out the echo of our request, which we never read.  Kernels
         * without either still work, with strerror() as the reason.
         */
        (void)mnl_socket_setsockopt(r->nl, NETLINK_EXT_ACK, &one, sizeof(one));
        (void)mnl_socket_setsockopt(r->nl, NETLINK_CAP_ACK, &one, sizeof(one));
        r->portid = mnl_socket_get_portid(r->nl);
        *ret = TAKE_PTR(r);
        return 0;
}

/* A socket stays in the namespace it was made in (netns.h). */
static int open_here(void *ret, struct jailor_error *err)
{
        return rtnl_open(ret, err);
}

int rtnl_open_in(int netns_fd, struct rtnl **ret, struct jailor_error *err)
{
        return netns_call(netns_fd, open_here, ret, err);
}

void rtnl_close(struct rtnl *r)
{
        if (!r)
                return;
        mnl_socket_close(r->nl);
        free(r);
}

struct nlmsghdr *rtnl_request(void *buf, uint16_t type, uint16_t flags)
{
        struct nlmsghdr *nlh;

        memset(buf, 0, RTNL_REQUEST_SIZE);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | flags;
        return nlh;
}

/*
 * The kernel's message in an error or done message whose fixed payload is
 * fixed bytes long; NULL when it sent none.
 */
static const char *extack_message(const struct nlmsghdr *nlh, size_t fixed)
{
        const struct nlattr *attr;

        if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
                return NULL;
        mnl_attr_for_each(attr, nlh, fixed)
        {
                if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
                    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
                        return mnl_attr_get_str(attr);
        }
        return NULL;
}

/* The message alone, without the trailing period some kernel messages have. */
static int kernel_refusal(struct jailor_error *err, int errnum, const char *msg)
{
        size_t len;

        if (!msg || !*msg)
                return jailor_error_set(err, errnum, "%s", strerror(errnum));
        len = strlen(msg);
        while (len > 0 && (msg[len - 1] == '.' || msg[len - 1] == '\n'))
                len--;
        return jailor_error_set(err, errnum, "%.*s", (int)len, msg);
}

static int error_message_result(const struct nlmsghdr *nlh, struct jailor_error *err)
{
        const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
        size_t fixed = sizeof(*e);

        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
                return jailor_error_set(err, EBADMSG, "Truncated netlink error message");
        if (e->error == 0)
                return 0;
        /* uncapped, the original request follows the header: the attributes come after it */
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
                fixed += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
        return kernel_refusal(err, -e->error, extack_message(nlh, fixed));
}

static int done_message_result(const struct nlmsghdr *nlh, struct jailor_error *err)
{
        int status;

        /* old kernels send an empty NLMSG_DONE */
        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
                return 0;
        memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
        if (status >= 0)
                return 0;
        return kernel_refusal(err, -status, extack_message(nlh, sizeof(int)));
}

/*
 * Sends nlh and reads until its acknowledgement or the end of its dump.
 * Everything is read even after cb failed: a dump abandoned halfway would
 * make the kernel refuse the socket's next dump (EBUSY).
 */
static int transact(struct rtnl *r, struct nlmsghdr *nlh, rtnl_cb cb, void *data, bool *interrupted,
                    struct jailor_error *err)
{
        uint32_t seq = ++r->seq;
        int cb_result = 0;

        nlh->nlmsg_seq = seq;
        if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
                return jailor_error_errno(err, errno, "Cannot send a netlink request");
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(r->nl, r->buf, sizeof(r->buf));
                int len = (int)n;

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return jailor_error_errno(err, errno, "Cannot read the netlink reply");
                }
                for (const struct nlmsghdr *m = (const void *)r->buf; mnl_nlmsg_ok(m, len);
                     m = mnl_nlmsg_next(m, &len)) {
                        int k;

                        /* a leftover of an earlier request that failed before its end */
                        if (m->nlmsg_seq != seq || m->nlmsg_pid != r->portid)
                                continue;
                        if (m->nlmsg_flags & NLM_F_DUMP_INTR)
                                *interrupted = true;
                        switch (m->nlmsg_type) {
                        case NLMSG_NOOP:
                        case NLMSG_OVERRUN:
                                continue;
                        case NLMSG_ERROR:
                                k = error_message_result(m, err);
                                break;
                        case NLMSG_DONE:
                                k = done_message_result(m, err);
                                break;
                        default:
                                if (cb && cb_result == 0)
                                        cb_result = cb(m, data);
                                continue;
                        }
                        if (k < 0)
                                return k;
                        if (cb_result < 0)
                                return jailor_error_errno(err, -cb_result,
                                                          "Cannot read the netlink reply");
                        return 0;
                }
        }
}

int rtnl_call(struct rtnl *r, struct nlmsghdr *nlh, rtnl_cb cb, void *data,
              struct jailor_error *err)
{
        bool interrupted = false;

        nlh->nlmsg_flags |= NLM_F_ACK;
        return transact(r, nlh, cb, data, &interrupted, err);
}

int rtnl_dump(struct rtnl *r, struct nlmsghdr *nlh, rtnl_cb cb, void (*reset)(void *data),
              void *data, struct jailor_error *err)
{
        nlh->nlmsg_flags |= NLM_F_DUMP;
        for (int attempt = 1;; attempt++) {
                bool interrupted = false;
                int k = transact(r, nlh, cb, data, &interrupted, err);

                if (k < 0 || !interrupted)
                        return k;
                if (attempt == RTNL_DUMP_ATTEMPTS)
                        return jailor_error_set(err, EAGAIN,
                                                "The kernel's table kept changing while it was "
                                                "read, %d times",
                                                attempt);
                if (reset)
                        reset(data);
        }
}

void *rtnl_vec_push(struct rtnl_vec *vec, size_t size)
{
        if (vec->n == vec->cap) {
                size_t cap = vec->cap ? 2 * vec->cap : 16;
                void *v = reallocarray(vec->v, cap, size);

                if (!v)
                        return NULL;
                vec->v = v;
                vec->cap = cap;
        }
        return (char *)vec->v + size * vec->n++;
}

void rtnl_vec_reset(void *vec)
{
        ((struct rtnl_vec *)vec)->n = 0;
}
