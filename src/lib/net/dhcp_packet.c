/* SPDX-License-Identifier: MIT */
#include "dhcp_packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "../util/cleanup.h"

static const uint8_t magic_cookie[4] = {99, 130, 83, 99};

/* Offsets in the fixed BOOTP header. */
enum {
        OFF_OP = 0,
        OFF_HTYPE = 1,
        OFF_HLEN = 2,
        OFF_XID = 4,
        OFF_SECS = 8,
        OFF_FLAGS = 10,
        OFF_CIADDR = 12,
        OFF_YIADDR = 16,
        OFF_SIADDR = 20,
        OFF_GIADDR = 24,
        OFF_CHADDR = 28,
        OFF_SNAME = 44,
        OFF_FILE = 108,
        OFF_COOKIE = DHCP_HEADER_SIZE,
        SNAME_SIZE = 64,
        FILE_SIZE = 128,
};

#define ARPHRD_ETHER_TYPE 1

const char *dhcp_message_type_name(uint8_t type)
{
        static const char *const names[] = {
                [DHCP_DISCOVER] = "DISCOVER", [DHCP_OFFER] = "OFFER", [DHCP_REQUEST] = "REQUEST",
                [DHCP_DECLINE] = "DECLINE",   [DHCP_ACK] = "ACK",     [DHCP_NAK] = "NAK",
                [DHCP_RELEASE] = "RELEASE",   [DHCP_INFORM] = "INFORM",
        };

        return type < ELEMENTSOF(names) && names[type] ? names[type] : "UNKNOWN";
}

/* ---- building ------------------------------------------------------------ */

struct writer {
        uint8_t *buf;
        size_t size, len;
        bool overflow;
};

static void put_option(struct writer *w, uint8_t code, const void *data, size_t len)
{
        if (len > 255 || w->len + 2 + len > w->size) {
                w->overflow = true;
                return;
        }
        w->buf[w->len++] = code;
        w->buf[w->len++] = (uint8_t)len;
        memcpy(w->buf + w->len, data, len);
        w->len += len;
}

static void put_addr(struct writer *w, uint8_t code, struct in_addr a)
{
        if (a.s_addr != 0)
                put_option(w, code, &a, 4);
}

static void put_u32(struct writer *w, uint8_t code, uint32_t v)
{
        uint32_t be = htonl(v);

        if (v != 0)
                put_option(w, code, &be, 4);
}

static void put_addrs(struct writer *w, uint8_t code, const struct in_addr *a, size_t n)
{
        if (n > 0)
                put_option(w, code, a, n * sizeof(*a));
}

static void put_string(struct writer *w, uint8_t code, const char *s)
{
        if (s[0])
                put_option(w, code, s, strnlen(s, DHCP_MAX_STRING));
}

static void put_u32_at(uint8_t *p, uint32_t v)
{
        v = htonl(v);
        memcpy(p, &v, 4);
}

static void put_u16_at(uint8_t *p, uint16_t v)
{
        v = htons(v);
        memcpy(p, &v, 2);
}

int dhcp_packet_build(uint8_t *buf, size_t size, const struct dhcp_message *msg)
{
        struct writer w = {.buf = buf, .size = size, .len = DHCP_MIN_SIZE};
        uint16_t max_size = htons(msg->max_size);

        if (msg->type == 0)
                return -EINVAL;
        if (size < DHCP_MIN_LEGAL_SIZE)
                return -ENOBUFS;
        memset(buf, 0, DHCP_MIN_LEGAL_SIZE);
        buf[OFF_OP] = msg->op;
        buf[OFF_HTYPE] = ARPHRD_ETHER_TYPE;
        buf[OFF_HLEN] = sizeof(msg->chaddr);
        put_u32_at(buf + OFF_XID, msg->xid);
        put_u16_at(buf + OFF_SECS, msg->secs);
        put_u16_at(buf + OFF_FLAGS, msg->flags);
        memcpy(buf + OFF_CIADDR, &msg->ciaddr, 4);
        memcpy(buf + OFF_YIADDR, &msg->yiaddr, 4);
        memcpy(buf + OFF_SIADDR, &msg->siaddr, 4);
        memcpy(buf + OFF_GIADDR, &msg->giaddr, 4);
        memcpy(buf + OFF_CHADDR, msg->chaddr, sizeof(msg->chaddr));
        memcpy(buf + OFF_COOKIE, magic_cookie, sizeof(magic_cookie));

        put_option(&w, DHCP_OPT_MESSAGE_TYPE, &msg->type, 1);
        if (msg->client_id_len > 0)
                put_option(&w, DHCP_OPT_CLIENT_ID, msg->client_id, msg->client_id_len);
        put_addr(&w, DHCP_OPT_REQUESTED_IP, msg->requested_ip);
        put_addr(&w, DHCP_OPT_SERVER_ID, msg->server_id);
        put_string(&w, DHCP_OPT_HOSTNAME, msg->hostname);
        if (msg->max_size != 0)
                put_option(&w, DHCP_OPT_MAX_SIZE, &max_size, 2);
        if (msg->n_params > 0)
                put_option(&w, DHCP_OPT_PARAMS, msg->params, msg->n_params);
        put_u32(&w, DHCP_OPT_LEASE_TIME, msg->lease_time);
        put_u32(&w, DHCP_OPT_T1, msg->t1);
        put_u32(&w, DHCP_OPT_T2, msg->t2);
        put_addr(&w, DHCP_OPT_SUBNET_MASK, msg->subnet_mask);
        put_addrs(&w, DHCP_OPT_ROUTER, msg->routers, msg->n_routers);
        put_addrs(&w, DHCP_OPT_DNS, msg->dns, msg->n_dns);
        put_string(&w, DHCP_OPT_DOMAIN, msg->domain);
        put_string(&w, DHCP_OPT_MESSAGE, msg->message);
        if (w.overflow || w.len + 1 > w.size)
                return -ENOBUFS;
        w.buf[w.len++] = DHCP_OPT_END;
        if (w.len < DHCP_MIN_LEGAL_SIZE)
                w.len = DHCP_MIN_LEGAL_SIZE; /* already zeroed: PAD */
        return (int)w.len;
}

/* ---- parsing ------------------------------------------------------------- */

static uint32_t get_u32(const uint8_t *p)
{
        uint32_t v;

        memcpy(&v, p, 4);
        return ntohl(v);
}

static uint16_t get_u16(const uint8_t *p)
{
        uint16_t v;

        memcpy(&v, p, 2);
        return ntohs(v);
}

/*
 * Appends len bytes to a string option (RFC 3396), dropping what does not
 * fit.  A NUL inside the payload (some servers terminate names) ends the
 * string there.
 */
static void append_string(char *s, const uint8_t *data, size_t len)
{
        size_t have = strlen(s), n = len;

        if (n > DHCP_MAX_STRING - 1 - have)
                n = DHCP_MAX_STRING - 1 - have;
        memcpy(s + have, data, n);
        s[have + n] = '\0';
}

static void append_addrs(struct in_addr *a, size_t *n, const uint8_t *data, size_t len)
{
        for (size_t i = 0; i + 4 <= len && *n < DHCP_MAX_ADDRS; i += 4)
                memcpy(&a[(*n)++], data + i, 4);
}

static void append_bytes(uint8_t *a, size_t *n, size_t cap, const uint8_t *data, size_t len)
{
        size_t take = len < cap - *n ? len : cap - *n;

        memcpy(a + *n, data, take);
        *n += take;
}

/* One option; -EBADMSG when its length does not fit the option's kind. */
static int parse_option(struct dhcp_message *msg, uint8_t code, const uint8_t *data, size_t len,
                        uint8_t *overload)
{
        switch (code) {
        case DHCP_OPT_MESSAGE_TYPE:
        case DHCP_OPT_OVERLOAD:
                if (len != 1)
                        return -EBADMSG;
                if (code == DHCP_OPT_MESSAGE_TYPE)
                        msg->type = data[0];
                else if (overload)
                        *overload = data[0];
                return 0;
        case DHCP_OPT_MAX_SIZE:
                if (len != 2)
                        return -EBADMSG;
                msg->max_size = get_u16(data);
                return 0;
        case DHCP_OPT_SUBNET_MASK:
        case DHCP_OPT_REQUESTED_IP:
        case DHCP_OPT_SERVER_ID:
                if (len != 4)
                        return -EBADMSG;
                memcpy(code == DHCP_OPT_SUBNET_MASK    ? &msg->subnet_mask
                       : code == DHCP_OPT_REQUESTED_IP ? &msg->requested_ip
                                                       : &msg->server_id,
                       data, 4);
                return 0;
        case DHCP_OPT_LEASE_TIME:
        case DHCP_OPT_T1:
        case DHCP_OPT_T2:
                if (len != 4)
                        return -EBADMSG;
                *(code == DHCP_OPT_LEASE_TIME ? &msg->lease_time
                  : code == DHCP_OPT_T1       ? &msg->t1
                                              : &msg->t2) = get_u32(data);
                return 0;
        case DHCP_OPT_ROUTER:
        case DHCP_OPT_DNS:
                if (len == 0 || len % 4 != 0)
                        return -EBADMSG;
                if (code == DHCP_OPT_ROUTER)
                        append_addrs(msg->routers, &msg->n_routers, data, len);
                else
                        append_addrs(msg->dns, &msg->n_dns, data, len);
                return 0;
        case DHCP_OPT_DOMAIN:
                append_string(msg->domain, data, len);
                return 0;
        case DHCP_OPT_HOSTNAME:
                append_string(msg->hostname, data, len);
                return 0;
        case DHCP_OPT_MESSAGE:
                append_string(msg->message, data, len);
                return 0;
        case DHCP_OPT_CLIENT_ID:
                append_bytes(msg->client_id, &msg->client_id_len, DHCP_MAX_CLIENT_ID, data, len);
                return 0;
        case DHCP_OPT_PARAMS:
                append_bytes(msg->params, &msg->n_params, DHCP_MAX_PARAMS, data, len);
                return 0;
        default:
                return 0; /* not one jailor uses */
        }
}

/*
 * The options in one field.  The field may end with END or simply run out;
 * an option whose length byte or payload would pass its end is malformed.
 * overload is NULL where option 52 does not count (inside file and sname).
 */
static int parse_options(struct dhcp_message *msg, const uint8_t *p, size_t size, uint8_t *overload)
{
        size_t i = 0;

        while (i < size) {
                uint8_t code = p[i++], len;
                int r;

                if (code == DHCP_OPT_PAD)
                        continue;
                if (code == DHCP_OPT_END)
                        return 0;
                if (i >= size)
                        return -EBADMSG;
                len = p[i++];
                if (len > size - i)
                        return -EBADMSG;
                r = parse_option(msg, code, p + i, len, overload);
                if (r < 0)
                        return r;
                i += len;
        }
        return 0;
}

int dhcp_packet_parse(const uint8_t *buf, size_t len, struct dhcp_message *msg)
{
        uint8_t overload = 0;
        int r;

        memset(msg, 0, sizeof(*msg));
        if (len < DHCP_MIN_SIZE || memcmp(buf + OFF_COOKIE, magic_cookie, 4) != 0)
                return -EBADMSG;
        if ((buf[OFF_OP] != BOOTREQUEST && buf[OFF_OP] != BOOTREPLY) ||
            buf[OFF_HTYPE] != ARPHRD_ETHER_TYPE || buf[OFF_HLEN] != sizeof(msg->chaddr))
                return -EBADMSG;
        msg->op = buf[OFF_OP];
        msg->xid = get_u32(buf + OFF_XID);
        msg->secs = get_u16(buf + OFF_SECS);
        msg->flags = get_u16(buf + OFF_FLAGS);
        memcpy(&msg->ciaddr, buf + OFF_CIADDR, 4);
        memcpy(&msg->yiaddr, buf + OFF_YIADDR, 4);
        memcpy(&msg->siaddr, buf + OFF_SIADDR, 4);
        memcpy(&msg->giaddr, buf + OFF_GIADDR, 4);
        memcpy(msg->chaddr, buf + OFF_CHADDR, sizeof(msg->chaddr));

        r = parse_options(msg, buf + DHCP_MIN_SIZE, len - DHCP_MIN_SIZE, &overload);
        if (r < 0)
                return r;
        /* RFC 2132 §9.3: file first, then sname */
        if (overload & 1) {
                r = parse_options(msg, buf + OFF_FILE, FILE_SIZE, NULL);
                if (r < 0)
                        return r;
        }
        if (overload & 2) {
                r = parse_options(msg, buf + OFF_SNAME, SNAME_SIZE, NULL);
                if (r < 0)
                        return r;
        }
        if (msg->type < DHCP_DISCOVER || msg->type > DHCP_INFORM)
                return -EBADMSG;
        return 0;
}
