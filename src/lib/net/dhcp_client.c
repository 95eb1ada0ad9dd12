/* SPDX-License-Identifier: MIT */
/*
 * The DHCP client's state machine; see dhcp_client.h for the states and
 * timers, dhcp_socket.h for which socket carries what.
 *
 * The packet socket stays open from start to stop, so replies are seen
 * whatever the state (the BPF filter keeps everything but UDP to port 68
 * out).  The UDP socket exists while there is a lease: it sends the
 * unicast REQUESTs and RELEASE, and keeps the kernel from answering a
 * server's unicast reply with "port unreachable".  A reply that arrives on
 * both is handled once: the first moves the state on, and the new state
 * ignores the copy.
 *
 * Times are CLOCK_BOOTTIME milliseconds: a host that sleeps does not stretch
 * a lease.
 */
#include "dhcp_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "dhcp_frame.h"
#include "dhcp_packet.h"
#include "dhcp_socket.h"

#define NEVER UINT64_MAX
#define SEC 1000ULL

#define MAX_REQUESTS 4          /* REQUEST sends before starting over */
#define DECLINE_WAIT (10 * SEC) /* RFC 2131 §3.1.5 */
#define MIN_RENEW_RETRY (60 * SEC)
#define BUF_SIZE 65536

/* What a client asks for (RFC 2132 codes). */
static const uint8_t requested_params[] = {
        DHCP_OPT_SUBNET_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS, DHCP_OPT_DOMAIN,
        DHCP_OPT_LEASE_TIME,  DHCP_OPT_T1,     DHCP_OPT_T2,
};

struct dhcp_client {
        char ifname[IFNAMSIZ];
        char hostname[DHCP_MAX_STRING];
        struct dhcp_link link;
        dhcp_event_fn on_event;
        void *userdata;

        enum dhcp_state state;
        int epoll_fd, packet_fd, udp_fd;
        uint32_t xid;
        uint64_t exchange_start; /* the secs field counts from here */
        uint64_t request_start;  /* the first REQUEST of this exchange: a lease counts from it */
        unsigned sends;          /* of the current message */
        uint64_t resend_at;      /* INIT: when to start over */
        struct in_addr offered, offer_server;
        struct in_addr request_address;
        unsigned naks;

        bool have_lease;
        struct dhcp_lease lease;
        uint64_t t1_at, t2_at, expire_at;

        uint8_t buf[BUF_SIZE];
};

static uint64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_BOOTTIME, &ts);
        return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec / 1000000;
}

static uint32_t random_u32(void)
{
        uint32_t v;

        if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
                v = (uint32_t)now_ms() * 2654435761u ^ (uint32_t)getpid();
        return v;
}

const char *dhcp_state_name(enum dhcp_state state)
{
        static const char *const names[] = {
                [DHCP_STATE_STOPPED] = "stopped",       [DHCP_STATE_INIT] = "init",
                [DHCP_STATE_SELECTING] = "selecting",   [DHCP_STATE_REQUESTING] = "requesting",
                [DHCP_STATE_REBOOTING] = "rebooting",   [DHCP_STATE_BOUND] = "bound",
                [DHCP_STATE_RENEWING] = "renewing",     [DHCP_STATE_REBINDING] = "rebinding",
        };

        return (unsigned)state < ELEMENTSOF(names) ? names[state] : "unknown";
}

/* ---- sockets ------------------------------------------------------------- */

static int watch(struct dhcp_client *c, int fd)
{
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

        return epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void close_udp(struct dhcp_client *c)
{
        if (c->udp_fd >= 0) {
                epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, c->udp_fd, NULL);
                close(c->udp_fd);
                c->udp_fd = -1;
        }
}

/*
 * A failure here is not fatal: the lease stands, RENEWING tries again, and
 * REBINDING goes through the packet socket anyway.
 */
static void open_udp(struct dhcp_client *c)
{
        close_udp(c);
        c->udp_fd = dhcp_socket_udp(c->ifname, c->lease.address, NULL);
        if (c->udp_fd >= 0 && watch(c, c->udp_fd) < 0)
                close_udp(c);
}

/* ---- sending ------------------------------------------------------------- */

static void message_init(struct dhcp_client *c, struct dhcp_message *m, uint8_t type)
{
        uint64_t secs = (now_ms() - c->exchange_start) / SEC;

        memset(m, 0, sizeof(*m));
        m->op = BOOTREQUEST;
        m->type = type;
        m->xid = c->xid;
        m->secs = secs > UINT16_MAX ? UINT16_MAX : (uint16_t)secs;
        memcpy(m->chaddr, c->link.mac, sizeof(m->chaddr));
        /* client id: hardware type 1 and the MAC, as most clients do */
        m->client_id[0] = 1;
        memcpy(m->client_id + 1, c->link.mac, sizeof(c->link.mac));
        m->client_id_len = 1 + sizeof(c->link.mac);
        if (type == DHCP_DISCOVER || type == DHCP_REQUEST) {
                snprintf(m->hostname, sizeof(m->hostname), "%s", c->hostname);
                memcpy(m->params, requested_params, sizeof(requested_params));
                m->n_params = sizeof(requested_params);
                /* what fits in one unfragmented datagram on this link */
                if (c->link.mtu >= 576 + DHCP_FRAME_HEADERS && c->link.mtu <= UINT16_MAX)
                        m->max_size = (uint16_t)(c->link.mtu - DHCP_FRAME_HEADERS);
        }
}

/* Broadcast from src (0.0.0.0 before there is an address) through the packet socket. */
static int send_broadcast(struct dhcp_client *c, const struct dhcp_message *m, struct in_addr src)
{
        struct in_addr all = {INADDR_BROADCAST};
        int n = dhcp_packet_build(c->buf + DHCP_FRAME_HEADERS, BUF_SIZE - DHCP_FRAME_HEADERS, m);
        size_t len;

        if (n < 0)
                return n;
        len = dhcp_frame_wrap(c->buf, (size_t)n, src, all, DHCP_CLIENT_PORT, DHCP_SERVER_PORT);
        return dhcp_socket_packet_send(c->packet_fd, c->link.ifindex, c->buf, len);
}

static int send_unicast(struct dhcp_client *c, const struct dhcp_message *m, struct in_addr dst)
{
        int n = dhcp_packet_build(c->buf, BUF_SIZE, m);

        if (n < 0)
                return n;
        if (c->udp_fd < 0)
                open_udp(c);
        if (c->udp_fd < 0)
                return -ENOTCONN;
        return dhcp_socket_udp_send(c->udp_fd, dst, c->buf, (size_t)n);
}

/* The REQUEST of the current state (RFC 2131 §4.3.2 table 4 says what each carries). */
static int send_request(struct dhcp_client *c)
{
        struct dhcp_message m;
        struct in_addr none = {0};

        message_init(c, &m, DHCP_REQUEST);
        switch (c->state) {
        case DHCP_STATE_REQUESTING:
                m.requested_ip = c->offered;
                m.server_id = c->offer_server;
                return send_broadcast(c, &m, none);
        case DHCP_STATE_REBOOTING:
                m.requested_ip = c->request_address;
                return send_broadcast(c, &m, none);
        case DHCP_STATE_RENEWING:
                m.ciaddr = c->lease.address;
                return send_unicast(c, &m, c->lease.server_id);
        case DHCP_STATE_REBINDING:
                m.ciaddr = c->lease.address;
                return send_broadcast(c, &m, c->lease.address);
        default:
                return -EINVAL;
        }
}

static int send_discover(struct dhcp_client *c)
{
        struct dhcp_message m;
        struct in_addr none = {0};

        message_init(c, &m, DHCP_DISCOVER);
        m.requested_ip = c->request_address; /* a hint the server may follow */
        return send_broadcast(c, &m, none);
}

/* Only a missing interface ends the client; anything else is retried later. */
static int send_result(struct dhcp_client *c, int r, struct jailor_error *err)
{
        if (r == -ENODEV || r == -ENXIO)
                return jailor_error_errno(err, -r, "DHCP on '%s'", c->ifname);
        return 0;
}

/* ---- timers -------------------------------------------------------------- */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
        return a < b ? a : b;
}

/* 4 s, 8 s, ... 64 s, each ±1 s (RFC 2131 §4.1), after the n-th send. */
static uint64_t backoff(unsigned n)
{
        uint64_t base = 4 * SEC << (n > 5 ? 4 : n - 1);

        if (base > 64 * SEC)
                base = 64 * SEC;
        return base - SEC + random_u32() % (2 * SEC + 1);
}

/*
 * Half the time left until deadline, at least 60 s (RFC 2131 §4.4.5); for
 * leases under 16 minutes at least a 16th of the lease instead, or a 2-minute
 * lease (dnsmasq's shortest) would get one try at renewing and one at
 * rebinding before it runs out.
 */
static uint64_t renew_retry(const struct dhcp_client *c, uint64_t now, uint64_t deadline)
{
        uint64_t half = deadline > now ? (deadline - now) / 2 : 0;
        uint64_t least = min_u64(MIN_RENEW_RETRY, c->lease.lease_time * SEC / 16);

        return now + (half > least ? half : least);
}

static uint64_t next_deadline(const struct dhcp_client *c)
{
        switch (c->state) {
        case DHCP_STATE_INIT:
        case DHCP_STATE_SELECTING:
        case DHCP_STATE_REQUESTING:
        case DHCP_STATE_REBOOTING:
                return c->resend_at;
        case DHCP_STATE_BOUND:
                return c->t1_at;
        case DHCP_STATE_RENEWING:
                return min_u64(c->resend_at, c->t2_at);
        case DHCP_STATE_REBINDING:
                return min_u64(c->resend_at, c->expire_at);
        default:
                return NEVER;
        }
}

int dhcp_client_next_timeout_ms(const struct dhcp_client *c)
{
        uint64_t at = next_deadline(c), now = now_ms();

        if (at == NEVER)
                return -1;
        if (at <= now)
                return 0;
        return at - now > INT_MAX ? INT_MAX : (int)(at - now);
}

/* ---- transitions --------------------------------------------------------- */

static void emit(struct dhcp_client *c, enum dhcp_event ev, const struct dhcp_lease *lease)
{
        if (c->on_event)
                c->on_event(c, ev, lease, c->userdata);
}

/* A new exchange: new xid, the secs field from 0. */
static void new_exchange(struct dhcp_client *c, enum dhcp_state state)
{
        c->state = state;
        c->xid = random_u32();
        c->exchange_start = now_ms();
        c->sends = 0;
}

static int enter_selecting(struct dhcp_client *c)
{
        int r;

        new_exchange(c, DHCP_STATE_SELECTING);
        r = send_discover(c);
        c->sends++;
        c->resend_at = now_ms() + backoff(c->sends);
        return r;
}

/* Sends the REQUEST of a requesting state and plans its retransmission. */
static int request(struct dhcp_client *c)
{
        uint64_t now = now_ms();
        int r;

        if (c->sends == 0)
                c->request_start = now;
        r = send_request(c);
        c->sends++;
        if (c->state == DHCP_STATE_RENEWING)
                c->resend_at = renew_retry(c, now, c->t2_at);
        else if (c->state == DHCP_STATE_REBINDING)
                c->resend_at = renew_retry(c, now, c->expire_at);
        else
                c->resend_at = now + backoff(c->sends);
        return r;
}

static void drop_lease(struct dhcp_client *c)
{
        struct dhcp_lease old = c->lease;

        close_udp(c);
        c->have_lease = false;
        memset(&c->lease, 0, sizeof(c->lease));
        emit(c, DHCP_EVENT_EXPIRED, &old);
}

/* Back to INIT, to send a DISCOVER at `at`. */
static void enter_init(struct dhcp_client *c, uint64_t at)
{
        c->state = DHCP_STATE_INIT;
        c->resend_at = at;
}

static uint64_t at_offset(uint64_t start, uint32_t secs)
{
        return secs == DHCP_INFINITE_LEASE ? NEVER : start + secs * SEC;
}

static void enter_bound(struct dhcp_client *c, const struct dhcp_lease *lease)
{
        bool same = c->have_lease && c->lease.address.s_addr == lease->address.s_addr &&
                    c->lease.prefix == lease->prefix;

        if (c->have_lease && !same)
                drop_lease(c);
        c->lease = *lease;
        c->have_lease = true;
        c->state = DHCP_STATE_BOUND;
        c->naks = 0;
        c->t1_at = at_offset(c->request_start, lease->t1);
        c->t2_at = at_offset(c->request_start, lease->t2);
        c->expire_at = at_offset(c->request_start, lease->lease_time);
        if (!same)
                open_udp(c);
        emit(c, same ? DHCP_EVENT_RENEWED : DHCP_EVENT_BOUND, &c->lease);
}

static void got_nak(struct dhcp_client *c)
{
        uint64_t wait = 0;

        /* a server that keeps refusing is asked again less and less often */
        if (c->naks++ > 0)
                wait = min_u64(2 * SEC << (c->naks > 6 ? 5 : c->naks - 2), 64 * SEC);
        emit(c, DHCP_EVENT_NAK, NULL);
        c->request_address.s_addr = 0; /* refused: no use hinting at it again */
        if (c->have_lease)
                drop_lease(c);
        enter_init(c, now_ms() + wait);
}

/* ---- receiving ----------------------------------------------------------- */

static bool waiting_for_ack(enum dhcp_state s)
{
        return s == DHCP_STATE_REQUESTING || s == DHCP_STATE_REBOOTING ||
               s == DHCP_STATE_RENEWING || s == DHCP_STATE_REBINDING;
}

static int process(struct dhcp_client *c, const struct dhcp_message *m)
{
        struct dhcp_lease lease;

        if (m->op != BOOTREPLY || m->xid != c->xid ||
            memcmp(m->chaddr, c->link.mac, sizeof(c->link.mac)) != 0)
                return 0;
        if (c->state == DHCP_STATE_SELECTING) {
                if (m->type != DHCP_OFFER || m->yiaddr.s_addr == 0 || m->server_id.s_addr == 0)
                        return 0;
                /* the first offer will do; same xid for the REQUEST (RFC 2131 §4.4.1) */
                c->state = DHCP_STATE_REQUESTING;
                c->offered = m->yiaddr;
                c->offer_server = m->server_id;
                c->sends = 0;
                return request(c);
        }
        if (!waiting_for_ack(c->state))
                return 0;
        /* while requesting, only the chosen server's answer counts */
        if (c->state == DHCP_STATE_REQUESTING && m->server_id.s_addr != c->offer_server.s_addr)
                return 0;
        if (m->type == DHCP_NAK)
                got_nak(c);
        else if (m->type == DHCP_ACK && dhcp_lease_from_ack(m, &lease) == 0)
                enter_bound(c, &lease);
        return 0;
}

static void receive_packet(struct dhcp_client *c)
{
        for (;;) {
                struct dhcp_message m;
                const uint8_t *payload;
                size_t len;
                bool csum_ready;
                ssize_t n = dhcp_socket_packet_recv(c->packet_fd, c->buf, BUF_SIZE, &csum_ready);

                if (n == -EMSGSIZE || n == -EINTR)
                        continue;
                if (n < 0)
                        return; /* -EAGAIN, or -ENETDOWN said once when the link goes down */
                if (dhcp_frame_unwrap(c->buf, (size_t)n, DHCP_CLIENT_PORT, csum_ready, &payload,
                                      &len) < 0 ||
                    dhcp_packet_parse(payload, len, &m) < 0)
                        continue;
                process(c, &m);
        }
}

static void receive_udp(struct dhcp_client *c)
{
        while (c->udp_fd >= 0) {
                struct dhcp_message m;
                ssize_t n = recv(c->udp_fd, c->buf, BUF_SIZE, MSG_DONTWAIT);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return;
                if (dhcp_packet_parse(c->buf, (size_t)n, &m) == 0)
                        process(c, &m);
        }
}

/* ---- running ------------------------------------------------------------- */

/* What the clock says is due now; one step, the caller loops. */
static int run_timer(struct dhcp_client *c, uint64_t now)
{
        switch (c->state) {
        case DHCP_STATE_INIT:
                return enter_selecting(c);
        case DHCP_STATE_SELECTING:
                c->sends++;
                c->resend_at = now + backoff(c->sends);
                return send_discover(c);
        case DHCP_STATE_REQUESTING:
        case DHCP_STATE_REBOOTING:
                if (c->sends >= MAX_REQUESTS)
                        return enter_selecting(c);
                return request(c);
        case DHCP_STATE_BOUND:
                new_exchange(c, DHCP_STATE_RENEWING);
                return request(c);
        case DHCP_STATE_RENEWING:
                if (now >= c->t2_at)
                        new_exchange(c, DHCP_STATE_REBINDING);
                return request(c);
        case DHCP_STATE_REBINDING:
                if (now >= c->expire_at) {
                        drop_lease(c);
                        return enter_selecting(c);
                }
                return request(c);
        default:
                return 0;
        }
}

int dhcp_client_handle(struct dhcp_client *c, struct jailor_error *err)
{
        uint64_t now;
        int r;

        if (c->state == DHCP_STATE_STOPPED)
                return 0;
        /* both sockets are read until empty, which also clears the (level-triggered) epoll fd */
        receive_packet(c);
        receive_udp(c);
        while (c->state != DHCP_STATE_STOPPED && next_deadline(c) <= (now = now_ms())) {
                r = send_result(c, run_timer(c, now), err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int dhcp_client_new(struct dhcp_client **ret, const struct dhcp_client_config *cfg,
                    struct jailor_error *err)
{
        _cleanup_dhcp_client_ struct dhcp_client *c = NULL;
        int r;

        if (strlen(cfg->ifname) >= IFNAMSIZ)
                return jailor_error_set(err, EINVAL, "Interface name '%s' is too long",
                                        cfg->ifname);
        if (cfg->hostname && strlen(cfg->hostname) >= DHCP_MAX_STRING)
                return jailor_error_set(err, EINVAL, "Host name '%s' is too long for DHCP",
                                        cfg->hostname);
        c = calloc(1, sizeof(*c));
        if (!c)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        c->epoll_fd = c->packet_fd = c->udp_fd = -1;
        strcpy(c->ifname, cfg->ifname);
        snprintf(c->hostname, sizeof(c->hostname), "%s", cfg->hostname ? cfg->hostname : "");
        c->request_address = cfg->request_address;
        c->on_event = cfg->on_event;
        c->userdata = cfg->userdata;
        c->resend_at = NEVER;
        r = dhcp_link_get(cfg->ifname, &c->link, err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

int dhcp_client_start(struct dhcp_client *c, struct jailor_error *err)
{
        int r;

        if (c->state != DHCP_STATE_STOPPED)
                return 0;
        c->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (c->epoll_fd < 0)
                return jailor_error_errno(err, errno, "Cannot create an epoll set");
        c->packet_fd = dhcp_socket_packet(c->link.ifindex, err);
        if (c->packet_fd < 0)
                return jailor_error_prefix(err, "DHCP on '%s'", c->ifname);
        r = watch(c, c->packet_fd);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot watch the DHCP socket");
        if (c->request_address.s_addr == 0)
                return send_result(c, enter_selecting(c), err);
        new_exchange(c, DHCP_STATE_REBOOTING);
        return send_result(c, request(c), err);
}

int dhcp_client_acquire(struct dhcp_client *c, int timeout_ms, struct jailor_error *err)
{
        uint64_t deadline = now_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
        int r = dhcp_client_start(c, err);

        while (r >= 0 && c->state != DHCP_STATE_BOUND) {
                uint64_t now = now_ms();
                int wait = dhcp_client_next_timeout_ms(c);
                struct pollfd p = {.fd = c->epoll_fd, .events = POLLIN};

                if (now >= deadline)
                        return jailor_error_set(err, ETIMEDOUT,
                                                "No DHCP lease on '%s' within %d.%03d s", c->ifname,
                                                timeout_ms / 1000, timeout_ms % 1000);
                if (wait < 0 || (uint64_t)wait > deadline - now)
                        wait = (int)(deadline - now);
                if (poll(&p, 1, wait) < 0 && errno != EINTR)
                        return jailor_error_errno(err, errno, "Cannot wait for DHCP");
                r = dhcp_client_handle(c, err);
        }
        return r < 0 ? r : 0;
}

int dhcp_client_fd(const struct dhcp_client *c)
{
        return c->epoll_fd;
}

int dhcp_client_renew(struct dhcp_client *c, struct jailor_error *err)
{
        if (c->state != DHCP_STATE_BOUND)
                return jailor_error_set(err, EAGAIN, "DHCP on '%s' is %s, not bound", c->ifname,
                                        dhcp_state_name(c->state));
        new_exchange(c, DHCP_STATE_RENEWING);
        return send_result(c, request(c), err);
}

int dhcp_client_decline(struct dhcp_client *c, struct jailor_error *err)
{
        struct dhcp_message m;
        struct in_addr none = {0};
        int r;

        if (!c->have_lease)
                return jailor_error_set(err, EAGAIN, "DHCP on '%s' has no lease to decline",
                                        c->ifname);
        c->xid = random_u32();
        message_init(c, &m, DHCP_DECLINE);
        m.requested_ip = c->lease.address;
        m.server_id = c->lease.server_id;
        r = send_broadcast(c, &m, none);
        drop_lease(c);
        enter_init(c, now_ms() + DECLINE_WAIT);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot send DHCP DECLINE on '%s'", c->ifname);
        return 0;
}

/* RELEASE goes to the server from the leased address; broadcast when unicast cannot. */
static int send_release(struct dhcp_client *c)
{
        struct dhcp_message m;
        int r;

        c->xid = random_u32();
        message_init(c, &m, DHCP_RELEASE);
        m.ciaddr = c->lease.address;
        m.server_id = c->lease.server_id;
        r = send_unicast(c, &m, c->lease.server_id);
        if (r < 0 && c->packet_fd >= 0)
                r = send_broadcast(c, &m, c->lease.address);
        return r;
}

int dhcp_client_stop(struct dhcp_client *c, bool release, struct jailor_error *err)
{
        int r = 0;

        if (release && c->have_lease) {
                r = send_release(c);
                if (r < 0)
                        r = jailor_error_errno(err, -r, "Cannot send DHCP RELEASE on '%s'",
                                               c->ifname);
        }
        close_udp(c);
        if (c->packet_fd >= 0)
                close(c->packet_fd);
        if (c->epoll_fd >= 0)
                close(c->epoll_fd);
        c->packet_fd = c->epoll_fd = -1;
        c->have_lease = false;
        memset(&c->lease, 0, sizeof(c->lease));
        c->state = DHCP_STATE_STOPPED;
        c->resend_at = NEVER;
        return r;
}

const struct dhcp_lease *dhcp_client_lease(const struct dhcp_client *c)
{
        return c->have_lease ? &c->lease : NULL;
}

enum dhcp_state dhcp_client_state(const struct dhcp_client *c)
{
        return c->state;
}

void dhcp_client_free(struct dhcp_client *c)
{
        if (!c)
                return;
        dhcp_client_stop(c, false, NULL);
        free(c);
}
