/* SPDX-License-Identifier: MIT */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"

static size_t addr_len(int family)
{
        return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

static int addr_request(struct rtnl *r, uint16_t type, uint16_t flags, const char *ifname,
                        int family, const union inet_addr *addr, unsigned prefix,
                        struct nlmsghdr **ret, void *buf, struct jailor_error *err)
{
        struct ifaddrmsg *ifa;
        struct nlmsghdr *nlh;
        int ifindex;

        if (family != AF_INET && family != AF_INET6)
                return jailor_error_set(err, EAFNOSUPPORT,
                                        "An address is IPv4 or IPv6, not family %d", family);
        if (prefix > (family == AF_INET ? 32u : 128u))
                return jailor_error_set(err, EINVAL, "Invalid prefix length /%u", prefix);
        ifindex = rtnl_link_index(r, ifname, err);
        if (ifindex < 0)
                return ifindex;
        nlh = rtnl_request(buf, type, flags);
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = (unsigned char)family;
        ifa->ifa_prefixlen = (unsigned char)prefix;
        ifa->ifa_index = (unsigned)ifindex;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        /* IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer's, the same here */
        mnl_attr_put(nlh, IFA_LOCAL, addr_len(family), addr);
        mnl_attr_put(nlh, IFA_ADDRESS, addr_len(family), addr);
        *ret = nlh;
        return 0;
}

static const char *addr_text(int family, const union inet_addr *addr, unsigned prefix,
                             char buf[static INET6_ADDRSTRLEN + 5])
{
        char a[INET6_ADDRSTRLEN];

        snprintf(buf, INET6_ADDRSTRLEN + 5, "%s/%u", inet_ntop(family, addr, a, sizeof(a)), prefix);
        return buf;
}

int rtnl_addr_add(struct rtnl *r, const char *ifname, int family, const union inet_addr *addr,
                  unsigned prefix, unsigned flags, struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE], text[INET6_ADDRSTRLEN + 5];
        struct nlmsghdr *nlh;
        int k;

        k = addr_request(r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifname, family, addr, prefix,
                         &nlh, buf, err);
        if (k < 0)
                return k;
        if (family == AF_INET && prefix <= 30) {
                /* the kernel does not derive it, and without one broadcasts go nowhere */
                uint32_t mask = prefix ? ~0u << (32 - prefix) : 0;
                struct in_addr brd = {.s_addr = addr->in4.s_addr | htonl(~mask)};

                mnl_attr_put(nlh, IFA_BROADCAST, sizeof(brd), &brd);
        }
        if (family == AF_INET6 && (flags & RTNL_ADDR_NODAD))
                ((struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))->ifa_flags |= IFA_F_NODAD;
        k = rtnl_call(r, nlh, NULL, NULL, err);
        addr_text(family, addr, prefix, text);
        if (k == -EEXIST)
                return jailor_error_set(
                    err, EEXIST, "Cannot add address %s to '%s': it has it already", text, ifname);
        if (k < 0)
                return jailor_error_prefix(err, "Cannot add address %s to '%s'", text, ifname);
        return 0;
}

int rtnl_addr_delete(struct rtnl *r, const char *ifname, int family, const union inet_addr *addr,
                     unsigned prefix, struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE], text[INET6_ADDRSTRLEN + 5];
        struct nlmsghdr *nlh;
        int k;

        k = addr_request(r, RTM_DELADDR, 0, ifname, family, addr, prefix, &nlh, buf, err);
        if (k < 0)
                return k;
        k = rtnl_call(r, nlh, NULL, NULL, err);
        addr_text(family, addr, prefix, text);
        if (k == -EADDRNOTAVAIL)
                return jailor_error_set(err, EADDRNOTAVAIL,
                                        "Cannot remove address %s from '%s': it does not have it",
                                        text, ifname);
        if (k < 0)
                return jailor_error_prefix(err, "Cannot remove address %s from '%s'", text, ifname);
        return 0;
}

struct addr_search {
        struct rtnl_vec vec;
        int ifindex; /* 0: every interface */
};

static int addr_seen(const struct nlmsghdr *nlh, void *data)
{
        struct addr_search *s = data;
        const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *attr, *local = NULL, *address = NULL;
        struct addr_info *info;

        if (nlh->nlmsg_type != RTM_NEWADDR || (s->ifindex && (int)ifa->ifa_index != s->ifindex) ||
            (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
                return 0;
        info = rtnl_vec_push(&s->vec, sizeof(*info));
        if (!info)
                return -ENOMEM;
        *info = (struct addr_info){
            .ifindex = (int)ifa->ifa_index,
            .family = ifa->ifa_family,
            .prefix = ifa->ifa_prefixlen,
            .scope = ifa->ifa_scope,
            .flags = ifa->ifa_flags,
        };
        mnl_attr_for_each(attr, nlh, sizeof(*ifa))
        {
                switch (mnl_attr_get_type(attr)) {
                case IFA_LOCAL:
                        local = attr;
                        break;
                case IFA_ADDRESS:
                        address = attr;
                        break;
                case IFA_FLAGS:
                        /* the full flags: ifa_flags holds only the first eight */
                        if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
                                info->flags = mnl_attr_get_u32(attr);
                        break;
                }
        }
        /* IPv6 addresses come with IFA_ADDRESS alone; IPv4 with IFA_LOCAL the interface's own */
        if (!local)
                local = address;
        if (local && mnl_attr_get_payload_len(local) == addr_len(info->family))
                memcpy(&info->addr, mnl_attr_get_payload(local), addr_len(info->family));
        return 0;
}

static void addr_search_reset(void *data)
{
        rtnl_vec_reset(&((struct addr_search *)data)->vec);
}

int rtnl_addr_list(struct rtnl *r, const char *ifname, int family, struct addr_info **ret,
                   size_t *ret_n, struct jailor_error *err)
{
        struct addr_search s = {0};
        char buf[RTNL_REQUEST_SIZE];
        struct ifaddrmsg *ifa;
        struct nlmsghdr *nlh;
        int k;

        if (ifname) {
                s.ifindex = rtnl_link_index(r, ifname, err);
                if (s.ifindex < 0)
                        return s.ifindex;
        }
        nlh = rtnl_request(buf, RTM_GETADDR, 0);
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = (unsigned char)family;
        k = rtnl_dump(r, nlh, addr_seen, addr_search_reset, &s, err);
        if (k < 0) {
                free(s.vec.v);
                return ifname
                           ? jailor_error_prefix(err, "Cannot list the addresses of '%s'", ifname)
                           : jailor_error_prefix(err, "Cannot list addresses");
        }
        *ret = s.vec.v;
        *ret_n = s.vec.n;
        return 0;
}
