/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the DHCP client's pure parts: messages (net/dhcp_packet.h),
 * IPv4/UDP framing (net/dhcp_frame.h) and leases (net/dhcp_lease.h).
 * Malformed input is parsed from heap buffers of its exact size, so that a
 * read past the end shows under valgrind or ASan.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/dhcp_frame.h"
#include "net/dhcp_lease.h"
#include "net/dhcp_packet.h"
#include "util/cleanup.h"

static struct in_addr ip(const char *s)
{
        struct in_addr a;

        assert_int_equal(inet_pton(AF_INET, s, &a), 1);
        return a;
}

static const uint8_t mac[6] = {0x02, 0x4a, 0x00, 0x00, 0x00, 0x07};

static void client_message(struct dhcp_message *m, uint8_t type)
{
        memset(m, 0, sizeof(*m));
        m->op = BOOTREQUEST;
        m->type = type;
        m->xid = 0x12345678;
        m->secs = 3;
        memcpy(m->chaddr, mac, sizeof(mac));
        m->client_id[0] = 1;
        memcpy(m->client_id + 1, mac, sizeof(mac));
        m->client_id_len = 7;
}

/* An ACK as dnsmasq sends it on the test LAN. */
static void server_ack(struct dhcp_message *m)
{
        memset(m, 0, sizeof(*m));
        m->op = BOOTREPLY;
        m->type = DHCP_ACK;
        m->xid = 0x12345678;
        m->yiaddr = ip("10.77.0.142");
        m->siaddr = ip("10.77.0.1");
        memcpy(m->chaddr, mac, sizeof(mac));
        m->server_id = ip("10.77.0.1");
        m->subnet_mask = ip("255.255.255.0");
        m->lease_time = 120;
        m->t1 = 60;
        m->t2 = 105;
        m->routers[0] = ip("10.77.0.1");
        m->n_routers = 1;
        m->dns[0] = ip("10.77.0.1");
        m->dns[1] = ip("9.9.9.9");
        m->n_dns = 2;
        strcpy(m->domain, "lan.example");
}

/* Builds m, then parses a copy of exactly the built length. */
static int round_trip(const struct dhcp_message *m, struct dhcp_message *out, size_t *ret_len)
{
        uint8_t buf[1500];
        int n = dhcp_packet_build(buf, sizeof(buf), m);
        _cleanup_free_ uint8_t *copy = NULL;

        assert_true(n >= DHCP_MIN_LEGAL_SIZE);
        copy = malloc((size_t)n);
        memcpy(copy, buf, (size_t)n);
        if (ret_len)
                *ret_len = (size_t)n;
        return dhcp_packet_parse(copy, (size_t)n, out);
}

static int parse_exact(const uint8_t *data, size_t len, struct dhcp_message *out)
{
        _cleanup_free_ uint8_t *copy = malloc(len ? len : 1);

        memcpy(copy, data, len);
        return dhcp_packet_parse(copy, len, out);
}

static void test_discover_round_trip(void **state)
{
        struct dhcp_message m, p;

        client_message(&m, DHCP_DISCOVER);
        strcpy(m.hostname, "web");
        m.params[0] = DHCP_OPT_SUBNET_MASK;
        m.params[1] = DHCP_OPT_ROUTER;
        m.params[2] = DHCP_OPT_DNS;
        m.n_params = 3;
        m.max_size = 1472;
        m.requested_ip = ip("10.77.0.150");
        m.flags = DHCP_FLAG_BROADCAST;
        assert_int_equal(round_trip(&m, &p, NULL), 0);
        assert_int_equal(p.op, BOOTREQUEST);
        assert_int_equal(p.type, DHCP_DISCOVER);
        assert_int_equal(p.xid, 0x12345678);
        assert_int_equal(p.secs, 3);
        assert_int_equal(p.flags, DHCP_FLAG_BROADCAST);
        assert_memory_equal(p.chaddr, mac, 6);
        assert_int_equal(p.client_id_len, 7);
        assert_memory_equal(p.client_id, m.client_id, 7);
        assert_string_equal(p.hostname, "web");
        assert_int_equal(p.n_params, 3);
        assert_memory_equal(p.params, m.params, 3);
        assert_int_equal(p.max_size, 1472);
        assert_int_equal(p.requested_ip.s_addr, m.requested_ip.s_addr);
        assert_int_equal(p.server_id.s_addr, 0);
        assert_int_equal(p.lease_time, 0);
}

static void test_ack_round_trip(void **state)
{
        struct dhcp_message m, p;

        server_ack(&m);
        assert_int_equal(round_trip(&m, &p, NULL), 0);
        assert_int_equal(p.op, BOOTREPLY);
        assert_int_equal(p.type, DHCP_ACK);
        assert_int_equal(p.yiaddr.s_addr, m.yiaddr.s_addr);
        assert_int_equal(p.siaddr.s_addr, m.siaddr.s_addr);
        assert_int_equal(p.server_id.s_addr, m.server_id.s_addr);
        assert_int_equal(p.subnet_mask.s_addr, m.subnet_mask.s_addr);
        assert_int_equal(p.lease_time, 120);
        assert_int_equal(p.t1, 60);
        assert_int_equal(p.t2, 105);
        assert_int_equal(p.n_routers, 1);
        assert_int_equal(p.routers[0].s_addr, m.routers[0].s_addr);
        assert_int_equal(p.n_dns, 2);
        assert_int_equal(p.dns[1].s_addr, ip("9.9.9.9").s_addr);
        assert_string_equal(p.domain, "lan.example");
}

/* Every message type the client sends or receives survives the trip. */
static void test_every_type_round_trips(void **state)
{
        const uint8_t types[] = {DHCP_DISCOVER, DHCP_OFFER, DHCP_REQUEST, DHCP_DECLINE,
                                 DHCP_ACK,      DHCP_NAK,   DHCP_RELEASE};
        struct dhcp_message m, p;

        for (size_t i = 0; i < ELEMENTSOF(types); i++) {
                client_message(&m, types[i]);
                m.ciaddr = ip("10.77.0.142");
                m.server_id = ip("10.77.0.1");
                if (types[i] == DHCP_NAK)
                        strcpy(m.message, "wrong network");
                assert_int_equal(round_trip(&m, &p, NULL), 0);
                assert_int_equal(p.type, types[i]);
                assert_int_equal(p.ciaddr.s_addr, m.ciaddr.s_addr);
                assert_string_equal(p.message, m.message);
        }
        assert_string_equal(dhcp_message_type_name(DHCP_NAK), "NAK");
        assert_string_equal(dhcp_message_type_name(DHCP_RELEASE), "RELEASE");
        assert_string_equal(dhcp_message_type_name(0), "UNKNOWN");
        assert_string_equal(dhcp_message_type_name(200), "UNKNOWN");
}

static void test_build_limits(void **state)
{
        uint8_t buf[1500];
        struct dhcp_message m;

        client_message(&m, DHCP_DISCOVER);
        /* padded to the 300 bytes every server accepts */
        assert_int_equal(dhcp_packet_build(buf, sizeof(buf), &m), DHCP_MIN_LEGAL_SIZE);
        assert_int_equal(dhcp_packet_build(buf, DHCP_MIN_LEGAL_SIZE - 1, &m), -ENOBUFS);
        memset(m.hostname, 'h', DHCP_MAX_STRING - 1);
        m.hostname[DHCP_MAX_STRING - 1] = '\0';
        assert_int_equal(dhcp_packet_build(buf, DHCP_MIN_LEGAL_SIZE, &m), -ENOBUFS);
        m.type = 0;
        assert_int_equal(dhcp_packet_build(buf, sizeof(buf), &m), -EINVAL);
}

/* A message cut anywhere is either refused or parsed within its bytes. */
static void test_truncated(void **state)
{
        uint8_t buf[1500];
        struct dhcp_message m, p;
        int n;

        server_ack(&m);
        n = dhcp_packet_build(buf, sizeof(buf), &m);
        for (size_t len = 0; len < DHCP_MIN_SIZE; len++)
                assert_int_equal(parse_exact(buf, len, &p), -EBADMSG);
        /* cut inside the first option (message type, 3 bytes) */
        assert_int_equal(parse_exact(buf, DHCP_MIN_SIZE + 1, &p), -EBADMSG);
        assert_int_equal(parse_exact(buf, DHCP_MIN_SIZE + 2, &p), -EBADMSG);
        /* cut inside a later option: its length passes the end */
        assert_int_equal(parse_exact(buf, DHCP_MIN_SIZE + 5, &p), -EBADMSG);
        for (int len = DHCP_MIN_SIZE; len <= n; len++) {
                int r = parse_exact(buf, (size_t)len, &p);

                assert_true(r == 0 || r == -EBADMSG);
        }
}

/* The smallest valid message: header, cookie, message type; END is optional. */
static size_t minimal(uint8_t *buf, uint8_t type)
{
        static const uint8_t cookie[4] = {99, 130, 83, 99};

        memset(buf, 0, DHCP_MIN_SIZE + 3);
        buf[0] = BOOTREPLY;
        buf[1] = 1;
        buf[2] = 6;
        memcpy(buf + DHCP_HEADER_SIZE, cookie, 4);
        buf[DHCP_MIN_SIZE] = DHCP_OPT_MESSAGE_TYPE;
        buf[DHCP_MIN_SIZE + 1] = 1;
        buf[DHCP_MIN_SIZE + 2] = type;
        return DHCP_MIN_SIZE + 3;
}

static void test_magic_cookie_and_header(void **state)
{
        uint8_t buf[600];
        struct dhcp_message p;
        size_t len = minimal(buf, DHCP_OFFER);

        assert_int_equal(parse_exact(buf, len, &p), 0);
        assert_int_equal(p.type, DHCP_OFFER);
        buf[DHCP_HEADER_SIZE + 3] = 98; /* wrong cookie */
        assert_int_equal(parse_exact(buf, len, &p), -EBADMSG);
        len = minimal(buf, DHCP_OFFER);
        buf[0] = 3; /* neither BOOTREQUEST nor BOOTREPLY */
        assert_int_equal(parse_exact(buf, len, &p), -EBADMSG);
        len = minimal(buf, DHCP_OFFER);
        buf[2] = 16; /* not Ethernet */
        assert_int_equal(parse_exact(buf, len, &p), -EBADMSG);
        len = minimal(buf, 0); /* no DHCP type: plain BOOTP */
        assert_int_equal(parse_exact(buf, len, &p), -EBADMSG);
        len = minimal(buf, 9);
        assert_int_equal(parse_exact(buf, len, &p), -EBADMSG);
}

/* Appends one option to a minimal message; returns the new length. */
static size_t with_option(uint8_t *buf, size_t len, uint8_t code, uint8_t optlen, const void *data,
                          size_t datalen)
{
        buf[len++] = code;
        buf[len++] = optlen;
        memcpy(buf + len, data, datalen);
        return len + datalen;
}

static void test_option_overrun(void **state)
{
        uint8_t buf[600];
        struct dhcp_message p;
        const uint8_t four[4] = {10, 77, 0, 1};
        size_t len;

        /* a length byte that claims more than is left */
        len = with_option(buf, minimal(buf, DHCP_ACK), DHCP_OPT_ROUTER, 8, four, 4);
        assert_int_equal(parse_exact(buf, len, &p), -EBADMSG);
        /* an option code as the very last byte, no length */
        len = minimal(buf, DHCP_ACK);
        buf[len++] = DHCP_OPT_DOMAIN;
        assert_int_equal(parse_exact(buf, len, &p), -EBADMSG);
        /* the same inside the file field when overload points there */
        len = minimal(buf, DHCP_ACK);
        len = with_option(buf, len, DHCP_OPT_OVERLOAD, 1, (uint8_t[]){1}, 1);
        buf[108 + 126] = DHCP_OPT_DNS;
        buf[108 + 127] = 4;
        assert_int_equal(parse_exact(buf, len, &p), -EBADMSG);
}

static void test_option_lengths(void **state)
{
        uint8_t buf[600];
        struct dhcp_message p;
        const uint8_t bytes[8] = {0, 0, 0, 120, 0, 0, 0, 0};
        size_t base;

        base = minimal(buf, DHCP_ACK);
        assert_int_equal(parse_exact(buf, with_option(buf, base, DHCP_OPT_LEASE_TIME, 3, bytes, 3),
                                     &p),
                         -EBADMSG);
        assert_int_equal(parse_exact(buf, with_option(buf, base, DHCP_OPT_SERVER_ID, 5, bytes, 5),
                                     &p),
                         -EBADMSG);
        assert_int_equal(parse_exact(buf, with_option(buf, base, DHCP_OPT_ROUTER, 6, bytes, 6), &p),
                         -EBADMSG);
        assert_int_equal(parse_exact(buf, with_option(buf, base, DHCP_OPT_DNS, 0, bytes, 0), &p),
                         -EBADMSG);
        assert_int_equal(
                parse_exact(buf, with_option(buf, base, DHCP_OPT_MESSAGE_TYPE, 2, bytes, 2), &p),
                -EBADMSG);
        assert_int_equal(parse_exact(buf, with_option(buf, base, DHCP_OPT_LEASE_TIME, 4, bytes, 4),
                                     &p),
                         0);
        assert_int_equal(p.lease_time, 120);
}

static void test_unknown_pad_end_and_lists(void **state)
{
        uint8_t buf[600];
        struct dhcp_message p;
        const uint8_t junk[3] = {1, 2, 3};
        const uint8_t dns[4 * 10] = {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5,
                                     6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10};
        size_t len = minimal(buf, DHCP_ACK);

        buf[len++] = DHCP_OPT_PAD;
        len = with_option(buf, len, 224, 3, junk, 3); /* site-specific: skipped */
        len = with_option(buf, len, DHCP_OPT_DNS, 8, dns, 8);
        len = with_option(buf, len, DHCP_OPT_DNS, 32, dns + 8, 32); /* repeated: appended */
        len = with_option(buf, len, DHCP_OPT_DOMAIN, 4, "lan\0", 4);
        buf[len++] = DHCP_OPT_END;
        len = with_option(buf, len, DHCP_OPT_ROUTER, 200, junk, 3); /* after END: never read */
        assert_int_equal(parse_exact(buf, len, &p), 0);
        assert_int_equal(p.n_dns, DHCP_MAX_ADDRS); /* the rest dropped, not overflowed */
        assert_int_equal(p.dns[7].s_addr, ip("8.8.8.8").s_addr);
        assert_string_equal(p.domain, "lan");
        assert_int_equal(p.n_routers, 0);
}

/* Options carried in the file and sname fields (option 52). */
static void test_overload(void **state)
{
        uint8_t buf[600];
        struct dhcp_message p;
        size_t len = with_option(buf, minimal(buf, DHCP_ACK), DHCP_OPT_OVERLOAD, 1, (uint8_t[]){3},
                                 1);

        with_option(buf, 108, DHCP_OPT_LEASE_TIME, 4, (uint8_t[]){0, 0, 1, 0}, 4);
        with_option(buf, 44, DHCP_OPT_DOMAIN, 3, "lan", 3);
        buf[44 + 5] = DHCP_OPT_END;
        assert_int_equal(parse_exact(buf, len, &p), 0);
        assert_int_equal(p.lease_time, 256);
        assert_string_equal(p.domain, "lan");
}

/* ---- framing ------------------------------------------------------------- */

static size_t framed_ack(uint8_t *buf, size_t size)
{
        struct dhcp_message m;
        int n;

        server_ack(&m);
        n = dhcp_packet_build(buf + DHCP_FRAME_HEADERS, size - DHCP_FRAME_HEADERS, &m);
        assert_true(n > 0);
        return dhcp_frame_wrap(buf, (size_t)n, ip("10.77.0.1"), ip("10.77.0.142"),
                               DHCP_SERVER_PORT, DHCP_CLIENT_PORT);
}

static int unwrap_exact(const uint8_t *buf, size_t len, bool check, struct dhcp_message *p)
{
        _cleanup_free_ uint8_t *copy = malloc(len);
        const uint8_t *payload;
        size_t plen;
        int r;

        memcpy(copy, buf, len);
        r = dhcp_frame_unwrap(copy, len, DHCP_CLIENT_PORT, check, &payload, &plen);
        if (r < 0)
                return r;
        return dhcp_packet_parse(payload, plen, p);
}

static void test_frame_round_trip(void **state)
{
        uint8_t buf[1500];
        struct dhcp_message p;
        size_t len = framed_ack(buf, sizeof(buf));

        assert_true(len >= DHCP_FRAME_HEADERS + DHCP_MIN_LEGAL_SIZE);
        assert_int_equal(unwrap_exact(buf, len, true, &p), 0);
        assert_int_equal(p.type, DHCP_ACK);
        assert_int_equal(p.yiaddr.s_addr, ip("10.77.0.142").s_addr);
        /* Ethernet padding after the datagram is fine */
        assert_int_equal(unwrap_exact(buf, len + 10, true, &p), 0);
        /* the IP header's checksum checks out to 0 */
        assert_int_equal(dhcp_frame_checksum(buf, 20, 0), 0);
}

static void fix_ip_checksum(uint8_t *buf)
{
        uint16_t sum;

        buf[10] = buf[11] = 0;
        sum = dhcp_frame_checksum(buf, 20, 0);
        buf[10] = (uint8_t)(sum >> 8);
        buf[11] = (uint8_t)sum;
}

static void test_frame_refusals(void **state)
{
        uint8_t buf[1500];
        struct dhcp_message p;
        size_t len = framed_ack(buf, sizeof(buf));

        for (size_t cut = 0; cut < len; cut += 7)
                assert_int_equal(unwrap_exact(buf, cut, true, &p), -EBADMSG);
        buf[DHCP_FRAME_HEADERS + 40] ^= 1; /* payload changed: UDP checksum wrong */
        assert_int_equal(unwrap_exact(buf, len, true, &p), -EBADMSG);
        /* unless the kernel said the checksum was left to the hardware */
        assert_int_equal(unwrap_exact(buf, len, false, &p), 0);
        buf[DHCP_FRAME_HEADERS + 40] ^= 1;
        buf[8] ^= 1; /* TTL changed: header checksum wrong */
        assert_int_equal(unwrap_exact(buf, len, true, &p), -EBADMSG);
        buf[8] ^= 1;
        buf[6] |= 0x20; /* more fragments, with a good header checksum */
        fix_ip_checksum(buf);
        assert_int_equal(unwrap_exact(buf, len, true, &p), -EBADMSG);
        buf[6] &= ~0x20;
        fix_ip_checksum(buf);
        assert_int_equal(unwrap_exact(buf, len, true, &p), 0);
        len = dhcp_frame_wrap(buf, DHCP_MIN_LEGAL_SIZE, ip("10.77.0.1"), ip("10.77.0.142"),
                              DHCP_SERVER_PORT, 69); /* not to the client port */
        assert_int_equal(unwrap_exact(buf, len, true, &p), -EBADMSG);
}

/* ---- leases -------------------------------------------------------------- */

static void test_lease_from_ack(void **state)
{
        struct dhcp_message m;
        struct dhcp_lease l;

        server_ack(&m);
        assert_int_equal(dhcp_lease_from_ack(&m, &l), 0);
        assert_int_equal(l.address.s_addr, ip("10.77.0.142").s_addr);
        assert_int_equal(l.prefix, 24);
        assert_int_equal(l.router.s_addr, ip("10.77.0.1").s_addr);
        assert_int_equal(l.n_dns, 2);
        assert_string_equal(l.domain, "lan.example");
        assert_int_equal(l.server_id.s_addr, ip("10.77.0.1").s_addr);
        assert_int_equal(l.lease_time, 120);
        assert_int_equal(l.t1, 60);
        assert_int_equal(l.t2, 105);
}

static void test_lease_times(void **state)
{
        struct dhcp_message m;
        struct dhcp_lease l;

        server_ack(&m);
        m.t1 = m.t2 = 0; /* RFC 2131's defaults */
        m.lease_time = 800;
        assert_int_equal(dhcp_lease_from_ack(&m, &l), 0);
        assert_int_equal(l.t1, 400);
        assert_int_equal(l.t2, 700);
        m.t1 = 10;
        m.t2 = 20;
        assert_int_equal(dhcp_lease_from_ack(&m, &l), 0);
        assert_int_equal(l.t1, 10);
        assert_int_equal(l.t2, 20);
        m.t1 = 900; /* past the lease: ignored */
        m.t2 = 900;
        assert_int_equal(dhcp_lease_from_ack(&m, &l), 0);
        assert_int_equal(l.t1, 400);
        assert_int_equal(l.t2, 700);
        m.t1 = 0; /* only T2, earlier than half the lease: T1 keeps the 4:7 ratio */
        m.t2 = 70;
        assert_int_equal(dhcp_lease_from_ack(&m, &l), 0);
        assert_int_equal(l.t2, 70);
        assert_int_equal(l.t1, 40);
        m.lease_time = DHCP_INFINITE_LEASE;
        assert_int_equal(dhcp_lease_from_ack(&m, &l), 0);
        assert_int_equal(l.t1, DHCP_INFINITE_LEASE);
        assert_int_equal(l.t2, DHCP_INFINITE_LEASE);
        m.lease_time = DHCP_MIN_LEASE - 1;
        assert_int_equal(dhcp_lease_from_ack(&m, &l), -EBADMSG);
}

static void test_lease_refusals(void **state)
{
        struct dhcp_message m;
        struct dhcp_lease l;

        server_ack(&m);
        m.type = DHCP_OFFER;
        assert_int_equal(dhcp_lease_from_ack(&m, &l), -EBADMSG);
        server_ack(&m);
        m.server_id.s_addr = 0;
        assert_int_equal(dhcp_lease_from_ack(&m, &l), -EBADMSG);
        server_ack(&m);
        m.lease_time = 0;
        assert_int_equal(dhcp_lease_from_ack(&m, &l), -EBADMSG);
        server_ack(&m);
        m.yiaddr = ip("224.0.0.1");
        assert_int_equal(dhcp_lease_from_ack(&m, &l), -EBADMSG);
        server_ack(&m);
        m.yiaddr = ip("127.0.0.2");
        assert_int_equal(dhcp_lease_from_ack(&m, &l), -EBADMSG);
        server_ack(&m);
        m.subnet_mask = ip("255.0.255.0");
        assert_int_equal(dhcp_lease_from_ack(&m, &l), -EBADMSG);
}

static void test_lease_cleans_what_it_passes_on(void **state)
{
        struct dhcp_message m;
        struct dhcp_lease l;

        server_ack(&m);
        m.subnet_mask.s_addr = 0; /* the class decides: 10/8 */
        strcpy(m.domain, "lan\nnameserver 6.6.6.6");
        m.routers[0] = ip("0.0.0.0");
        m.routers[1] = ip("10.77.0.254");
        m.n_routers = 2;
        m.dns[0] = ip("255.255.255.255");
        assert_int_equal(dhcp_lease_from_ack(&m, &l), 0);
        assert_int_equal(l.prefix, 8);
        assert_string_equal(l.domain, "");
        assert_int_equal(l.router.s_addr, ip("10.77.0.254").s_addr);
        assert_int_equal(l.n_dns, 1);
        assert_int_equal(l.dns[0].s_addr, ip("9.9.9.9").s_addr);
        m.yiaddr = ip("192.168.1.5");
        assert_int_equal(dhcp_lease_from_ack(&m, &l), 0);
        assert_int_equal(l.prefix, 24);
        m.subnet_mask = ip("255.255.255.255");
        assert_int_equal(dhcp_lease_from_ack(&m, &l), 0);
        assert_int_equal(l.prefix, 32);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_discover_round_trip),
                cmocka_unit_test(test_ack_round_trip),
                cmocka_unit_test(test_every_type_round_trips),
                cmocka_unit_test(test_build_limits),
                cmocka_unit_test(test_truncated),
                cmocka_unit_test(test_magic_cookie_and_header),
                cmocka_unit_test(test_option_overrun),
                cmocka_unit_test(test_option_lengths),
                cmocka_unit_test(test_unknown_pad_end_and_lists),
                cmocka_unit_test(test_overload),
                cmocka_unit_test(test_frame_round_trip),
                cmocka_unit_test(test_frame_refusals),
                cmocka_unit_test(test_lease_from_ack),
                cmocka_unit_test(test_lease_times),
                cmocka_unit_test(test_lease_refusals),
                cmocka_unit_test(test_lease_cleans_what_it_passes_on),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
