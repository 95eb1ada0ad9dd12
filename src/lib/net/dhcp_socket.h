/* SPDX-License-Identifier: MIT */
/*
 * The DHCP client's sockets and what it needs to know of its interface.
 *
 * Two kinds of socket, as the protocol's phases need:
 *   - a packet socket (AF_PACKET, SOCK_DGRAM) for the broadcast phases
 *     (INIT, SELECTING, REQUESTING, REBOOTING, REBINDING), when the
 *     interface may have no address yet; jailor builds the IPv4 and UDP
 *     headers itself (dhcp_frame.h).  A BPF filter lets only UDP to port 68
 *     through, so the client is not woken by the jail's other traffic.
 *   - a UDP socket bound to the leased address and the interface, for the
 *     unicast phases (RENEWING, RELEASE), which go through the kernel's
 *     routing and ARP like any other packet and so need the address that
 *     the caller applied at BOUND.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../error.h"

struct dhcp_link {
        int ifindex;
        uint8_t mac[6];
        unsigned mtu;
};

/* Index, MAC and MTU of an Ethernet interface of the current network namespace. */
int dhcp_link_get(const char *ifname, struct dhcp_link *ret, struct jailor_error *err);

/* A non-blocking packet socket on ifindex receiving only UDP datagrams to port 68. */
int dhcp_socket_packet(int ifindex, struct jailor_error *err);

/* Sends an IPv4 frame (dhcp_frame_wrap) to the Ethernet broadcast address; -errno. */
int dhcp_socket_packet_send(int fd, int ifindex, const uint8_t *frame, size_t len);

/*
 * Receives one frame; its length, -EAGAIN when there is none, -EMSGSIZE
 * for one longer than size (dropped), or -errno.  *csum_ready is false
 * when the kernel left the UDP checksum to the hardware (veth does): the
 * checksum field then holds no verdict.
 */
ssize_t dhcp_socket_packet_recv(int fd, uint8_t *buf, size_t size, bool *csum_ready);

/* A non-blocking UDP socket on address:68, bound to the interface ifname. */
int dhcp_socket_udp(const char *ifname, struct in_addr address, struct jailor_error *err);

/* Sends a DHCP message to dst:67; -errno. */
int dhcp_socket_udp_send(int fd, struct in_addr dst, const uint8_t *buf, size_t len);
