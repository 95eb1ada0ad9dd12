/* SPDX-License-Identifier: MIT */
#include "dhcp_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/ip.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../util/cleanup.h"
#include "dhcp_packet.h"

int dhcp_link_get(const char *ifname, struct dhcp_link *ret, struct jailor_error *err)
{
        _cleanup_close_ int fd = -EBADF;
        struct ifreq ifr = {0};

        if (strlen(ifname) >= sizeof(ifr.ifr_name))
                return jailor_error_set(err, EINVAL, "Interface name '%s' is too long", ifname);
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open a socket");
        strcpy(ifr.ifr_name, ifname);
        if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
                return jailor_error_errno(err, errno, "No interface '%s'", ifname);
        ret->ifindex = ifr.ifr_ifindex;
        if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
                return jailor_error_errno(err, errno, "Cannot read the MAC address of '%s'",
                                          ifname);
        if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
                return jailor_error_set(err, EAFNOSUPPORT,
                                        "Interface '%s' is not Ethernet: DHCP needs a MAC address",
                                        ifname);
        memcpy(ret->mac, ifr.ifr_hwaddr.sa_data, sizeof(ret->mac));
        if (ioctl(fd, SIOCGIFMTU, &ifr) < 0)
                return jailor_error_errno(err, errno, "Cannot read the MTU of '%s'", ifname);
        ret->mtu = (unsigned)ifr.ifr_mtu;
        return 0;
}

/*
 * The socket sees frames from the IPv4 header on (SOCK_DGRAM): accept
 * unfragmented UDP to port 68, drop the rest in the kernel.
 */
static const struct sock_filter udp_to_client_port[] = {
        BPF_STMT(BPF_LD + BPF_B + BPF_ABS, 9),                           /* protocol */
        BPF_JUMP(BPF_JMP + BPF_JEQ + BPF_K, IPPROTO_UDP, 0, 6),
        BPF_STMT(BPF_LD + BPF_H + BPF_ABS, 6),                           /* flags, fragment */
        BPF_JUMP(BPF_JMP + BPF_JSET + BPF_K, IP_MF | IP_OFFMASK, 4, 0),
        BPF_STMT(BPF_LDX + BPF_B + BPF_MSH, 0),                          /* X = header length */
        BPF_STMT(BPF_LD + BPF_H + BPF_IND, 2),                           /* UDP destination */
        BPF_JUMP(BPF_JMP + BPF_JEQ + BPF_K, DHCP_CLIENT_PORT, 0, 1),
        BPF_STMT(BPF_RET + BPF_K, 0xffffffff),
        BPF_STMT(BPF_RET + BPF_K, 0),
};

int dhcp_socket_packet(int ifindex, struct jailor_error *err)
{
        struct sock_fprog prog = {
                .len = ELEMENTSOF(udp_to_client_port),
                .filter = (struct sock_filter *)udp_to_client_port,
        };
        struct sockaddr_ll sll = {
                .sll_family = AF_PACKET,
                .sll_protocol = htons(ETH_P_IP),
                .sll_ifindex = ifindex,
        };
        _cleanup_close_ int fd = -EBADF;
        int one = 1;

        /* protocol 0: nothing is queued before the filter is in place and bind() */
        fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open a packet socket for DHCP");
        if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
            setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0)
                return jailor_error_errno(err, errno, "Cannot set up the DHCP packet socket");
        if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
                return jailor_error_errno(err, errno, "Cannot bind the DHCP packet socket");
        return TAKE_FD(fd);
}

int dhcp_socket_packet_send(int fd, int ifindex, const uint8_t *frame, size_t len)
{
        struct sockaddr_ll sll = {
                .sll_family = AF_PACKET,
                .sll_protocol = htons(ETH_P_IP),
                .sll_ifindex = ifindex,
                .sll_halen = ETH_ALEN,
                .sll_addr = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
        };

        if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
                return -errno;
        return 0;
}

ssize_t dhcp_socket_packet_recv(int fd, uint8_t *buf, size_t size, bool *csum_ready)
{
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
        } control;
        struct sockaddr_ll sll;
        struct iovec iov = {.iov_base = buf, .iov_len = size};
        struct msghdr mh = {
                .msg_name = &sll,
                .msg_namelen = sizeof(sll),
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = &control,
                .msg_controllen = sizeof(control),
        };
        ssize_t n = recvmsg(fd, &mh, MSG_TRUNC | MSG_DONTWAIT);

        if (n < 0)
                return -errno;
        if ((size_t)n > size || (mh.msg_flags & MSG_TRUNC))
                return -EMSGSIZE;
        *csum_ready = true;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
                        struct tpacket_auxdata aux;

                        memcpy(&aux, CMSG_DATA(c), sizeof(aux));
                        *csum_ready = !(aux.tp_status & TP_STATUS_CSUMNOTREADY);
                }
        return n;
}

int dhcp_socket_udp(const char *ifname, struct in_addr address, struct jailor_error *err)
{
        struct sockaddr_in sin = {
                .sin_family = AF_INET,
                .sin_port = htons(DHCP_CLIENT_PORT),
                .sin_addr = address,
        };
        _cleanup_close_ int fd = -EBADF;
        int one = 1, tos = IPTOS_CLASS_CS6;

        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open a UDP socket for DHCP");
        /*
         * IP_FREEBIND: the socket is made at BOUND, in the same breath as the
         * caller applies the address; it need not be there yet.
         */
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
            setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0 ||
            setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
                return jailor_error_errno(err, errno, "Cannot set up the DHCP UDP socket on '%s'",
                                          ifname);
        if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
                return jailor_error_errno(err, errno, "Cannot bind the DHCP UDP socket to '%s:%d'",
                                          inet_ntoa(address), DHCP_CLIENT_PORT);
        return TAKE_FD(fd);
}

int dhcp_socket_udp_send(int fd, struct in_addr dst, const uint8_t *buf, size_t len)
{
        struct sockaddr_in sin = {
                .sin_family = AF_INET,
                .sin_port = htons(DHCP_SERVER_PORT),
                .sin_addr = dst,
        };

        if (sendto(fd, buf, len, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
                return -errno;
        return 0;
}
