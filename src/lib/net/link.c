/* SPDX-License-Identifier: MIT */
/*
 * Interfaces are named in requests by IFLA_IFNAME (ifindex 0), which the
 * kernel resolves itself: no lookup before each change, and no window
 * between a lookup and the change.  Only what the kernel wants as an index
 * (a master, a parent, the target of a rename) is looked up first.
 */
#include "link.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../props/parse.h"
#include "route.h"

/*
 * Starts a RTM_*LINK request naming the interface name (NULL: none named
 * here); a name the kernel would refuse is refused first, with the rule.
 */
static int link_request(void *buf, uint16_t type, uint16_t flags, const char *name,
                        struct nlmsghdr **ret, struct jailor_error *err)
{
        struct nlmsghdr *nlh;
        struct ifinfomsg *ifi;

        if (name) {
                int k = parse_ifname("interface name", name, err);

                if (k < 0)
                        return k;
        }
        nlh = rtnl_request(buf, type, flags);
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        if (name)
                mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        *ret = nlh;
        return 0;
}

static struct ifinfomsg *link_header(struct nlmsghdr *nlh)
{
        return mnl_nlmsg_get_payload(nlh);
}

/*
 * Sends a request about the interface name.  On failure the message is
 * "CONTEXT: the kernel's reason", or for an unknown interface one line
 * naming it.
 */
static int link_vcall(struct rtnl *r, struct nlmsghdr *nlh, const char *name, rtnl_cb cb,
                      void *data, struct jailor_error *err, const char *fmt, va_list ap)
{
        char context[JAILOR_ERROR_MAX];
        int k;

        k = rtnl_call(r, nlh, cb, data, err);
        if (k >= 0)
                return k;
        if (k == -ENODEV)
                return jailor_error_set(err, ENODEV, "No network interface '%s'", name);
        vsnprintf(context, sizeof(context), fmt, ap);
        return jailor_error_prefix(err, "%s", context);
}

static int link_call(struct rtnl *r, struct nlmsghdr *nlh, const char *name, rtnl_cb cb, void *data,
                     struct jailor_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static int link_call(struct rtnl *r, struct nlmsghdr *nlh, const char *name, rtnl_cb cb, void *data,
                     struct jailor_error *err, const char *fmt, ...)
{
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = link_vcall(r, nlh, name, cb, data, err, fmt, ap);
        va_end(ap);
        return k;
}

/* Sets one attribute of name (len bytes at value); fmt: what for, in messages. */
static int set_link_attr(struct rtnl *r, const char *name, uint16_t type, size_t len,
                         const void *value, struct jailor_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static int set_link_attr(struct rtnl *r, const char *name, uint16_t type, size_t len,
                         const void *value, struct jailor_error *err, const char *fmt, ...)
{
        char buf[RTNL_REQUEST_SIZE];
        struct nlmsghdr *nlh;
        va_list ap;
        int k;

        k = link_request(buf, RTM_SETLINK, 0, name, &nlh, err);
        if (k < 0)
                return k;
        mnl_attr_put(nlh, type, len, value);
        va_start(ap, fmt);
        k = link_vcall(r, nlh, name, NULL, NULL, err, fmt, ap);
        va_end(ap);
        return k;
}

static void parse_linkinfo(const struct nlattr *nest, struct link_info *ret)
{
        const struct nlattr *attr;

        mnl_attr_for_each_nested(attr, nest)
        {
                if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
                    mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
                        snprintf(ret->kind, sizeof(ret->kind), "%.*s",
                                 (int)strnlen(mnl_attr_get_payload(attr),
                                              mnl_attr_get_payload_len(attr)),
                                 (const char *)mnl_attr_get_payload(attr));
        }
}

static uint32_t attr_u32(const struct nlattr *attr)
{
        return mnl_attr_validate(attr, MNL_TYPE_U32) == 0 ? mnl_attr_get_u32(attr) : 0;
}

static void parse_link(const struct nlmsghdr *nlh, struct link_info *ret)
{
        const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *attr;

        *ret = (struct link_info){.ifindex = ifi->ifi_index, .flags = ifi->ifi_flags};
        mnl_attr_for_each(attr, nlh, sizeof(*ifi))
        {
                switch (mnl_attr_get_type(attr)) {
                case IFLA_IFNAME:
                        if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
                                snprintf(ret->name, sizeof(ret->name), "%s",
                                         mnl_attr_get_str(attr));
                        break;
                case IFLA_MTU:
                        ret->mtu = attr_u32(attr);
                        break;
                case IFLA_ADDRESS:
                        if (mnl_attr_get_payload_len(attr) == sizeof(ret->mac)) {
                                memcpy(ret->mac, mnl_attr_get_payload(attr), sizeof(ret->mac));
                                ret->has_mac = true;
                        }
                        break;
                case IFLA_MASTER:
                        ret->master = (int)attr_u32(attr);
                        break;
                case IFLA_LINK:
                        ret->parent = (int)attr_u32(attr);
                        break;
                case IFLA_LINKINFO:
                        parse_linkinfo(attr, ret);
                        break;
                }
        }
}

static int link_reply(const struct nlmsghdr *nlh, void *data)
{
        if (nlh->nlmsg_type == RTM_NEWLINK)
                parse_link(nlh, data);
        return 0;
}

int rtnl_link_get(struct rtnl *r, const char *name, struct link_info *ret, struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE];
        struct nlmsghdr *nlh;
        int k;

        k = link_request(buf, RTM_GETLINK, 0, name, &nlh, err);
        if (k < 0)
                return k;
        *ret = (struct link_info){0};
        return link_call(r, nlh, name, link_reply, ret, err,
                         "Cannot look up network interface '%s'", name);
}

int rtnl_link_index(struct rtnl *r, const char *name, struct jailor_error *err)
{
        struct link_info info;
        int k = rtnl_link_get(r, name, &info, err);

        return k < 0 ? k : info.ifindex;
}

int rtnl_link_name(struct rtnl *r, int ifindex, char ret[static IFNAMSIZ], struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE];
        struct link_info info = {0};
        struct nlmsghdr *nlh;
        int k;

        (void)link_request(buf, RTM_GETLINK, 0, NULL, &nlh, err);
        link_header(nlh)->ifi_index = ifindex;
        k = rtnl_call(r, nlh, link_reply, &info, err);
        if (k == -ENODEV)
                return jailor_error_set(err, ENODEV, "No network interface of index %d", ifindex);
        if (k < 0)
                return jailor_error_prefix(err, "Cannot look up network interface %d", ifindex);
        snprintf(ret, IFNAMSIZ, "%s", info.name);
        return 0;
}

static int link_vec_add(const struct nlmsghdr *nlh, void *data)
{
        struct link_info *info;

        if (nlh->nlmsg_type != RTM_NEWLINK)
                return 0;
        info = rtnl_vec_push(data, sizeof(*info));
        if (!info)
                return -ENOMEM;
        parse_link(nlh, info);
        return 0;
}

int rtnl_link_list(struct rtnl *r, struct link_info **ret, size_t *ret_n, struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE];
        struct rtnl_vec vec = {0};
        struct nlmsghdr *nlh;
        int k;

        (void)link_request(buf, RTM_GETLINK, 0, NULL, &nlh, err);
        k = rtnl_dump(r, nlh, link_vec_add, rtnl_vec_reset, &vec, err);
        if (k < 0) {
                free(vec.v);
                return jailor_error_prefix(err, "Cannot list network interfaces");
        }
        *ret = vec.v;
        *ret_n = vec.n;
        return 0;
}

/*
 * A RTM_NEWLINK creating name of kind; *ret_data is the open nest for the
 * kind's own settings, closed with its IFLA_LINKINFO by end_create_request.
 */
static int create_request(void *buf, const char *name, const char *kind, struct nlmsghdr **ret,
                          struct nlattr *ret_nests[2], struct jailor_error *err)
{
        int k = link_request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name, ret, err);

        if (k < 0)
                return k;
        ret_nests[0] = mnl_attr_nest_start(*ret, IFLA_LINKINFO);
        mnl_attr_put_strz(*ret, IFLA_INFO_KIND, kind);
        ret_nests[1] = mnl_attr_nest_start(*ret, IFLA_INFO_DATA);
        return 0;
}

static void end_create_request(struct nlmsghdr *nlh, struct nlattr *nests[2])
{
        mnl_attr_nest_end(nlh, nests[1]);
        mnl_attr_nest_end(nlh, nests[0]);
}

/*
 * Sends a request creating the interface name (desc says what, for
 * messages).  peer: the other name of a veth pair, NULL otherwise;
 * elsewhere when it goes to another namespace.  EEXIST names the interface
 * that exists.
 */
static int create_call(struct rtnl *r, struct nlmsghdr *nlh, const char *desc, const char *name,
                       const char *peer, bool elsewhere, struct jailor_error *err)
{
        const char *taken = name, *where = "";
        int k = rtnl_call(r, nlh, NULL, NULL, err);

        if (k == -EEXIST) {
                /* either name of a pair may be taken; only the one here can be asked about */
                if (peer && rtnl_link_index(r, name, NULL) <= 0) {
                        taken = peer;
                        where = elsewhere ? " in the peer's namespace" : "";
                }
                return jailor_error_set(err, EEXIST,
                                        "Cannot create %s: a network interface named '%s' already "
                                        "exists%s",
                                        desc, taken, where);
        }
        if (k < 0)
                return jailor_error_prefix(err, "Cannot create %s", desc);
        return 0;
}

int rtnl_link_add_veth(struct rtnl *r, const char *name, const char *peer, int peer_netns_fd,
                       struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE], desc[64];
        struct nlattr *nests[2], *peer_nest;
        struct nlmsghdr *nlh;
        int k;

        k = parse_ifname("interface name", peer, err);
        if (k >= 0)
                k = create_request(buf, name, "veth", &nlh, nests, err);
        if (k < 0)
                return k;
        /* the peer is described as a link of its own: its ifinfomsg, then its attributes */
        peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
        if (peer_netns_fd >= 0)
                mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
        mnl_attr_nest_end(nlh, peer_nest);
        end_create_request(nlh, nests);
        snprintf(desc, sizeof(desc), "veth pair '%s'/'%s'", name, peer);
        return create_call(r, nlh, desc, name, peer, peer_netns_fd >= 0, err);
}

int rtnl_link_add_macvlan(struct rtnl *r, const char *name, const char *parent, int netns_fd,
                          struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE], desc[64];
        struct nlattr *nests[2];
        struct nlmsghdr *nlh;
        int k, parent_index;

        parent_index = rtnl_link_index(r, parent, err);
        if (parent_index < 0)
                return parent_index;
        k = create_request(buf, name, "macvlan", &nlh, nests, err);
        if (k < 0)
                return k;
        /* bridge mode: macvlans of one parent reach each other (jails on one NIC) */
        mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_BRIDGE);
        end_create_request(nlh, nests);
        mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent_index);
        if (netns_fd >= 0)
                mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
        snprintf(desc, sizeof(desc), "macvlan '%s' on '%s'", name, parent);
        return create_call(r, nlh, desc, name, NULL, false, err);
}

int rtnl_link_add_bridge(struct rtnl *r, const char *name, struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE], desc[64];
        struct nlattr *nests[2];
        struct nlmsghdr *nlh;
        int k;

        k = create_request(buf, name, "bridge", &nlh, nests, err);
        if (k < 0)
                return k;
        /* off is the kernel's default too, but a bridge made by jailor says so itself */
        mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
        end_create_request(nlh, nests);
        snprintf(desc, sizeof(desc), "bridge '%s'", name);
        return create_call(r, nlh, desc, name, NULL, false, err);
}

int rtnl_link_ensure_bridge(struct rtnl *r, const char *name, struct jailor_error *err)
{
        struct link_info info;
        int k;

        /* creating first and looking on EEXIST: two jails starting at once both succeed */
        k = rtnl_link_add_bridge(r, name, err);
        if (k != -EEXIST)
                return k < 0 ? k : 1;
        k = rtnl_link_get(r, name, &info, err);
        if (k < 0)
                return k;
        if (!STREQ(info.kind, "bridge"))
                return jailor_error_set(err, EEXIST,
                                        "Network interface '%s' exists and is not a bridge but %s",
                                        name, info.kind[0] ? info.kind : "a physical interface");
        return 0;
}

int rtnl_link_set_up(struct rtnl *r, const char *name, bool up, struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE];
        struct nlmsghdr *nlh;
        int k;

        k = link_request(buf, RTM_SETLINK, 0, name, &nlh, err);
        if (k < 0)
                return k;
        link_header(nlh)->ifi_change = IFF_UP;
        link_header(nlh)->ifi_flags = up ? IFF_UP : 0;
        return link_call(r, nlh, name, NULL, NULL, err, "Cannot bring network interface '%s' %s",
                         name, up ? "up" : "down");
}

int rtnl_link_set_mtu(struct rtnl *r, const char *name, unsigned mtu, struct jailor_error *err)
{
        uint32_t v = mtu;

        return set_link_attr(r, name, IFLA_MTU, sizeof(v), &v, err,
                             "Cannot set the MTU of '%s' to %u", name, mtu);
}

int rtnl_link_set_mac(struct rtnl *r, const char *name, const uint8_t mac[6],
                      struct jailor_error *err)
{
        char text[FORMAT_MAC_MAX];

        return set_link_attr(r, name, IFLA_ADDRESS, 6, mac, err,
                             "Cannot set the MAC address of '%s' to %s", name,
                             format_mac(mac, text));
}

int rtnl_link_set_master(struct rtnl *r, const char *name, const char *master,
                         struct jailor_error *err)
{
        uint32_t index = 0;
        int k;

        if (!master)
                return set_link_attr(r, name, IFLA_MASTER, sizeof(index), &index, err,
                                     "Cannot release '%s' from its bridge", name);
        k = rtnl_link_index(r, master, err);
        if (k < 0)
                return k;
        index = (uint32_t)k;
        return set_link_attr(r, name, IFLA_MASTER, sizeof(index), &index, err,
                             "Cannot add '%s' to bridge '%s'", name, master);
}

/*
 * Hairpin mode on the bridge port name: the bridge may send a frame back out
 * of the port it came in by, so a jail reaches itself through the host (a
 * NAT jail through its own port forward).  The bridge's own setlink finds
 * the port by index only.
 */
int rtnl_link_set_hairpin(struct rtnl *r, const char *name, bool on, struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE];
        struct nlmsghdr *nlh;
        struct nlattr *nest;
        int k;

        k = rtnl_link_index(r, name, err);
        if (k < 0)
                return k;
        nlh = rtnl_request(buf, RTM_SETLINK, 0);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_BRIDGE;
        ifi->ifi_index = k;
        nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
        mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, on ? 1 : 0);
        mnl_attr_nest_end(nlh, nest);
        return link_call(r, nlh, name, NULL, NULL, err, "Cannot set hairpin mode on '%s'", name);
}

int rtnl_link_set_netns(struct rtnl *r, const char *name, int netns_fd, struct jailor_error *err)
{
        uint32_t fd = (uint32_t)netns_fd;
        int k;

        k = set_link_attr(r, name, IFLA_NET_NS_FD, sizeof(fd), &fd, err,
                          "Cannot move network interface '%s' to another namespace", name);
        if (k == -EEXIST)
                return jailor_error_set(err, EEXIST,
                                        "Cannot move network interface '%s' to another "
                                        "namespace: a network interface named '%s' already exists "
                                        "there",
                                        name, name);
        return k;
}

int rtnl_link_rename(struct rtnl *r, const char *name, const char *new_name,
                     struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE];
        struct nlmsghdr *nlh;
        int k, ifindex;

        ifindex = rtnl_link_index(r, name, err);
        if (ifindex < 0)
                return ifindex;
        /* the new name goes in IFLA_IFNAME, so the interface is named by its index */
        k = link_request(buf, RTM_SETLINK, 0, new_name, &nlh, err);
        if (k < 0)
                return k;
        link_header(nlh)->ifi_index = ifindex;
        k = link_call(r, nlh, name, NULL, NULL, err, "Cannot rename network interface '%s' to '%s'",
                      name, new_name);
        if (k == -EEXIST)
                return jailor_error_set(err, EEXIST,
                                        "Cannot rename network interface '%s' to '%s': a network "
                                        "interface named '%s' already exists",
                                        name, new_name, new_name);
        if (k == -EBUSY)
                return jailor_error_set(err, EBUSY,
                                        "Cannot rename network interface '%s' to '%s' while it is "
                                        "up: kernels before 6.2 rename only interfaces that are "
                                        "down",
                                        name, new_name);
        return k;
}

int rtnl_link_delete(struct rtnl *r, const char *name, struct jailor_error *err)
{
        char buf[RTNL_REQUEST_SIZE];
        struct nlmsghdr *nlh;
        int k;

        k = link_request(buf, RTM_DELLINK, 0, name, &nlh, err);
        if (k < 0)
                return k;
        return link_call(r, nlh, name, NULL, NULL, err, "Cannot delete network interface '%s'",
                         name);
}

int rtnl_link_default_route_iface(struct rtnl *r, char ret[static IFNAMSIZ],
                                  struct jailor_error *err)
{
        static const int families[] = {AF_INET, AF_INET6};

        for (size_t i = 0; i < ELEMENTSOF(families); i++) {
                struct route rt;
                int k = rtnl_route_default(r, families[i], &rt, err);

                if (k == -ENOENT)
                        continue;
                if (k < 0)
                        return k;
                snprintf(ret, IFNAMSIZ, "%s", rt.dev);
                return 0;
        }
        return jailor_error_set(err, ENOENT,
                                "No default route, IPv4 or IPv6, to find the interface by");
}
