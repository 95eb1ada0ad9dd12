/* SPDX-License-Identifier: MIT */
/*
 * net-harness [-n NETNS] OPERATION ARGS...
 *
 * One netlink operation of libjailor (src/lib/net/) per run, for
 * test_netlink.py, which makes the namespaces, runs this inside one of them
 * (or names one with -n: the socket is then opened there by rtnl_open_in)
 * and checks the result with `ip -j`.  NETNS is a namespace file such as
 * /run/netns/NAME.  Results go to stdout (JSON for show/list/addrs); a
 * failure prints "ERRNAME: message" on stderr and exits 1.
 *
 *   veth NAME PEER [PEER_NETNS]     macvlan NAME PARENT [NETNS]
 *   bridge NAME                     ensure-bridge NAME
 *   up NAME | down NAME             mtu NAME N       mac NAME MAC
 *   master NAME BRIDGE|none         netns NAME NETNS
 *   rename NAME NEW                 delete NAME
 *   show NAME | list | default-iface
 *   addr-add ip4_addr|ip6_addr IFACE|ADDR/PREFIX [nodad]
 *   addr-del ip4_addr|ip6_addr IFACE|ADDR/PREFIX     addrs IFACE|all
 *   route-add|route-del 4|6 default|SUBNET/PREFIX GATEWAY|- DEV|-
 *   gateway 4|6
 *   sysctl KEY [VALUE]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/if_addr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "net/addr.h"
#include "net/link.h"
#include "net/route.h"
#include "net/rtnl.h"
#include "net/sysctl.h"
#include "props/parse.h"
#include "util/cleanup.h"

static struct jailor_error E;

static int fail(int r)
{
        fprintf(stderr, "%s: %s\n", strerrorname_np(-r) ?: "?", E.msg);
        return 1;
}

static int usage(void)
{
        fprintf(stderr,
                "net-harness: bad arguments (see the comment at the top of net_harness.c)\n");
        return 2;
}

static int open_netns(const char *path)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0) {
                perror(path);
                exit(2);
        }
        return fd;
}

static ino_t thread_netns(void)
{
        struct stat st;

        if (stat("/proc/thread-self/ns/net", &st) < 0) {
                perror("/proc/thread-self/ns/net");
                exit(2);
        }
        return st.st_ino;
}

static json_t *link_json(struct rtnl *r, const struct link_info *l)
{
        char mac[FORMAT_MAC_MAX], master[IFNAMSIZ] = "";

        if (l->master > 0 && rtnl_link_name(r, l->master, master, &E) < 0)
                snprintf(master, sizeof(master), "?%d", l->master);
        return json_pack("{s:i, s:s, s:s, s:i, s:s?, s:s?, s:b}", "ifindex", l->ifindex, "name",
                         l->name, "kind", l->kind, "mtu", (int)l->mtu, "mac",
                         l->has_mac ? format_mac(l->mac, mac) : NULL, "master",
                         master[0] ? master : NULL, "up", !!(l->flags & IFF_UP));
}

static int print_json(json_t *j)
{
        char *s = json_dumps(j, JSON_COMPACT);

        puts(s);
        free(s);
        json_decref(j);
        return 0;
}

/* "ip4_addr" or "ip6_addr" and one IFACE|ADDR/PREFIX, parsed as jailor parses those properties. */
static int parse_one_addr(const char *what, const char *value, struct addr_list *ret)
{
        int family = STREQ(what, "ip6_addr") ? AF_INET6 : AF_INET;
        int r = parse_addr_list(what, value, family, ret, &E);

        if (r < 0)
                return r;
        if (ret->n != 1 || ret->entries[0].kind != ADDR_STATIC ||
            ret->entries[0].iface_kind != ADDR_IFACE_NAMED)
                return jailor_error_set(&E, EINVAL, "expected one IFACE|ADDR/PREFIX, not '%s'",
                                        value);
        return 0;
}

static int family_arg(const char *s)
{
        return STREQ(s, "6") ? AF_INET6 : AF_INET;
}

/* route-add/route-del 4|6 default|SUBNET/PREFIX GATEWAY|- DEV|- */
static int parse_route(char **argv, struct route *rt)
{
        char dst[INET6_ADDRSTRLEN + 5], *slash;

        *rt = (struct route){.family = family_arg(argv[0])};
        if (!STREQ(argv[1], "default")) {
                snprintf(dst, sizeof(dst), "%s", argv[1]);
                slash = strchr(dst, '/');
                if (!slash)
                        return jailor_error_set(&E, EINVAL, "expected SUBNET/PREFIX, not '%s'",
                                                argv[1]);
                *slash = '\0';
                rt->prefix = (unsigned)atoi(slash + 1);
                if (inet_pton(rt->family, dst, &rt->dst) != 1)
                        return jailor_error_set(&E, EINVAL, "bad subnet '%s'", argv[1]);
        }
        if (!STREQ(argv[2], "-")) {
                int r = parse_inet_addr("gateway", argv[2], rt->family, &rt->gateway, &E);

                if (r < 0)
                        return r;
                rt->has_gateway = true;
        }
        if (!STREQ(argv[3], "-"))
                snprintf(rt->dev, sizeof(rt->dev), "%s", argv[3]);
        return 0;
}

static int run(struct rtnl *r, int argc, char **argv)
{
        const char *op = argv[0];
        int k;

#define NEED(n)                                                                                    \
        do {                                                                                       \
                if (argc < (n) + 1)                                                                \
                        return usage();                                                            \
        } while (0)

        if (STREQ(op, "veth") || STREQ(op, "macvlan")) {
                _cleanup_close_ int fd = -EBADF;

                NEED(2);
                if (argc > 3)
                        fd = open_netns(argv[3]);
                k = STREQ(op, "veth") ? rtnl_link_add_veth(r, argv[1], argv[2], fd, &E)
                                      : rtnl_link_add_macvlan(r, argv[1], argv[2], fd, &E);
        } else if (STREQ(op, "bridge")) {
                NEED(1);
                k = rtnl_link_add_bridge(r, argv[1], &E);
        } else if (STREQ(op, "ensure-bridge")) {
                NEED(1);
                k = rtnl_link_ensure_bridge(r, argv[1], &E);
                if (k >= 0)
                        puts(k ? "created" : "exists");
        } else if (STREQ(op, "up") || STREQ(op, "down")) {
                NEED(1);
                k = rtnl_link_set_up(r, argv[1], STREQ(op, "up"), &E);
        } else if (STREQ(op, "mtu")) {
                NEED(2);
                k = rtnl_link_set_mtu(r, argv[1], (unsigned)strtoul(argv[2], NULL, 10), &E);
        } else if (STREQ(op, "mac")) {
                uint8_t m[6];

                NEED(2);
                if (sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3],
                           &m[4], &m[5]) != 6)
                        return usage();
                k = rtnl_link_set_mac(r, argv[1], m, &E);
        } else if (STREQ(op, "master")) {
                NEED(2);
                k = rtnl_link_set_master(r, argv[1], STREQ(argv[2], "none") ? NULL : argv[2], &E);
        } else if (STREQ(op, "netns")) {
                _cleanup_close_ int fd = -EBADF;

                NEED(2);
                fd = open_netns(argv[2]);
                k = rtnl_link_set_netns(r, argv[1], fd, &E);
        } else if (STREQ(op, "rename")) {
                NEED(2);
                k = rtnl_link_rename(r, argv[1], argv[2], &E);
        } else if (STREQ(op, "delete")) {
                NEED(1);
                k = rtnl_link_delete(r, argv[1], &E);
        } else if (STREQ(op, "show")) {
                struct link_info l;

                NEED(1);
                k = rtnl_link_get(r, argv[1], &l, &E);
                if (k >= 0)
                        print_json(link_json(r, &l));
        } else if (STREQ(op, "list")) {
                _cleanup_free_ struct link_info *v = NULL;
                size_t n;

                k = rtnl_link_list(r, &v, &n, &E);
                if (k >= 0) {
                        json_t *a = json_array();

                        for (size_t i = 0; i < n; i++)
                                json_array_append_new(a, link_json(r, &v[i]));
                        print_json(a);
                }
        } else if (STREQ(op, "default-iface")) {
                char name[IFNAMSIZ];

                k = rtnl_link_default_route_iface(r, name, &E);
                if (k >= 0)
                        puts(name);
        } else if (STREQ(op, "addr-add") || STREQ(op, "addr-del")) {
                struct addr_list l = {0};
                const struct addr_entry *e;

                NEED(2);
                k = parse_one_addr(argv[1], argv[2], &l);
                if (k < 0)
                        return fail(k);
                e = &l.entries[0];
                if (STREQ(op, "addr-add"))
                        k = rtnl_addr_add(r, e->iface, e->family, &e->addr, e->prefix,
                                          argc > 3 && STREQ(argv[3], "nodad") ? RTNL_ADDR_NODAD : 0,
                                          &E);
                else
                        k = rtnl_addr_delete(r, e->iface, e->family, &e->addr, e->prefix, &E);
                addr_list_done(&l);
        } else if (STREQ(op, "addrs")) {
                _cleanup_free_ struct addr_info *v = NULL;
                size_t n;

                NEED(1);
                k = rtnl_addr_list(r, STREQ(argv[1], "all") ? NULL : argv[1], AF_UNSPEC, &v, &n,
                                   &E);
                if (k >= 0) {
                        json_t *a = json_array();

                        for (size_t i = 0; i < n; i++) {
                                char text[INET6_ADDRSTRLEN];

                                inet_ntop(v[i].family, &v[i].addr, text, sizeof(text));
                                json_array_append_new(
                                    a, json_pack("{s:i, s:s, s:i, s:b}", "ifindex", v[i].ifindex,
                                                 "local", text, "prefixlen", (int)v[i].prefix,
                                                 "nodad", !!(v[i].flags & IFA_F_NODAD)));
                        }
                        print_json(a);
                }
        } else if (STREQ(op, "route-add") || STREQ(op, "route-del")) {
                struct route rt;

                NEED(4);
                k = parse_route(argv + 1, &rt);
                if (k < 0)
                        return fail(k);
                k = STREQ(op, "route-add") ? rtnl_route_add(r, &rt, &E)
                                           : rtnl_route_delete(r, &rt, &E);
        } else if (STREQ(op, "gateway")) {
                struct route rt;

                NEED(1);
                k = rtnl_route_default(r, family_arg(argv[1]), &rt, &E);
                if (k >= 0) {
                        char text[INET6_ADDRSTRLEN] = "-";

                        if (rt.has_gateway)
                                inet_ntop(rt.family, &rt.gateway, text, sizeof(text));
                        printf("%s %s\n", text, rt.dev);
                }
        } else if (STREQ(op, "sysctl")) {
                char value[256];

                NEED(1);
                k = argc > 2 ? sysctl_net_write(argv[1], argv[2], &E) : 0;
                if (k >= 0)
                        k = sysctl_net_read(argv[1], value, sizeof(value), &E);
                if (k >= 0)
                        puts(value);
        } else {
                return usage();
        }
        return k < 0 ? fail(k) : 0;
}

int main(int argc, char **argv)
{
        _cleanup_rtnl_ struct rtnl *r = NULL;
        int k;

        if (argc > 2 && STREQ(argv[1], "-n")) {
                _cleanup_close_ int fd = open_netns(argv[2]);
                ino_t before = thread_netns();

                k = rtnl_open_in(fd, &r, &E);
                /* the socket is in the namespace, the thread must be back in its own */
                if (thread_netns() != before) {
                        fprintf(stderr, "net-harness: rtnl_open_in left the thread in %s\n",
                                argv[2]);
                        return 3;
                }
                argc -= 2;
                argv += 2;
        } else {
                k = rtnl_open(&r, &E);
        }
        if (k < 0)
                return fail(k);
        if (argc < 2)
                return usage();
        return run(r, argc - 1, argv + 1);
}
