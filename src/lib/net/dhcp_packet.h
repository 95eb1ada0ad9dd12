/* SPDX-License-Identifier: MIT */
/*
 * BOOTP/DHCP messages (RFC 2131, options RFC 2132): one struct for every
 * message type, built into wire format and parsed back from it.
 *
 * Parsing is strict: a message that is too short, lacks the magic cookie,
 * has an option running past its field, an option of the wrong length, or
 * no message type is refused whole (-EBADMSG), never read out of bounds.
 * Unknown options are skipped.  Option overload (52) is followed into the
 * file and sname fields; repeated list options (routers, DNS) append, as
 * RFC 3396 concatenation would.
 *
 * A zero field means "absent" (no server id, no lease time ...), which the
 * protocol allows: none of these options has 0 as a meaningful value.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

/* The fixed BOOTP header and the magic cookie before the options. */
#define DHCP_HEADER_SIZE 236
#define DHCP_MIN_SIZE (DHCP_HEADER_SIZE + 4)
/* What every DHCP participant must accept (RFC 2131 §2): the size messages are padded to. */
#define DHCP_MIN_LEGAL_SIZE 300

#define DHCP_MAX_ADDRS 8    /* routers, DNS servers kept from one message */
#define DHCP_MAX_STRING 256 /* option payloads are at most 255 bytes, plus the NUL */
#define DHCP_MAX_PARAMS 32
#define DHCP_MAX_CLIENT_ID 64

#define DHCP_INFINITE_LEASE UINT32_MAX

enum dhcp_message_type {
        DHCP_DISCOVER = 1,
        DHCP_OFFER = 2,
        DHCP_REQUEST = 3,
        DHCP_DECLINE = 4,
        DHCP_ACK = 5,
        DHCP_NAK = 6,
        DHCP_RELEASE = 7,
        DHCP_INFORM = 8,
};

enum dhcp_option {
        DHCP_OPT_PAD = 0,
        DHCP_OPT_SUBNET_MASK = 1,
        DHCP_OPT_ROUTER = 3,
        DHCP_OPT_DNS = 6,
        DHCP_OPT_HOSTNAME = 12,
        DHCP_OPT_DOMAIN = 15,
        DHCP_OPT_REQUESTED_IP = 50,
        DHCP_OPT_LEASE_TIME = 51,
        DHCP_OPT_OVERLOAD = 52,
        DHCP_OPT_MESSAGE_TYPE = 53,
        DHCP_OPT_SERVER_ID = 54,
        DHCP_OPT_PARAMS = 55,
        DHCP_OPT_MESSAGE = 56,
        DHCP_OPT_MAX_SIZE = 57,
        DHCP_OPT_T1 = 58,
        DHCP_OPT_T2 = 59,
        DHCP_OPT_CLIENT_ID = 61,
        DHCP_OPT_END = 255,
};

#define BOOTREQUEST 1
#define BOOTREPLY 2
#define DHCP_FLAG_BROADCAST 0x8000

struct dhcp_message {
        uint8_t op; /* BOOTREQUEST or BOOTREPLY */
        uint32_t xid;
        uint16_t secs;
        uint16_t flags;
        struct in_addr ciaddr, yiaddr, siaddr, giaddr;
        uint8_t chaddr[6]; /* Ethernet only: htype 1, hlen 6 */

        uint8_t type; /* enum dhcp_message_type */
        struct in_addr server_id;
        struct in_addr requested_ip;
        struct in_addr subnet_mask;
        uint32_t lease_time; /* seconds; DHCP_INFINITE_LEASE for ever */
        uint32_t t1, t2;     /* seconds */
        struct in_addr routers[DHCP_MAX_ADDRS];
        size_t n_routers;
        struct in_addr dns[DHCP_MAX_ADDRS];
        size_t n_dns;
        char domain[DHCP_MAX_STRING];
        char hostname[DHCP_MAX_STRING];
        char message[DHCP_MAX_STRING]; /* why a NAK or DECLINE */
        uint8_t client_id[DHCP_MAX_CLIENT_ID];
        size_t client_id_len;
        uint8_t params[DHCP_MAX_PARAMS]; /* parameter request list */
        size_t n_params;
        uint16_t max_size;
};

/*
 * Writes msg into buf: the BOOTP header, the cookie, the options that are
 * set, END, padded to DHCP_MIN_LEGAL_SIZE.  Returns the length, or -ENOBUFS
 * when buf is too small, -EINVAL for a message without a type.
 */
int dhcp_packet_build(uint8_t *buf, size_t size, const struct dhcp_message *msg);

/* Parses len bytes into *msg; 0, or -EBADMSG for a malformed message. */
int dhcp_packet_parse(const uint8_t *buf, size_t len, struct dhcp_message *msg);

/* "DISCOVER", "ACK", ...; "UNKNOWN" for anything else. */
const char *dhcp_message_type_name(uint8_t type);
