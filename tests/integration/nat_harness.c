/* SPDX-License-Identifier: MIT */
/*
 * nat-harness: the NAT library (src/lib/net/nat.h) as commands, for
 * test_nat.py, which runs it inside the test's "host" network namespace
 * (never the machine's own).
 *
 *   nat-harness add NAME ADDR IFACE FORWARDS    nat_add_jail (FORWARDS: nat_forwards syntax)
 *   nat-harness remove NAME                     nat_remove_jail
 *   nat-harness list                            nat_list_jails, one name a line
 *   nat-harness pick PREFIX NAME [TAKEN...]     nat_pick_address
 *   nat-harness subnet PREFIX                   nat_subnet: NETWORK/LEN GATEWAY
 *
 * A failure prints "ERRNO MESSAGE" (the library's one line) on stderr and
 * exits 1; bad usage exits 2.  JAILOR_RUN_DIR says where the lock goes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "net/nat.h"
#include "props/parse.h"
#include "util/cleanup.h"

static struct jailor_error E;

static int fail(int r)
{
        fprintf(stderr, "%s %s\n", strerrorname_np(-r) ? strerrorname_np(-r) : "?", E.msg);
        return 1;
}

static int usage(void)
{
        fprintf(stderr, "usage: nat-harness add|remove|list|pick|subnet ...\n");
        return 2;
}

static int cmd_add(struct jailor_ctx *ctx, char **argv)
{
        struct nat_forwards fw = {0};
        struct nat_jail jail = {.name = argv[0], .out_iface = argv[2], .forwards = &fw};
        int r;

        if (inet_pton(AF_INET, argv[1], &jail.addr) != 1)
                return usage();
        r = parse_nat_forwards("nat_forwards", argv[3], &fw, &E);
        if (r >= 0)
                r = nat_add_jail(ctx, &jail, &E);
        nat_forwards_done(&fw);
        return r < 0 ? fail(r) : 0;
}

static int cmd_list(void)
{
        _cleanup_strv_free_ char **names = NULL;
        int r = nat_list_jails(&names, &E);

        if (r < 0)
                return fail(r);
        for (char **n = names; *n; n++)
                printf("%s\n", *n);
        return 0;
}

static int cmd_pick(int argc, char **argv)
{
        _cleanup_free_ struct in_addr *taken = calloc(argc, sizeof(*taken));
        struct nat_prefix prefix;
        struct in_addr a;
        char buf[INET_ADDRSTRLEN];
        int r;

        if (!taken)
                return 1;
        r = parse_nat_prefix("nat_prefix", argv[0], &prefix, &E);
        if (r < 0)
                return fail(r);
        for (int i = 2; i < argc; i++)
                if (inet_pton(AF_INET, argv[i], &taken[i - 2]) != 1)
                        return usage();
        r = nat_pick_address(&prefix, argv[1], taken, argc > 2 ? argc - 2 : 0, &a, &E);
        if (r < 0)
                return fail(r);
        printf("%s\n", inet_ntop(AF_INET, &a, buf, sizeof(buf)));
        return 0;
}

static int cmd_subnet(const char *s)
{
        struct nat_prefix prefix;
        struct nat_subnet sn;
        char net[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
        int r = parse_nat_prefix("nat_prefix", s, &prefix, &E);

        if (r < 0)
                return fail(r);
        nat_subnet(&prefix, &sn);
        printf("%s/%u %s\n", inet_ntop(AF_INET, &sn.network, net, sizeof(net)), sn.prefixlen,
               inet_ntop(AF_INET, &sn.gateway, gw, sizeof(gw)));
        return 0;
}

int main(int argc, char **argv)
{
        struct jailor_ctx ctx = {0};
        const char *cmd = argc > 1 ? argv[1] : "";
        int r, ret;

        r = jailor_ctx_init(&ctx, &E);
        if (r < 0)
                return fail(r);
        if (STREQ(cmd, "add") && argc == 6)
                ret = cmd_add(&ctx, argv + 2);
        else if (STREQ(cmd, "remove") && argc == 3)
                ret = (r = nat_remove_jail(&ctx, argv[2], &E)) < 0 ? fail(r) : 0;
        else if (STREQ(cmd, "list") && argc == 2)
                ret = cmd_list();
        else if (STREQ(cmd, "pick") && argc >= 4)
                ret = cmd_pick(argc - 2, argv + 2);
        else if (STREQ(cmd, "subnet") && argc == 3)
                ret = cmd_subnet(argv[2]);
        else
                ret = usage();
        jailor_ctx_done(&ctx);
        return ret;
}
