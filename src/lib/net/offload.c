/* SPDX-License-Identifier: MIT */
/* Hardware offloads through the ethtool ioctl (see offload.h for the choices). */
#include "offload.h"

#include <errno.h>
#include <fnmatch.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../props/parse.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

/* Each offload as ethtool -K names it, and the kernel's features it stands for (fnmatch). */
static const struct {
        const char *name;
        const char *features;
} groups[] = {
        /* tx-tcp-segmentation, -ecn-, -mangleid-, tcp6-, and what newer kernels add (-accecn-) */
        {"tso", "tx-tcp*-segmentation"},
        {"gso", "tx-generic-segmentation"},
        {"gro", "rx-gro"},
        {"lro", "rx-lro"},
};
#define N_GROUPS (sizeof(groups) / sizeof(*groups))
/* Every feature of one interface: names[i] is bit i of the blocks. */
struct features {
        uint32_t count;
        char (*names)[ETH_GSTRING_LEN];
        struct ethtool_gfeatures *state;
};

static void features_done(struct features *f)
{
        free(f->names);
        free(f->state);
        *f = (struct features){0};
}

static int ethtool(int sock, const char *ifname, void *cmd)
{
        struct ifreq ifr = {0};

        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
        ifr.ifr_data = cmd;
        return ioctl(sock, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

static int ethtool_fail(int r, const char *ifname, const char *doing, struct jailor_error *err)
{
        if (r == -ENODEV)
                return jailor_error_set(err, ENODEV, "No network interface '%s'", ifname);
        return jailor_error_errno(err, -r, "Cannot %s the offloads of '%s'", doing, ifname);
}

static int open_socket(const char *ifname, int *ret, struct jailor_error *err)
{
        if (!ifname_is_valid(ifname))
                return jailor_error_set(err, EINVAL,
                                        "Invalid interface name '%s': 1 to 15 characters, no '/', "
                                        "':' or white space",
                                        ifname);
        *ret = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (*ret < 0)
                return jailor_error_errno(err, errno, "Cannot open a socket for the ethtool ioctl");
        return 0;
}

static int features_read(int sock, const char *ifname, struct features *f,
                         struct jailor_error *err)
{
        struct {
                struct ethtool_sset_info info;
                uint32_t count;
        } sset = {.info = {.cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_FEATURES}};
        _cleanup_free_ struct ethtool_gstrings *strings = NULL;
        uint32_t blocks;
        int r;

        *f = (struct features){0};
        r = ethtool(sock, ifname, &sset);
        if (r < 0)
                return ethtool_fail(r, ifname, "read", err);
        if (!(sset.info.sset_mask & (1ULL << ETH_SS_FEATURES)))
                return jailor_error_set(err, EOPNOTSUPP, "'%s' does not list its offload features",
                                        ifname);
        f->count = sset.count;
        blocks = (f->count + 31) / 32;
        strings = calloc(1, sizeof(*strings) + (size_t)f->count * ETH_GSTRING_LEN);
        f->state = calloc(1, sizeof(*f->state) + blocks * sizeof(f->state->features[0]));
        f->names = calloc(f->count ? f->count : 1, ETH_GSTRING_LEN);
        if (!strings || !f->state || !f->names) {
                features_done(f);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        *strings = (struct ethtool_gstrings){.cmd = ETHTOOL_GSTRINGS, .string_set = ETH_SS_FEATURES,
                                             .len = f->count};
        f->state->cmd = ETHTOOL_GFEATURES;
        f->state->size = blocks;
        r = ethtool(sock, ifname, strings);
        if (r == 0)
                r = ethtool(sock, ifname, f->state);
        if (r < 0) {
                features_done(f);
                return ethtool_fail(r, ifname, "read", err);
        }
        memcpy(f->names, strings->data, (size_t)f->count * ETH_GSTRING_LEN);
        for (uint32_t i = 0; i < f->count; i++)
                f->names[i][ETH_GSTRING_LEN - 1] = '\0';
        return 0;
}

static bool bit_set(uint32_t word, uint32_t bit)
{
        return word & (1U << (bit % 32));
}

static bool in_group(const struct features *f, uint32_t bit, size_t g)
{
        return fnmatch(groups[g].features, f->names[bit], 0) == 0;
}

/* Whether one feature of group g is active. */
static bool group_active(const struct features *f, size_t g)
{
        for (uint32_t bit = 0; bit < f->count; bit++)
                if (in_group(f, bit, g) && bit_set(f->state->features[bit / 32].active, bit))
                        return true;
        return false;
}

/* The active groups' names, ", "-separated, into which (cut to len); whether there was one. */
static bool active_names(const struct features *f, char *which, size_t len)
{
        size_t used = 0;
        bool any = false;

        if (len > 0)
                which[0] = '\0';
        for (size_t g = 0; g < N_GROUPS; g++) {
                if (!group_active(f, g))
                        continue;
                if (len > used)
                        used += (size_t)snprintf(which + used, len - used, "%s%s", any ? ", " : "",
                                                 groups[g].name);
                any = true;
        }
        return any;
}

/* Reads the interface's features and says which of the offloads are on. */
static int offloads_read(int sock, const char *ifname, char *which, size_t len, bool *ret_on,
                         struct jailor_error *err)
{
        struct features f;
        int r = features_read(sock, ifname, &f, err);

        if (r < 0)
                return r;
        *ret_on = active_names(&f, which, len);
        features_done(&f);
        return 0;
}

int offload_active(const char *ifname, char *which, size_t len, bool *ret_on,
                   struct jailor_error *err)
{
        _cleanup_close_ int sock = -EBADF;
        int r = open_socket(ifname, &sock, err);

        return r < 0 ? r : offloads_read(sock, ifname, which, len, ret_on, err);
}

/* Asks for every changeable feature of the groups to be off. */
static int features_turn_off(int sock, const char *ifname, const struct features *f,
                             struct jailor_error *err)
{
        uint32_t blocks = f->state->size;
        _cleanup_free_ struct ethtool_sfeatures *set =
                calloc(1, sizeof(*set) + blocks * sizeof(set->features[0]));
        bool any = false;
        int r;

        if (!set)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        set->cmd = ETHTOOL_SFEATURES;
        set->size = blocks;
        for (uint32_t bit = 0; bit < f->count; bit++)
                for (size_t g = 0; g < N_GROUPS; g++) {
                        const struct ethtool_get_features_block *b = &f->state->features[bit / 32];

                        /* only features that are on and the driver lets change: the kernel masks or refuses others */
                        if (!in_group(f, bit, g) || !bit_set(b->active, bit) ||
                            !bit_set(b->available, bit) || bit_set(b->never_changed, bit))
                                continue;
                        set->features[bit / 32].valid |= 1U << (bit % 32);
                        any = true; /* requested stays 0: off */
                }
        if (!any)
                return 0;
        r = ethtool(sock, ifname, set);
        return r < 0 ? ethtool_fail(r, ifname, "change", err) : 0;
}

int offload_disable(const char *ifname, struct jailor_error *err)
{
        _cleanup_close_ int sock = -EBADF;
        char still[OFFLOAD_NAMES_MAX];
        struct features f;
        bool on;
        int r = open_socket(ifname, &sock, err);

        if (r < 0)
                return r;
        r = features_read(sock, ifname, &f, err);
        if (r < 0)
                return r;
        r = features_turn_off(sock, ifname, &f, err);
        features_done(&f);
        /* then what the driver really did: it may keep a feature on that depends on another */
        if (r == 0)
                r = offloads_read(sock, ifname, still, sizeof(still), &on, err);
        if (r == 0 && on)
                r = jailor_error_set(err, EOPNOTSUPP,
                                     "Cannot turn off hardware offloading (%s) of '%s': its driver "
                                     "keeps it on",
                                     still, ifname);
        return r;
}

bool iface_is_physical(const char *ifname)
{
        _cleanup_free_ char *path = NULL;

        if (!ifname_is_valid(ifname))
                return false;
        path = strjoin("/sys/class/net/", ifname, "/device", NULL);
        return path && path_exists(path);
}
