/* SPDX-License-Identifier: MIT */
/* A jail's properties -> its struct confinement (see confine.h for the mapping). */
#include "confine.h"

#include <errno.h>
#include <string.h>

#include "../props/props.h"
#include "../util/cleanup.h"

/* The canonical string of name: from props, else the built-in default. */
static int prop_value(json_t *props, const char *name, const char **ret, struct jailor_error *err)
{
        json_t *v = json_object_get(props, name);
        const struct prop_def *def;

        if (v) {
                if (!json_is_string(v))
                        return jailor_error_set(err, EINVAL,
                                                "Invalid value for '%s': expected a string", name);
                *ret = json_string_value(v);
                return 0;
        }
        def = props_find(name);
        if (!def || !def->default_value)
                return jailor_error_set(err, EINVAL, "Property '%s' has no value", name);
        *ret = def->default_value;
        return 0;
}

static int prop_bool(json_t *props, const char *name, bool *ret, struct jailor_error *err)
{
        const char *s = NULL;
        int r = prop_value(props, name, &s, err);

        if (r < 0)
                return r;
        if (STREQ(s, "1"))
                *ret = true;
        else if (STREQ(s, "0"))
                *ret = false;
        else
                return jailor_error_set(err, EINVAL, "Invalid value for '%s': '%s' is not 0 or 1",
                                        name, s);
        return 0;
}

enum sysv_mode { SYSV_NEW, SYSV_INHERIT, SYSV_DISABLE };

static int prop_sysv(json_t *props, const char *name, enum sysv_mode *ret, struct jailor_error *err)
{
        const char *s = NULL;
        int r = prop_value(props, name, &s, err);

        if (r < 0)
                return r;
        if (STREQ(s, "new"))
                *ret = SYSV_NEW;
        else if (STREQ(s, "inherit"))
                *ret = SYSV_INHERIT;
        else if (STREQ(s, "disable"))
                *ret = SYSV_DISABLE;
        else
                return jailor_error_set(
                    err, EINVAL, "Invalid value for '%s': '%s' is not new, inherit or disable",
                    name, s);
        return 0;
}

/*
 * The three SysV classes share one IPC namespace: new and inherit cannot be
 * mixed.  allow_sysvipc=1 (iocage's older switch) turns every "new" into
 * "inherit"; an explicit "disable" stays disabled.
 */
static int ipc_from_props(json_t *props, struct confinement *c, struct jailor_error *err)
{
        static const struct {
                const char *prop;
                enum confine_sysv class;
        } classes[] = {
            {"sysvmsg", CONFINE_SYSV_MSG},
            {"sysvsem", CONFINE_SYSV_SEM},
            {"sysvshm", CONFINE_SYSV_SHM},
        };
        const char *first_new = NULL, *first_inherit = NULL;
        bool share = false;
        int r;

        r = prop_bool(props, "allow_sysvipc", &share, err);
        if (r < 0)
                return r;
        c->ipc = share ? CONFINE_IPC_HOST : CONFINE_IPC_NEW;
        for (size_t i = 0; i < ELEMENTSOF(classes); i++) {
                enum sysv_mode m = SYSV_NEW;

                r = prop_sysv(props, classes[i].prop, &m, err);
                if (r < 0)
                        return r;
                if (m == SYSV_DISABLE)
                        c->sysv_denied |= classes[i].class;
                else if (m == SYSV_INHERIT && !first_inherit)
                        first_inherit = classes[i].prop;
                else if (m == SYSV_NEW && !first_new)
                        first_new = classes[i].prop;
        }
        if (share)
                return 0;
        if (first_new && first_inherit)
                return jailor_error_set(err, EINVAL,
                                        "'%s=new' and '%s=inherit' cannot be combined: a jail has "
                                        "one IPC namespace, so sysvmsg, sysvsem and sysvshm must "
                                        "agree on new or inherit (or be disable)",
                                        first_new, first_inherit);
        if (first_inherit)
                c->ipc = CONFINE_IPC_HOST;
        return 0;
}

static int mount_from_props(json_t *props, struct confinement *c, struct jailor_error *err)
{
        static const struct {
                const char *prop;
                enum confine_mount type;
        } types[] = {
            {"allow_mount_tmpfs", CONFINE_MOUNT_TMPFS},
            {"allow_mount_procfs", CONFINE_MOUNT_PROCFS},
            {"allow_mount_nullfs", CONFINE_MOUNT_NULLFS},
            {"allow_mount_fusefs", CONFINE_MOUNT_FUSEFS},
        };
        bool allow = false, on = false;
        int r;

        r = prop_bool(props, "allow_mount", &allow, err);
        for (size_t i = 0; r == 0 && i < ELEMENTSOF(types); i++) {
                r = prop_bool(props, types[i].prop, &on, err);
                /* allow_mount_* alone does nothing, as in iocage */
                if (r == 0 && on && allow)
                        c->mount_types |= types[i].type;
        }
        return r;
}

static int devices_from_props(json_t *props, struct confinement *c, struct jailor_error *err)
{
        bool tun = false, vmm = false;
        int r;

        r = prop_bool(props, "allow_tun", &tun, err);
        if (r == 0)
                r = prop_bool(props, "allow_vmm", &vmm, err);
        if (r < 0)
                return r;
        if (tun)
                c->devices |= CONFINE_DEV_TUN;
        if (vmm)
                c->devices |= CONFINE_DEV_KVM;
        /* /dev/fuse is of no use without the right to mount what it serves */
        if (c->mount_types & CONFINE_MOUNT_FUSEFS)
                c->devices |= CONFINE_DEV_FUSE;
        return 0;
}

/* Either address family set to inherit means the jail is on the host's stack. */
static int network_from_props(json_t *props, struct confinement *c, struct jailor_error *err)
{
        const char *ip4 = NULL, *ip6 = NULL;
        int r;

        r = prop_value(props, "ip4", &ip4, err);
        if (r == 0)
                r = prop_value(props, "ip6", &ip6, err);
        if (r < 0)
                return r;
        c->host_network = STREQ(ip4, "inherit") || STREQ(ip6, "inherit");
        return 0;
}

int confine_from_props(json_t *props, struct confinement *ret, struct jailor_error *err)
{
        struct confinement c = {0};
        int r;

        if (!json_is_object(props))
                return jailor_error_set(err, EINVAL, "Jail properties must be a JSON object");
        r = ipc_from_props(props, &c, err);
        if (r == 0)
                r = mount_from_props(props, &c, err);
        if (r == 0)
                r = devices_from_props(props, &c, err);
        if (r == 0)
                r = network_from_props(props, &c, err);
        if (r == 0)
                r = prop_bool(props, "allow_set_hostname", &c.set_hostname, err);
        if (r == 0)
                r = prop_bool(props, "allow_raw_sockets", &c.raw_sockets, err);
        if (r == 0)
                r = prop_bool(props, "allow_mlock", &c.mlock, err);
        if (r < 0)
                return r;
        /* c.userns stays false: no property lets a jail nest (children_max is refused) */
        *ret = c;
        return 0;
}

int confine_apply(const struct confinement *c, struct jailor_error *err)
{
        int r = confine_seccomp_apply(c, err);

        if (r < 0)
                return r;
        return confine_caps_apply(c, err);
}
