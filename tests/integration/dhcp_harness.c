/* SPDX-License-Identifier: MIT */
/*
 * dhcp-harness IFNAME [--timeout MS] [--hostname NAME] [--request ADDR]
 *              [--apply] [--renew-after MS] [--decline] [--run MS] [--no-release]
 *
 * Runs jailor's DHCP client on IFNAME as a jail's supervisor would: first
 * lease with dhcp_client_acquire, then the poll loop until SIGTERM/SIGINT
 * (or --run MS), then stop with RELEASE (unless --no-release).  Prints one
 * JSON object a line on stdout for each event, with "ms" since start:
 *
 *   started  {ifname, mac}             bound, renewed, expired  {lease...}
 *   nak                                 failed   {errno, message}  (exit 1)
 *   stopped  {released}
 *
 * --apply applies a lease with `ip` (the netlink layer does it in jailor
 * itself), which renewal needs: it is unicast from the leased address.
 * --renew-after renews that long after the first lease instead of at T1;
 * --decline declines the first lease as if its address were in use.
 * --request starts by asking for ADDR (INIT-REBOOT).  Run by test_dhcp.py.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>

#include "net/dhcp_client.h"
#include "net/dhcp_socket.h"
#include "util/cleanup.h"
#include "util/run.h"

static const char *ifname;
static bool apply;
static long long started_ms;

static long long mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void print(json_t *o)
{
        char *s;

        json_object_set_new(o, "ms", json_integer(mono_ms() - started_ms));
        s = json_dumps(o, JSON_COMPACT);
        printf("%s\n", s);
        fflush(stdout);
        free(s);
        json_decref(o);
}

static json_t *addr(struct in_addr a)
{
        return json_string(inet_ntoa(a));
}

static json_t *lease_json(const char *event, const struct dhcp_lease *l)
{
        json_t *o = json_pack("{s:s, s:o, s:i, s:o, s:s, s:I, s:I, s:I, s:o}", "event", event,
                              "address", addr(l->address), "prefix", l->prefix, "router",
                              addr(l->router), "domain", l->domain, "lease_time",
                              (json_int_t)l->lease_time, "t1", (json_int_t)l->t1, "t2",
                              (json_int_t)l->t2, "server_id", addr(l->server_id));
        json_t *dns = json_array();

        for (size_t i = 0; i < l->n_dns; i++)
                json_array_append_new(dns, addr(l->dns[i]));
        json_object_set_new(o, "dns", dns);
        return o;
}

static void ip_command(char *const argv[])
{
        struct jailor_error err = {0};

        if (run_command(argv, NULL, &err) < 0)
                print(json_pack("{s:s, s:s}", "event", "apply_failed", "message", err.msg));
}

static void apply_lease(enum dhcp_event ev, const struct dhcp_lease *l)
{
        char cidr[32], router[16], *dev = (char *)ifname;

        snprintf(cidr, sizeof(cidr), "%s/%u", inet_ntoa(l->address), l->prefix);
        snprintf(router, sizeof(router), "%s", inet_ntoa(l->router));
        if (ev == DHCP_EVENT_EXPIRED) {
                ip_command((char *[]){"ip", "addr", "del", cidr, "dev", dev, NULL});
                return;
        }
        ip_command((char *[]){"ip", "addr", "replace", cidr, "dev", dev, NULL});
        if (l->router.s_addr != 0)
                ip_command((char *[]){"ip", "route", "replace", "default", "via", router, "dev",
                                      dev, NULL});
}

static void on_event(struct dhcp_client *c, enum dhcp_event ev, const struct dhcp_lease *l,
                     void *userdata)
{
        static const char *const names[] = {
                [DHCP_EVENT_BOUND] = "bound",
                [DHCP_EVENT_RENEWED] = "renewed",
                [DHCP_EVENT_EXPIRED] = "expired",
                [DHCP_EVENT_NAK] = "nak",
        };

        if (ev == DHCP_EVENT_NAK) {
                print(json_pack("{s:s}", "event", names[ev]));
                return;
        }
        if (apply)
                apply_lease(ev, l);
        print(lease_json(names[ev], l));
}

static int fail(const struct jailor_error *err)
{
        print(json_pack("{s:s, s:i, s:s}", "event", "failed", "errno", err->errnum, "message",
                        err->msg));
        return 1;
}

static int signal_fd(void)
{
        sigset_t mask;

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        return signalfd(-1, &mask, SFD_CLOEXEC);
}

static int min_timeout(int a, long long until)
{
        long long left;

        if (until < 0)
                return a;
        left = until - mono_ms();
        if (left < 0)
                left = 0;
        return a < 0 || left < a ? (int)left : a;
}

/* The supervisor's loop: poll the client's fd and the signals. */
static int run(struct dhcp_client *c, int sfd, long long renew_at, long long stop_at,
               struct jailor_error *err)
{
        for (;;) {
                struct pollfd p[2] = {{.fd = dhcp_client_fd(c), .events = POLLIN},
                                      {.fd = sfd, .events = POLLIN}};
                int timeout = min_timeout(min_timeout(dhcp_client_next_timeout_ms(c), renew_at),
                                          stop_at);
                int r;

                if (poll(p, 2, timeout) < 0 && errno != EINTR)
                        return jailor_error_errno(err, errno, "poll");
                if (p[1].revents || (stop_at >= 0 && mono_ms() >= stop_at))
                        return 0;
                if (renew_at >= 0 && mono_ms() >= renew_at) {
                        renew_at = -1;
                        r = dhcp_client_renew(c, err);
                        if (r < 0)
                                return r;
                }
                r = dhcp_client_handle(c, err);
                if (r < 0)
                        return r;
        }
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                {"timeout", required_argument, NULL, 't'},
                {"hostname", required_argument, NULL, 'h'},
                {"request", required_argument, NULL, 'r'},
                {"apply", no_argument, NULL, 'a'},
                {"renew-after", required_argument, NULL, 'R'},
                {"run", required_argument, NULL, 'u'},
                {"no-release", no_argument, NULL, 'n'},
                {"decline", no_argument, NULL, 'd'},
                {},
        };
        struct dhcp_client_config cfg = {.on_event = on_event};
        _cleanup_dhcp_client_ struct dhcp_client *c = NULL;
        _cleanup_close_ int sfd = -EBADF;
        struct jailor_error err = {0};
        int timeout = 10000, opt;
        long long renew_after = -1, run_for = -1;
        bool release = true, decline = false;
        struct dhcp_link link;
        char mac[18];

        started_ms = mono_ms();
        /* blocked from the start: a SIGTERM while acquiring waits for the loop */
        sfd = signal_fd();
        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (opt) {
                case 't':
                        timeout = atoi(optarg);
                        break;
                case 'h':
                        cfg.hostname = optarg;
                        break;
                case 'r':
                        if (inet_pton(AF_INET, optarg, &cfg.request_address) != 1)
                                return 2;
                        break;
                case 'a':
                        apply = true;
                        break;
                case 'R':
                        renew_after = atoll(optarg);
                        break;
                case 'u':
                        run_for = atoll(optarg);
                        break;
                case 'n':
                        release = false;
                        break;
                case 'd':
                        decline = true;
                        break;
                default:
                        return 2;
                }
        }
        if (optind != argc - 1) {
                fprintf(stderr, "usage: dhcp-harness IFNAME [options]\n");
                return 2;
        }
        ifname = cfg.ifname = argv[optind];

        if (dhcp_link_get(ifname, &link, &err) < 0 || dhcp_client_new(&c, &cfg, &err) < 0)
                return fail(&err);
        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", link.mac[0], link.mac[1],
                 link.mac[2], link.mac[3], link.mac[4], link.mac[5]);
        print(json_pack("{s:s, s:s, s:s}", "event", "started", "ifname", ifname, "mac", mac));
        if (dhcp_client_acquire(c, timeout, &err) < 0)
                return fail(&err);
        if (decline && dhcp_client_decline(c, &err) < 0)
                return fail(&err);
        if (run(c, sfd, renew_after >= 0 ? mono_ms() + renew_after : -1,
                run_for >= 0 ? mono_ms() + run_for : -1, &err) < 0)
                return fail(&err);
        if (dhcp_client_stop(c, release, &err) < 0)
                return fail(&err);
        print(json_pack("{s:s, s:b}", "event", "stopped", "released", release));
        return 0;
}
