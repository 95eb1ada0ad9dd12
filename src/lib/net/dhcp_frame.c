/* SPDX-License-Identifier: MIT */
#include "dhcp_frame.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <string.h>

#define IP_HEADER 20
#define UDP_HEADER 8

static uint32_t sum_words(const void *data, size_t len, uint32_t sum)
{
        const uint8_t *p = data;

        for (; len >= 2; p += 2, len -= 2)
                sum += (uint32_t)(p[0] << 8 | p[1]);
        if (len)
                sum += (uint32_t)(p[0] << 8);
        return sum;
}

static uint16_t fold(uint32_t sum)
{
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t)~sum;
}

uint16_t dhcp_frame_checksum(const void *data, size_t len, uint32_t sum)
{
        return fold(sum_words(data, len, sum));
}

/* The UDP checksum's pseudo header (RFC 768): addresses, protocol, UDP length. */
static uint32_t pseudo_header_sum(struct in_addr src, struct in_addr dst, uint16_t udp_len)
{
        uint32_t sum = 0;

        sum = sum_words(&src, 4, sum);
        sum = sum_words(&dst, 4, sum);
        return sum + IPPROTO_UDP + udp_len;
}

size_t dhcp_frame_wrap(uint8_t *buf, size_t payload_len, struct in_addr src, struct in_addr dst,
                       uint16_t src_port, uint16_t dst_port)
{
        struct iphdr ip = {
                .version = 4,
                .ihl = IP_HEADER / 4,
                .tos = IPTOS_CLASS_CS6, /* network control, as other DHCP clients */
                .tot_len = htons((uint16_t)(IP_HEADER + UDP_HEADER + payload_len)),
                .ttl = IPDEFTTL,
                .protocol = IPPROTO_UDP,
                .saddr = src.s_addr,
                .daddr = dst.s_addr,
        };
        uint16_t udp_len = (uint16_t)(UDP_HEADER + payload_len);
        struct udphdr udp = {
                .source = htons(src_port),
                .dest = htons(dst_port),
                .len = htons(udp_len),
        };
        uint16_t sum;

        ip.check = htons(dhcp_frame_checksum(&ip, sizeof(ip), 0));
        memcpy(buf, &ip, IP_HEADER);
        memcpy(buf + IP_HEADER, &udp, UDP_HEADER);
        sum = dhcp_frame_checksum(buf + IP_HEADER, udp_len, pseudo_header_sum(src, dst, udp_len));
        /* 0 means "no checksum" in UDP: a computed 0 is sent as its other form */
        udp.check = htons(sum ? sum : 0xffff);
        memcpy(buf + IP_HEADER, &udp, UDP_HEADER);
        return IP_HEADER + udp_len;
}

int dhcp_frame_unwrap(const uint8_t *buf, size_t len, uint16_t dst_port, bool check_udp_sum,
                      const uint8_t **ret_payload, size_t *ret_len)
{
        struct iphdr ip;
        struct udphdr udp;
        size_t ihl, total, udp_len;

        if (len < IP_HEADER)
                return -EBADMSG;
        memcpy(&ip, buf, IP_HEADER);
        ihl = (size_t)ip.ihl * 4;
        total = ntohs(ip.tot_len);
        /* total may be less than len: Ethernet pads short frames */
        if (ip.version != 4 || ihl < IP_HEADER || total < ihl + UDP_HEADER || total > len)
                return -EBADMSG;
        if (ip.protocol != IPPROTO_UDP || (ntohs(ip.frag_off) & (IP_MF | IP_OFFMASK)) != 0)
                return -EBADMSG;
        if (dhcp_frame_checksum(buf, ihl, 0) != 0)
                return -EBADMSG;

        memcpy(&udp, buf + ihl, UDP_HEADER);
        udp_len = ntohs(udp.len);
        if (ntohs(udp.dest) != dst_port || udp_len < UDP_HEADER || udp_len > total - ihl)
                return -EBADMSG;
        if (check_udp_sum && udp.check != 0) {
                struct in_addr src = {ip.saddr}, dst = {ip.daddr};
                uint32_t pseudo = pseudo_header_sum(src, dst, (uint16_t)udp_len);

                if (dhcp_frame_checksum(buf + ihl, udp_len, pseudo) != 0)
                        return -EBADMSG;
        }
        *ret_payload = buf + ihl + UDP_HEADER;
        *ret_len = udp_len - UDP_HEADER;
        return 0;
}
