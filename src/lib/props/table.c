/* SPDX-License-Identifier: MIT */
/*
 * THE property table.  Names are iocage's wherever the meaning carries over;
 * defaults are iocage's unless Linux gives the property another meaning (the
 * doc line then says what it does here).  Groups follow the TrueNAS advanced
 * form.  docs/properties.md is generated from this file.
 */
#include "props.h"

#include "validate.h"

#define STR_(x) #x
#define STR(x) STR_(x)

#define PROP(n, t, def, fl, grp, v, d)                                                             \
        {                                                                                          \
                .name = n, .type = t, .default_value = def, .flags = fl, .group = grp, .doc = d,   \
                .validate = v                                                                      \
        }
#define BOOL(n, def, fl, grp, d) PROP(n, PROP_BOOL, def, fl, grp, validate_bool, d)
#define INT(n, def, lo, hi, fl, grp, d)                                                            \
        {                                                                                          \
                .name = n, .type = PROP_INT, .default_value = def, .flags = fl, .group = grp,      \
                .doc = d, .min = lo, .max = hi, .validate = validate_int                           \
        }
#define ENUM(n, def, ch, fl, grp, v, d)                                                            \
        {                                                                                          \
                .name = n, .type = PROP_ENUM, .default_value = def, .flags = fl, .group = grp,     \
                .doc = d, .choices = ch, .validate = v                                             \
        }
#define MTU(n, def, t, v, d)                                                                       \
        {                                                                                          \
                .name = n, .type = t, .default_value = def, .group = PROP_GROUP_NETWORK, .doc = d, \
                .min = 68, .max = 65535, .validate = v                                             \
        }
#define RCTL(n, v, d) PROP(n, PROP_RCTL, "off", PROP_LIVE, PROP_GROUP_JAIL, v, d)
/* not a cgroup limit: set when the jail starts (an rlimit, a devpts option) */
#define RCTL_AT_START(n, v, d) PROP(n, PROP_RCTL, "off", 0, PROP_GROUP_JAIL, v, d)
#define STATE(n, t, def, v, d)                                                                     \
        PROP(n, t, def, PROP_READONLY | PROP_JAIL_ONLY, PROP_GROUP_STATE, v, d)
/* read-only, and its value is computed for each jail */
#define COMPUTED(n, v, d)                                                                          \
        PROP(n, PROP_STRING, NULL, PROP_READONLY | IDENTITY, PROP_GROUP_STATE, v, d)

#define BASIC PROP_GROUP_BASIC
#define JAIL PROP_GROUP_JAIL
#define NET PROP_GROUP_NETWORK
#define CUSTOM PROP_GROUP_CUSTOM
#define LIVE PROP_LIVE
#define IDENTITY (PROP_JAIL_ONLY | PROP_PER_JAIL)

static const char *const ip_modes[] = {"new", "inherit", "disable", NULL};
static const char *const sysv_modes[] = {"new", "inherit", "disable", NULL};
static const char *const jail_types[] = {"jail", "template", NULL};

const struct prop_def props_table[] = {
    /* ---- Basic ---- */
    BOOL("vnet", "0", 0, BASIC,
         "own network stack on a veth pair into the bridges named by interfaces"),
    BOOL("dhcp", "0", 0, BASIC,
         "get the IPv4 address of vnet0 by DHCP for the jail's whole life (needs vnet)"),
    BOOL("nat", "0", 0, BASIC,
         "private address from nat_prefix, masqueraded out of nat_interface (needs vnet)"),
    PROP("ip4_addr", PROP_ADDR_LIST, "none", 0, BASIC, validate_ip4_addr,
         "IPv4 addresses: none or IFACE|ADDR/PREFIX,... (IFACE|DHCP, DEFAULT|ADDR, bare ADDR)"),
    PROP("defaultrouter", PROP_STRING, "auto", 0, BASIC, validate_router4,
         "IPv4 default gateway: auto (the host's, when reachable), none, or an address"),
    PROP("ip6_addr", PROP_ADDR_LIST, "none", 0, BASIC, validate_ip6_addr,
         "IPv6 addresses: none or IFACE|ADDR/PREFIX,...; IFACE|accept_rtadv for SLAAC"),
    PROP("defaultrouter6", PROP_STRING, "auto", 0, BASIC, validate_router6,
         "IPv6 default gateway: auto, none, or an address (fe80::1%vnet0 for link-local)"),
    PROP("notes", PROP_STRING, "none", LIVE, BASIC, validate_text, "free text about the jail"),
    BOOL("boot", "0", LIVE, BASIC,
         "start with `jailor start --rc` at host boot, in priority order"),

    /* ---- Jail ---- */
    PROP("exec_start", PROP_STRING, "auto", 0, JAIL, validate_command_auto,
         "auto: boot the jail's /sbin/init (or jailor's small init); else a command run in "
         "the jail"),
    PROP("exec_stop", PROP_STRING, "auto", LIVE, JAIL, validate_command_auto,
         "auto: shut the init down its own way (systemd: SIGRTMIN+3); else a command run in "
         "the jail"),
    PROP("exec_prestart", PROP_STRING, "none", LIVE, JAIL, validate_command_hook,
         "command run on the host before the jail starts; none runs nothing (a failure "
         "stops the start)"),
    PROP("exec_poststart", PROP_STRING, "none", LIVE, JAIL, validate_command_hook,
         "command run on the host after exec_start; none runs nothing"),
    PROP("exec_prestop", PROP_STRING, "none", LIVE, JAIL, validate_command_hook,
         "command run on the host before the jail stops; none runs nothing"),
    PROP("exec_poststop", PROP_STRING, "none", LIVE, JAIL, validate_command_hook,
         "command run on the host after the jail stopped; none runs nothing"),
    PROP("exec_created", PROP_STRING, "none", LIVE, JAIL, validate_command_hook,
         "command run on the host after the jail is created; none runs nothing"),
    BOOL("exec_clean", "1", LIVE, JAIL,
         "run exec_* and `jailor exec` commands with a clean environment"),
    INT("exec_timeout", "60", 1, 86400, LIVE, JAIL,
        "seconds allowed for each exec_* command and for the DHCP lease at start"),
    INT("stop_timeout", "30", 0, 86400, LIVE, JAIL,
        "seconds to wait for a clean shutdown before every process is killed (0: at once)"),
    PROP("login_flags", PROP_STRING, "-f root", LIVE, JAIL, validate_text,
         "arguments of login(1) for `jailor console`"),
    ENUM("sysvmsg", "new", sysv_modes, 0, JAIL, validate_enum,
         "SysV message queues: new (own IPC namespace), inherit (the host's) or disable"),
    ENUM("sysvsem", "new", sysv_modes, 0, JAIL, validate_enum,
         "SysV semaphores: new, inherit or disable (new and inherit must agree across sysv*)"),
    ENUM("sysvshm", "new", sysv_modes, 0, JAIL, validate_enum,
         "SysV shared memory: new, inherit or disable (new and inherit must agree across "
         "sysv*)"),
    BOOL("allow_sysvipc", "0", 0, JAIL,
         "share the host's SysV IPC (as sysvmsg, sysvsem and sysvshm=inherit)"),
    BOOL("allow_set_hostname", "1", 0, JAIL, "let the jail change its own hostname"),
    BOOL("allow_raw_sockets", "0", 0, JAIL,
         "raw and packet sockets, for ping and traceroute (CAP_NET_RAW)"),
    BOOL("allow_mlock", "0", 0, JAIL, "lock memory with mlock(2) (CAP_IPC_LOCK)"),
    BOOL("allow_vmm", "0", 0, JAIL, "virtual machines inside the jail (/dev/kvm)"),
    BOOL("allow_mount", "0", 0, JAIL,
         "let the jail mount the file system types enabled by allow_mount_*"),
    BOOL("allow_mount_tmpfs", "0", 0, JAIL, "with allow_mount: tmpfs"),
    BOOL("allow_mount_procfs", "0", 0, JAIL, "with allow_mount: more proc file systems"),
    BOOL("allow_mount_nullfs", "0", 0, JAIL, "with allow_mount: bind mounts (FreeBSD's nullfs)"),
    BOOL("allow_mount_fusefs", "0", 0, JAIL, "with allow_mount: FUSE file systems (/dev/fuse)"),
    RCTL("memoryuse", validate_rctl_bytes,
         "memory limit of the whole jail, such as 4G (memory.max); off for none"),
    RCTL("swapuse", validate_rctl_bytes, "swap limit of the jail (memory.swap.max)"),
    RCTL("pcpu", validate_rctl_pcpu,
         "CPU limit in percent of one CPU, up to 100 per host CPU (cpu.max)"),
    PROP("cpuset", PROP_STRING, "off", LIVE, JAIL, validate_cpuset,
         "CPUs the jail runs on: off, all, or a list such as 0-3,8 (cpuset.cpus)"),
    RCTL("maxproc", validate_rctl_count, "most processes and threads at once (pids.max)"),
    RCTL_AT_START("openfiles", validate_rctl_count, "most open files of each process (RLIMIT_NOFILE)"),
    RCTL_AT_START("pseudoterminals", validate_rctl_count, "most pseudo-terminals open at once (devpts max)"),
    RCTL("readbps", validate_rctl_bytes_rate,
         "read rate limit on the jail's disk, bytes per second such as 50M (io.max)"),
    RCTL("writebps", validate_rctl_bytes_rate,
         "write rate limit on the jail's disk, bytes per second (io.max)"),
    RCTL("readiops", validate_rctl_iops, "read operations per second on the jail's disk (io.max)"),
    RCTL("writeiops", validate_rctl_iops,
         "write operations per second on the jail's disk (io.max)"),

    /* ---- Network ---- */
    PROP("interfaces", PROP_LIST, "vnet0:bridge0", 0, NET, validate_interfaces,
         "VNET interfaces and their host bridges: vnet0:bridge0[,vnet1:bridge1...] "
         "(vnet0-vnet3)"),
    PROP("host_hostname", PROP_STRING, NULL, IDENTITY, NET, validate_hostname,
         "the jail's hostname; by default its name with '_' turned into '-'"),
    PROP("host_domainname", PROP_STRING, "none", 0, NET, validate_domainname,
         "the jail's NIS domain name (setdomainname), none to leave it unset"),
    PROP("resolver", PROP_STRING, "/etc/resolv.conf", 0, NET, validate_resolver,
         "/etc/resolv.conf (copy the host's), none (leave the jail's), or lines split by ';'"),
    ENUM("ip4", "new", ip_modes, 0, NET, validate_ip_mode,
         "new: the jail's own network stack; inherit: share the host's; disable: no IPv4"),
    ENUM("ip6", "new", ip_modes, 0, NET, validate_ip_mode,
         "new: IPv6 as ip6_addr says; inherit: share the host's stack (as ip4); disable: "
         "no IPv6"),
    PROP("mac_prefix", PROP_STRING, "auto", 0, NET, validate_mac_prefix,
         "first 3 bytes of generated MACs (6 hex digits), auto: from the host's uplink"),
    PROP("vnet0_mac", PROP_STRING, NULL, IDENTITY, NET, validate_mac_pair,
         "MACs of vnet0, host side and jail side; none: generated, stable per jail"),
    PROP("vnet1_mac", PROP_STRING, NULL, IDENTITY, NET, validate_mac_pair,
         "MACs of vnet1, host side and jail side"),
    PROP("vnet2_mac", PROP_STRING, NULL, IDENTITY, NET, validate_mac_pair,
         "MACs of vnet2, host side and jail side"),
    PROP("vnet3_mac", PROP_STRING, NULL, IDENTITY, NET, validate_mac_pair,
         "MACs of vnet3, host side and jail side"),
    MTU("vnet0_mtu", "auto", PROP_STRING, validate_int_or_auto,
        "MTU of vnet0: auto follows the bridge, or a number 68-65535"),
    MTU("vnet1_mtu", "auto", PROP_STRING, validate_int_or_auto, "MTU of vnet1"),
    MTU("vnet2_mtu", "auto", PROP_STRING, validate_int_or_auto, "MTU of vnet2"),
    MTU("vnet3_mtu", "auto", PROP_STRING, validate_int_or_auto, "MTU of vnet3"),
    MTU("vnet_default_mtu", "1500", PROP_INT, validate_int,
        "MTU when the bridge has no other member, and with NAT"),
    PROP("vnet_default_interface", PROP_STRING, "auto", 0, NET, validate_iface_choice,
         "host interface added to VNET bridges: auto (default-route interface), none, or a "
         "name"),
    BOOL("vnet_default_interface_offload", "1", 0, NET,
         "off: turn hardware offloading off on an interface joining a jail bridge"),
    PROP("nat_interface", PROP_STRING, "auto", PROP_DEFAULT_ONLY, NET, validate_nat_interface,
         "host interface NAT jails go out of: auto (default-route interface) or a name"),
    PROP("nat_prefix", PROP_STRING, "172.16", PROP_DEFAULT_ONLY, NET, validate_nat_prefix,
         "private range NAT jails get addresses from: 10.Y, 172.16-31 or 192.168"),
    PROP("nat_forwards", PROP_LIST, "none", 0, NET, validate_nat_forwards,
         "host ports forwarded to a NAT jail: tcp(80:8080),udp(53),tcp/udp(1000-2000)"),

    /* ---- Custom ---- */
    INT("priority", "99", 1, 99, LIVE, CUSTOM,
        "boot order, 1 first; equal priorities start together, stop in reverse"),
    PROP("depends", PROP_LIST, "none", LIVE, CUSTOM, validate_depends,
         "jails started before this one, separated by spaces"),
    PROP("comment", PROP_STRING, "none", LIVE, CUSTOM, validate_text, "free text"),
    PROP("owner", PROP_STRING, "root", LIVE, CUSTOM, validate_word_text,
         "who the jail belongs to (free text)"),
    BOOL("template", "0", PROP_JAIL_ONLY | PROP_STOPPED, CUSTOM,
         "make the stopped jail a template new jails can be created from (-t)"),
    BOOL("host_time", "1", 0, CUSTOM, "copy the host's time zone into the jail at start"),
    BOOL("allow_tun", "0", 0, CUSTOM, "TUN/TAP devices for VPNs (/dev/net/tun)"),
    PROP("quota", PROP_SIZE, "none", LIVE, CUSTOM, validate_size,
         "most disk space the jail may use, such as 20G (ZFS quota, btrfs qgroup)"),
    PROP("reservation", PROP_SIZE, "none", LIVE, CUSTOM, validate_size,
         "disk space kept for the jail (ZFS pools only)"),
    PROP("compression", PROP_STRING, "inherit", LIVE, CUSTOM, validate_compression,
         "compression of the jail's data (ZFS, btrfs); inherit: the pool's setting"),

    /* ---- State, kept by jailor ---- */
    INT("CONFIG_VERSION", STR(PROPS_CONFIG_VERSION), 0, 1000000, PROP_READONLY, PROP_GROUP_STATE,
        "schema version of config.json"),
    ENUM("type", "jail", jail_types, PROP_READONLY | PROP_JAIL_ONLY, PROP_GROUP_STATE,
         validate_enum, "jail or template"),
    COMPUTED("release", validate_name, "release the jail runs"),
    COMPUTED("cloned_release", validate_name, "release the jail was created from"),
    COMPUTED("host_hostuuid", validate_name, "the jail's identity: its name"),
    STATE("source_template", PROP_STRING, "none", validate_name_or_none,
          "template the jail was created from"),
    STATE("basejail", PROP_BOOL, "0", validate_bool,
          "the release's system directories are mounted read-only (create -b)"),
    STATE("last_started", PROP_STRING, "none", validate_timestamp,
          "when the jail last started, UTC"),
    COMPUTED("used", validate_text, "disk space the jail uses"),
    COMPUTED("available", validate_text, "disk space left for the jail"),
    COMPUTED("origin", validate_text, "snapshot the jail's root is a clone of"),
    COMPUTED("mountpoint", validate_text, "where the jail's root is"),
    COMPUTED("compressratio", validate_text, "compression ratio of the jail's data"),
};

const size_t props_count = sizeof(props_table) / sizeof(props_table[0]);
