/* SPDX-License-Identifier: MIT */
/*
 * The IPv4 and UDP headers around a DHCP message, for the packet socket
 * (dhcp_socket.h) that sends and receives before the interface has an
 * address: the kernel's IP stack is not involved, so jailor writes and
 * checks the headers itself, checksums included.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 header without options and a UDP header. */
#define DHCP_FRAME_HEADERS 28

/*
 * Writes the IPv4 and UDP headers into the first DHCP_FRAME_HEADERS bytes
 * of buf, in front of the payload_len bytes already at buf +
 * DHCP_FRAME_HEADERS.  Returns the frame's length.
 */
size_t dhcp_frame_wrap(uint8_t *buf, size_t payload_len, struct in_addr src, struct in_addr dst,
                       uint16_t src_port, uint16_t dst_port);

/*
 * Checks that buf holds one whole unfragmented IPv4 UDP datagram to
 * dst_port with a good header checksum and, when check_udp_sum, a good UDP
 * checksum (or none).  The kernel leaves the UDP checksum unfinished on
 * packets offloaded to the hardware, and says so: the caller knows when to
 * skip it.  Sets the payload; 0, or -EBADMSG.
 */
int dhcp_frame_unwrap(const uint8_t *buf, size_t len, uint16_t dst_port, bool check_udp_sum,
                      const uint8_t **ret_payload, size_t *ret_len);

/* The Internet checksum (RFC 1071) of len bytes, continuing from sum. */
uint16_t dhcp_frame_checksum(const void *data, size_t len, uint32_t sum);
