/* SPDX-License-Identifier: MIT */
#include "route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "link.h"

static size_t addr_len(int family)
{
        return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

/* "default via 10.0.0.1 dev eth0", "10.1.0.0/24 dev eth0", as `ip route` says it. */
static const char *route_text(const struct route *rt, char *buf, size_t size)
{
        char a[INET6_ADDRSTRLEN];
        int n = 0;

        if (rt->prefix == 0)
                n = snprintf(buf, size, "default");
        else
                n = snprintf(buf, size, "%s/%u", inet_ntop(rt->family, &rt->dst, a, sizeof(a)),
                             rt->prefix);
        if (rt->has_gateway && n >= 0 && (size_t)n < size)
                n += snprintf(buf + n, size - (size_t)n, " via %s",
                              inet_ntop(rt->family, &rt->gateway, a, sizeof(a)));
        if (rt->dev[0] && n >= 0 && (size_t)n < size)
                snprintf(buf + n, size - (size_t)n, " dev %s", rt->dev);
        return buf;
}

static int route_request(struct rtnl *r, const struct route *rt, uint16_t type, uint16_t flags,
                         struct nlmsghdr **ret, void *buf, struct jailor_error *err)
{
        struct nlmsghdr *nlh;
        struct rtmsg *rtm;
        int ifindex = 0;

        if (rt->family != AF_INET && rt->family != AF_INET6)
                return jailor_error_set(err, EAFNOSUPPORT, "A route is IPv4 or IPv6, not family %d",
                                        rt->family);
        if (rt->prefix > (rt->family == AF_INET ? 32u : 128u))
                return jailor_error_set(err, EINVAL, "Invalid route prefix length /%u", rt->prefix);
        if (rt->dev[0]) {
                ifindex = rtnl_link_index(r, rt->dev, err);
                if (ifindex < 0)
                        return ifindex;
        }
        nlh = rtnl_request(buf, type, flags);
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = (unsigned char)rt->family;
        rtm->rtm_dst_len = (unsigned char)rt->prefix;
        rtm->rtm_table = RT_TABLE_MAIN;
        if (type == RTM_NEWROUTE) {
                rtm->rtm_protocol = rt->protocol ? rt->protocol : RTPROT_STATIC;
                rtm->rtm_type = RTN_UNICAST;
                /* a route without a gateway reaches hosts on the link itself */
                rtm->rtm_scope = rt->has_gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
        } else {
                /* deletion matches routes of any scope, as `ip route del` does */
                rtm->rtm_scope = RT_SCOPE_NOWHERE;
        }
        if (rt->prefix > 0)
                mnl_attr_put(nlh, RTA_DST, addr_len(rt->family), &rt->dst);
        if (rt->has_gateway)
                mnl_attr_put(nlh, RTA_GATEWAY, addr_len(rt->family), &rt->gateway);
        if (ifindex > 0)
                mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
        if (rt->metric)
                mnl_attr_put_u32(nlh, RTA_PRIORITY, rt->metric);
        *ret = nlh;
        return 0;
}

int rtnl_route_add(struct rtnl *r, const struct route *rt, struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE], text[128];
        struct nlmsghdr *nlh;
        int k;

        k = route_request(r, rt, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &nlh, buf, err);
        if (k >= 0)
                k = rtnl_call(r, nlh, NULL, NULL, err);
        if (k == -EEXIST)
                return jailor_error_set(err, EEXIST, "Cannot add route %s: it exists already",
                                        route_text(rt, text, sizeof(text)));
        if (k < 0)
                return jailor_error_prefix(err, "Cannot add route %s",
                                           route_text(rt, text, sizeof(text)));
        return 0;
}

int rtnl_route_delete(struct rtnl *r, const struct route *rt, struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE], text[128];
        struct nlmsghdr *nlh;
        int k;

        k = route_request(r, rt, RTM_DELROUTE, 0, &nlh, buf, err);
        if (k >= 0)
                k = rtnl_call(r, nlh, NULL, NULL, err);
        if (k == -ESRCH)
                return jailor_error_set(err, ESRCH,
                                        "Cannot delete route %s: there is no such route",
                                        route_text(rt, text, sizeof(text)));
        if (k < 0)
                return jailor_error_prefix(err, "Cannot delete route %s",
                                           route_text(rt, text, sizeof(text)));
        return 0;
}

struct default_search {
        int family;
        bool found;
        struct route best;
};

/* The gateway and interface of the first hop of a multipath route. */
static void first_hop(const struct nlattr *attr, struct route *rt)
{
        const struct rtnexthop *nh = mnl_attr_get_payload(attr);
        const struct nlattr *a;
        size_t len = mnl_attr_get_payload_len(attr);

        if (len < sizeof(*nh) || nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > len)
                return;
        rt->ifindex = nh->rtnh_ifindex;
        for (a = (const void *)RTNH_DATA(nh);
             mnl_attr_ok(a, (int)((const char *)nh + nh->rtnh_len - (const char *)a));
             a = mnl_attr_next(a))
                if (mnl_attr_get_type(a) == RTA_GATEWAY &&
                    mnl_attr_get_payload_len(a) == addr_len(rt->family)) {
                        memcpy(&rt->gateway, mnl_attr_get_payload(a), addr_len(rt->family));
                        rt->has_gateway = true;
                }
}

static int default_route_seen(const struct nlmsghdr *nlh, void *data)
{
        struct default_search *s = data;
        const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
        struct route rt = {.family = s->family, .protocol = rtm->rtm_protocol};
        uint32_t table = rtm->rtm_table;
        const struct nlattr *attr;

        if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != s->family ||
            rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST)
                return 0;
        mnl_attr_for_each(attr, nlh, sizeof(*rtm))
        {
                switch (mnl_attr_get_type(attr)) {
                case RTA_TABLE:
                        if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
                                table = mnl_attr_get_u32(attr);
                        break;
                case RTA_GATEWAY:
                        if (mnl_attr_get_payload_len(attr) == addr_len(s->family)) {
                                memcpy(&rt.gateway, mnl_attr_get_payload(attr),
                                       addr_len(s->family));
                                rt.has_gateway = true;
                        }
                        break;
                case RTA_OIF:
                        if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
                                rt.ifindex = (int)mnl_attr_get_u32(attr);
                        break;
                case RTA_PRIORITY:
                        if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
                                rt.metric = mnl_attr_get_u32(attr);
                        break;
                case RTA_MULTIPATH:
                        first_hop(attr, &rt);
                        break;
                }
        }
        if (table != RT_TABLE_MAIN || rt.ifindex <= 0)
                return 0;
        if (!s->found || rt.metric < s->best.metric) {
                s->best = rt;
                s->found = true;
        }
        return 0;
}

static void default_search_reset(void *data)
{
        struct default_search *s = data;

        s->found = false;
}

int rtnl_route_default(struct rtnl *r, int family, struct route *ret, struct jailor_error *err)
{
        const char *v = family == AF_INET ? "IPv4" : "IPv6";
        struct default_search s = {.family = family};
        char buf[RTNL_REQUEST_SIZE];
        struct nlmsghdr *nlh;
        struct rtmsg *rtm;
        int k;

        nlh = rtnl_request(buf, RTM_GETROUTE, 0);
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = (unsigned char)family;
        k = rtnl_dump(r, nlh, default_route_seen, default_search_reset, &s, err);
        if (k < 0)
                return jailor_error_prefix(err, "Cannot read the %s routes", v);
        if (!s.found)
                return jailor_error_set(err, ENOENT, "No %s default route", v);
        k = rtnl_link_name(r, s.best.ifindex, s.best.dev, err);
        if (k < 0)
                return k;
        *ret = s.best;
        return 0;
}
