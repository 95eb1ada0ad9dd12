/* SPDX-License-Identifier: MIT */
/*
 * Parsers for every property value syntax, usable on their own (networking,
 * limits, the API) as well as by the property table's validators.
 *
 * Each parser takes `what`, the name of the input for messages (a property
 * name such as "ip4_addr", or an option such as "--listen"; NULL for none),
 * fills a structured result, and returns 0 or a negative errno with ONE line
 * in err, quoting the input and naming the rule it broke:
 *
 *   Invalid value 'onion' for 'boot': expected on/off, yes/no, true/false or 1/0
 *   Invalid entry 'tcp(0)' in 'nat_forwards': port '0' is outside 1-65535
 *
 * The format_*() functions give the canonical spelling of a result, the one
 * stored on disk; they return a malloc'd string, or NULL when out of memory.
 */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"

/* ---- scalars ---------------------------------------------------------- */

/* 0/1/on/off/yes/no/true/false, any case. */
int parse_bool(const char *what, const char *s, bool *ret, struct jailor_error *err);

/* A decimal integer in [min, max]; no sign unless min < 0, no spaces. */
int parse_int(const char *what, const char *s, long long min, long long max, long long *ret,
              struct jailor_error *err);

/*
 * A size in bytes: "1024", "512K", "512M", "4G", "1T", "1P" (suffix in any
 * case, optionally followed by "B"/"iB"; units are powers of 1024).
 * "off", "none" and "0" give 0, meaning unset.  At most INT64_MAX bytes.
 */
int parse_size(const char *what, const char *s, uint64_t *ret, struct jailor_error *err);

/* The largest unit that divides bytes exactly: 1073741824 -> "1G", 1000 -> "1000". */
#define FORMAT_SIZE_MAX 24
const char *format_size(uint64_t bytes, char buf[static FORMAT_SIZE_MAX]);

/*
 * One line of free text (notes, comment, commands): no control characters,
 * at most max_len bytes; empty allowed only when allow_empty.
 */
int parse_text(const char *what, const char *s, size_t max_len, bool allow_empty,
               struct jailor_error *err);

/* ---- names ------------------------------------------------------------ */

#define NAME_MAX_LEN 64

/*
 * A jail, release or template name (SPEC §5): letters, digits, '.', '-',
 * '_'; 1 to 64 characters; not starting with '-' or '.'; "default", "ALL"
 * and "help" are reserved (in any case).  kind is a noun for messages:
 * "Invalid jail name 'a b': ...".
 */
int parse_name(const char *kind, const char *s, struct jailor_error *err);
bool name_is_valid(const char *s);

/* Space-separated names (depends); "none" or "" give an empty vector. */
int parse_name_list(const char *what, const char *s, char ***ret, struct jailor_error *err);
/* "a b c", or "none" for an empty vector. */
char *format_name_list(char *const *names);

/*
 * A host or NIS domain name: RFC 1123 labels (letters, digits, '-', not at
 * either end of a label, 1 to 63 characters) separated by dots, at most 64
 * characters in all (the kernel's limit for both).
 */
#define HOSTNAME_MAX_LEN 64
int parse_hostname(const char *what, const char *s, struct jailor_error *err);

/*
 * The default hostname of a jail: its name with every character a hostname
 * cannot hold turned into '-', labels trimmed of '-' ("my_jail" -> "my-jail").
 */
char *hostname_from_name(const char *name);

/* A Linux interface name: 1 to 15 characters, no '/', ':' or white space, not "." or "..". */
bool ifname_is_valid(const char *s);
int parse_ifname(const char *what, const char *s, struct jailor_error *err);

/* ---- addresses -------------------------------------------------------- */

union inet_addr {
        struct in_addr in4;
        struct in6_addr in6;
};

enum addr_kind {
        ADDR_STATIC,       /* an address, with or without a prefix */
        ADDR_DHCP,         /* IFACE|DHCP (ip4_addr only) */
        ADDR_ACCEPT_RTADV, /* IFACE|accept_rtadv: SLAAC (ip6_addr only) */
};

enum addr_iface {
        ADDR_IFACE_NAMED,   /* "eth0|..." */
        ADDR_IFACE_UNNAMED, /* a bare address: vnet0 with VNET, else the default-route NIC */
        ADDR_IFACE_DEFAULT, /* "DEFAULT|...": the host's default-route interface */
};

struct addr_entry {
        enum addr_iface iface_kind;
        char iface[IFNAMSIZ]; /* ADDR_IFACE_NAMED, else "" */
        enum addr_kind kind;
        int family;           /* AF_INET or AF_INET6 */
        union inet_addr addr; /* ADDR_STATIC */
        unsigned prefix;      /* ADDR_STATIC; 32 or 128 when not given */
        bool has_prefix;      /* the value named a prefix or netmask */
};

struct addr_list {
        struct addr_entry *entries;
        size_t n; /* 0 for "none" */
};

/*
 * ip4_addr (family AF_INET) or ip6_addr (AF_INET6): "none", or a comma list
 * of IFACE|ADDR/PREFIX, IFACE|ADDR, ADDR, DEFAULT|ADDR, IFACE|DHCP (IPv4),
 * IFACE|accept_rtadv (IPv6).  IPv4 netmasks may be dotted (255.255.255.0).
 * Refused: empty interface, an address of the other family, network or
 * broadcast addresses of an IPv4 subnet, unspecified or multicast
 * addresses, the same entry twice.
 */
int parse_addr_list(const char *what, const char *s, int family, struct addr_list *ret,
                    struct jailor_error *err);
char *format_addr_list(const struct addr_list *l);
void addr_list_done(struct addr_list *l);

/* An address of family, no prefix; "Invalid value" message on failure. */
int parse_inet_addr(const char *what, const char *s, int family, union inet_addr *ret,
                    struct jailor_error *err);

enum router_kind {
        ROUTER_AUTO, /* the host's gateway when it is reachable */
        ROUTER_NONE, /* no default route */
        ROUTER_ADDR,
};

struct router {
        enum router_kind kind;
        int family;
        union inet_addr addr; /* ROUTER_ADDR */
        char scope[IFNAMSIZ]; /* IPv6 "fe80::1%vnet0": the jail interface, else "" */
};

/* defaultrouter (AF_INET) / defaultrouter6 (AF_INET6): auto, none or an address. */
int parse_router(const char *what, const char *s, int family, struct router *ret,
                 struct jailor_error *err);
char *format_router(const struct router *r);

/* ---- interfaces ------------------------------------------------------- */

#define VNET_MAX 4

struct vnet_bridge {
        unsigned vnet;         /* 0..3: the jail's vnetN */
        char bridge[IFNAMSIZ]; /* the host bridge */
};

struct vnet_bridges {
        struct vnet_bridge v[VNET_MAX]; /* sorted by vnet */
        size_t n;                       /* at least 1 */
};

/* "vnet0:bridge0[,vnet1:bridge1...]": vnet0..vnet3, each at most once. */
int parse_interfaces(const char *what, const char *s, struct vnet_bridges *ret,
                     struct jailor_error *err);
char *format_interfaces(const struct vnet_bridges *b);

enum iface_choice_kind {
        IFACE_AUTO, /* the host's default-route interface */
        IFACE_NONE,
        IFACE_NAMED,
};

struct iface_choice {
        enum iface_choice_kind kind;
        char name[IFNAMSIZ];
};

/* vnet_default_interface, nat_interface: auto, none or an interface name (syntax only). */
int parse_iface_choice(const char *what, const char *s, struct iface_choice *ret,
                       struct jailor_error *err);

/* ---- NAT ---------------------------------------------------------------- */

enum {
        NAT_PROTO_TCP = 1 << 0,
        NAT_PROTO_UDP = 1 << 1,
};

struct nat_forward {
        unsigned protos;                /* NAT_PROTO_* */
        uint16_t jail_first, jail_last; /* a single port has first == last */
        uint16_t host_first, host_last; /* same length as the jail range */
};

struct nat_forwards {
        struct nat_forward *v;
        size_t n; /* 0 for "none" */
};

/*
 * nat_forwards: "none" or a comma list of PROTO(JAILPORT[:HOSTPORT]) with
 * PROTO tcp, udp or tcp/udp, ports 1-65535 or ranges "a-b" (both sides of
 * equal length); a bare "80" or "80:8080" is tcp.  A host port forwarded
 * twice for one protocol is refused.
 */
int parse_nat_forwards(const char *what, const char *s, struct nat_forwards *ret,
                       struct jailor_error *err);
char *format_nat_forwards(const struct nat_forwards *f);
void nat_forwards_done(struct nat_forwards *f);

/* nat_prefix: "X.Y" with X.Y.0.0 private: 10.Y, 172.16-31, 192.168. */
struct nat_prefix {
        uint8_t a, b;
};

int parse_nat_prefix(const char *what, const char *s, struct nat_prefix *ret,
                     struct jailor_error *err);

/* ---- MAC addresses ---------------------------------------------------- */

#define FORMAT_MAC_MAX 18

struct mac_pair {
        bool set; /* false for "none": generated at first start */
        uint8_t host[6], jail[6];
};

/*
 * vnetN_mac: "none", or two different unicast MACs (host side, jail side)
 * separated by a space or a comma; each aa:bb:cc:dd:ee:ff, aa-bb-... or
 * aabbccddeeff.
 */
int parse_mac_pair(const char *what, const char *s, struct mac_pair *ret, struct jailor_error *err);
char *format_mac_pair(const struct mac_pair *m);
const char *format_mac(const uint8_t mac[6], char buf[static FORMAT_MAC_MAX]);

struct mac_prefix {
        bool is_auto; /* derived from the host's default-route interface */
        uint8_t b[3];
};

/* mac_prefix: "auto" or 6 hex digits, locally administered unicast (2nd digit 2, 6, A or E). */
int parse_mac_prefix(const char *what, const char *s, struct mac_prefix *ret,
                     struct jailor_error *err);

/* ---- resolver ----------------------------------------------------------- */

enum resolver_kind {
        RESOLVER_HOST,  /* "/etc/resolv.conf": a copy of the host's */
        RESOLVER_NONE,  /* "none" or "/dev/null": leave the jail's file alone */
        RESOLVER_LINES, /* literal lines */
};

struct resolver {
        enum resolver_kind kind;
        char **lines; /* RESOLVER_LINES: NULL-terminated */
};

/*
 * resolver: "/etc/resolv.conf", "none", "/dev/null", or lines separated by
 * ';', each "nameserver ADDR", "search DOMAIN...", "domain DOMAIN" or
 * "options OPTION...".
 */
int parse_resolver(const char *what, const char *s, struct resolver *ret, struct jailor_error *err);
char *format_resolver(const struct resolver *r);
void resolver_done(struct resolver *r);

/* ---- limits ------------------------------------------------------------- */

enum rctl_kind {
        RCTL_BYTES,      /* memoryuse, swapuse: a size, action deny */
        RCTL_BYTES_RATE, /* readbps, writebps: a size per second, action throttle */
        RCTL_IOPS,       /* readiops, writeiops: a count per second, action throttle */
        RCTL_COUNT,      /* maxproc, openfiles, pseudoterminals: a count, action deny */
        RCTL_PERCENT,    /* pcpu: percent of one CPU, 1 to 100 x CPUs, action deny */
};

struct rctl_value {
        bool set; /* false for "off" */
        uint64_t amount;
};

/*
 * An iocage RCTL value: "off", or [ACTION=]AMOUNT.  ACTION is the one the
 * kind allows on Linux (deny, or throttle for I/O rates); AMOUNT is a
 * positive number, with a b/k/m/g/t/p suffix for byte kinds only.
 */
int parse_rctl(const char *what, const char *s, enum rctl_kind kind, struct rctl_value *ret,
               struct jailor_error *err);
/* "off", "4G" or "200". */
char *format_rctl(enum rctl_kind kind, const struct rctl_value *v);
/* Upper bound of pcpu on this host: 100 x configured CPUs. */
uint64_t rctl_pcpu_max(void);

enum cpuset_kind {
        CPUSET_OFF, /* no restriction */
        CPUSET_ALL, /* every CPU of the host */
        CPUSET_LIST,
};

struct cpuset_value {
        enum cpuset_kind kind;
        cpu_set_t cpus; /* CPUSET_LIST */
};

/* cpuset: "off", "all", or CPUs and ranges "0,1,3", "0-3", "0-3,8" without repeats. */
int parse_cpuset(const char *what, const char *s, struct cpuset_value *ret,
                 struct jailor_error *err);
/* "off", "all", or the list with ranges folded: "0-3,8". */
char *format_cpuset(const struct cpuset_value *c);
