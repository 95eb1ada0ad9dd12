/* SPDX-License-Identifier: MIT */
/* jailor start | stop: from a jail's record to a supervised, running jail. */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../jail/fstab.h"
#include "../jail/hooks.h"
#include "../jail/jail.h"
#include "../jail/net_check.h"
#include "../jail/resolver.h"
#include "../net/jailnet.h"
#include "../props/parse.h"
#include "../util/cleanup.h"
#include "../util/fs.h"
#include "state.h"
#include "supervisor.h"

const char *runtime_status(const struct jailor_ctx *ctx, const char *name, pid_t *ret_jid)
{
        struct runtime_state st;

        if (runtime_state_read(ctx, name, &st) > 0) {
                if (ret_jid)
                        *ret_jid = st.init;
                return "up";
        }
        if (ret_jid)
                *ret_jid = 0;
        return "down";
}

static unsigned prop_uint(const struct jail *j, const char *name, unsigned fallback)
{
        const char *v = jail_prop(j, name);
        long long n;

        if (!v || parse_int(NULL, v, 0, UINT_MAX, &n, NULL) < 0)
                return fallback;
        return (unsigned)n;
}

/* True when the comma-separated options hold opt ("ro" in "ro,nosuid"). */
static bool option_set(const char *options, const char *opt)
{
        size_t n = strlen(opt);

        for (const char *p = options; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
                if (strncmp(p, opt, n) == 0 && (p[n] == ',' || p[n] == '\0'))
                        return true;
        return false;
}

/* The jail's fstab (basejail lines and the user's mount points) as binds. */
static int plan_binds(struct storage *s, const struct jail *j, struct rootfs_plan *plan,
                      struct jailor_error *err)
{
        _cleanup_free_ char *path = jail_file(s, j, "fstab");
        struct fstab_entry *entries = NULL;
        size_t n = 0;
        int r;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (!path_exists(path))
                return 0;
        r = fstab_read(path, &entries, &n, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && r == 0; i++)
                if (rootfs_plan_add_bind(plan, entries[i].src, entries[i].dst,
                                         option_set(entries[i].options, "ro")) < 0)
                        r = jailor_error_set(err, ENOMEM, "Out of memory");
        fstab_entries_free(entries, n);
        return r;
}

/* "YYYY-MM-DD HH:MM:SS", UTC, as iocage records last_started. */
static void record_last_started(const struct jailor_ctx *ctx, struct storage *s, struct jail *j)
{
        char when[32];
        time_t now = time(NULL);
        struct tm tm;

        gmtime_r(&now, &tm);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
        json_object_set_new(j->config, "last_started", json_string(when));
        jail_save(ctx, s, j, NULL);
}

static int start_checks(const struct jailor_ctx *ctx, const struct jail *j,
                        struct jailor_error *err)
{
        if (j->corrupt)
                return jailor_error_set(err, EINVAL, "Jail '%s' cannot start: %s", j->name,
                                        j->corrupt_reason);
        if (j->is_template)
                return jailor_error_set(err, EINVAL,
                                        "'%s' is a template: templates never run; create a jail "
                                        "from it with 'jailor create -t %s'",
                                        j->name, j->name);
        if (STREQ(runtime_status(ctx, j->name, NULL), "up"))
                return jailor_error_set(err, EALREADY, "%s is already running!", j->name);
        return 0;
}

/*
 * The jail's network plan, checked against the host; VNET interfaces get
 * their MACs for good (stored in config.json) on their first start.
 */
static int plan_network(const struct jailor_ctx *ctx, struct storage *s, struct jail *j,
                        struct jailnet_plan *net, struct jailor_error *err)
{
        json_t *macs = json_object();
        const char *key;
        json_t *v;
        int r;

        if (!macs)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = jailnet_plan_from_props(j->props, net, err);
        if (r == 0)
                r = jail_check_addresses(ctx, s, j->name, net, err);
        if (r == 0)
                r = jailnet_check_host(net, err);
        if (r == 0)
                r = jailnet_assign_macs(net, j->name, macs, err);
        if (r == 0 && json_object_size(macs) > 0) {
                json_object_foreach (macs, key, v)
                        json_object_set(j->config, key, v);
                r = jail_save(ctx, s, j, err);
        }
        json_decref(macs);
        if (r < 0)
                jailor_error_prefix(err, "Jail '%s' cannot start", j->name);
        return r;
}

/*
 * What the jail's resolv.conf gets at start (*ret, NULL: nothing).  A DHCP
 * jail left at the default takes its servers from the lease instead of
 * the host's file.
 */
static int plan_resolver(const struct jailor_ctx *ctx, const struct jail *j,
                         const struct jailnet_plan *net, struct supervisor_config *cfg, char **ret,
                         struct jailor_error *err)
{
        const char *value = jail_prop(j, "resolver") ?: RESOLVER_HOST_FILE;
        bool dhcp = false;
        int r;

        for (size_t i = 0; i < net->n_nics; i++)
                dhcp = dhcp || net->nics[i].dhcp;
        if (dhcp && STREQ(value, RESOLVER_HOST_FILE)) {
                cfg->write_resolv_conf = jail_write_resolv_conf;
                *ret = NULL;
                return 0;
        }
        r = resolver_content(value, NULL, NULL, ret, err);
        if (r == -ENOENT) {
                /* a host without resolv.conf has nothing to give; the jail keeps its own */
                jailor_warn(ctx, "%s", err->msg);
                jailor_error_clear(err);
                return 0;
        }
        return r;
}

int runtime_start(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                  struct jailor_error *err)
{
        _cleanup_free_ char *log_ds = strjoin("log/", name, "-console.log", NULL);
        _cleanup_free_ char *log = NULL, *run = NULL;
        _cleanup_close_ int lock = -EBADF;
        _cleanup_free_ char *address = NULL, *resolv = NULL;
        struct supervisor_config cfg = {.ctx = ctx, .storage = s, .name = name};
        struct jailnet_plan net = {0};
        struct jail *j = NULL;
        pid_t init = 0;
        int r;

        r = jail_open(ctx, s, name, &j, err);
        if (r < 0)
                return r;
        r = jail_lock(ctx, name, &lock, err);
        if (r == 0)
                r = start_checks(ctx, j, err);
        if (r == 0)
                r = plan_network(ctx, s, j, &net, err);
        if (r < 0)
                goto out;
        log = log_ds ? storage_path(s, log_ds) : NULL;
        run = runtime_dir(ctx, name, NULL);
        address = runtime_dir(ctx, name, "address");
        cfg.plan.root = storage_path(s, j->root_ds);
        if (!log || !run || !address || !cfg.plan.root) {
                r = jailor_error_set(err, ENOMEM, "Out of memory");
                goto out;
        }
        r = mkdir_p(run, 0700, err);
        if (r < 0)
                goto out;
        cfg.root_ds = j->root_ds;
        cfg.hostname = jail_prop(j, "host_hostname");
        cfg.exec_start = jail_prop(j, "exec_start");
        cfg.net = &net;
        cfg.address_file = address;
        cfg.net_timeout = prop_uint(j, "exec_timeout", 60);
        cfg.console_log = log;
        cfg.stop_timeout = prop_uint(j, "stop_timeout", 30);
        cfg.plan.max_ptys = prop_uint(j, "pseudoterminals", 0);
        cfg.max_open_files = prop_uint(j, "openfiles", 0);
        r = plan_binds(s, j, &cfg.plan, err);
        if (r == 0)
                r = plan_resolver(ctx, j, &net, &cfg, &resolv, err);
        cfg.resolv_conf = resolv;
        if (r == 0)
                r = confine_from_props(j->props, &cfg.confine, err);
        if (r == 0)
                r = confine_seccomp_prepare(ctx, &cfg.confine, err);
        if (r == 0)
                r = jail_limits_from_props(j->props, &cfg.limits, err);
        /* I/O limits apply to the disk holding the jail's root */
        if (r == 0 && jail_limits_has_io(&cfg.limits))
                r = jail_limits_block_device(cfg.plan.root, &cfg.limits.io_device, err);
        cfg.plan.confine = &cfg.confine;
        if (r == 0)
                r = hook_run("exec_prestart", jail_prop(j, "exec_prestart"), name, cfg.plan.root, 0,
                             prop_uint(j, "exec_timeout", 60), err);
        if (r == 0)
                r = supervisor_launch(&cfg, &init, err);
        if (r < 0)
                goto out;
        record_last_started(ctx, s, j);
        r = hook_run("exec_poststart", jail_prop(j, "exec_poststart"), name, cfg.plan.root, init,
                     prop_uint(j, "exec_timeout", 60), err);
out:
        confine_seccomp_release(&cfg.confine);
        rootfs_plan_done(&cfg.plan);
        jailnet_plan_done(&net);
        jail_free(j);
        return r;
}

int runtime_stop(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                 struct jailor_error *err)
{
        _cleanup_free_ char *root = NULL;
        struct jail *j = NULL;
        pid_t init = 0;
        unsigned timeout;
        int r;

        r = jail_open(ctx, s, name, &j, err);
        if (r < 0)
                return r;
        if (!STREQ(runtime_status(ctx, name, &init), "up")) {
                r = jailor_error_set(err, EALREADY, "%s is not running!", name);
                goto out;
        }
        root = storage_path(s, j->root_ds);
        timeout = prop_uint(j, "exec_timeout", 60);
        r = hook_run("exec_prestop", jail_prop(j, "exec_prestop"), name, root, init, timeout, err);
        if (r < 0)
                goto out;
        r = supervisor_request_stop(ctx, name, prop_uint(j, "stop_timeout", 30), err);
        if (r < 0)
                goto out;
        r = hook_run("exec_poststop", jail_prop(j, "exec_poststop"), name, root, 0, timeout, err);
out:
        jail_free(j);
        return r;
}
