/* SPDX-License-Identifier: MIT */
/* NAT for jails: add, remove, list (see nat.h). */
#include "nat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "../util/lock.h"
#include "nat_internal.h"

/* The name goes into the elements' comments: only what parse_name allows. */
static int check_name(const char *name, struct jailor_error *err)
{
        if (!name || !name_is_valid(name))
                return jailor_error_set(err, EINVAL, "Invalid jail name '%s' for NAT",
                                        name ? name : "");
        return 0;
}

static int check_jail(const struct nat_jail *jail, struct jailor_error *err)
{
        int r = check_name(jail->name, err);

        if (r < 0)
                return r;
        /* the name goes into an nft script between quotes, which nft cannot escape */
        if (!jail->out_iface || !ifname_is_valid(jail->out_iface) ||
            strpbrk(jail->out_iface, "\"\\"))
                return jailor_error_set(err, EINVAL,
                                        "Invalid NAT interface '%s' for jail '%s': expected an "
                                        "interface name",
                                        jail->out_iface ? jail->out_iface : "", jail->name);
        if (jail->addr.s_addr == htonl(INADDR_ANY))
                return jailor_error_set(err, EINVAL, "NAT jail '%s' has no address", jail->name);
        return 0;
}

/* What every change starts from: the lock "nat" taken, then the table as the kernel has it. */
static int begin(const struct jailor_ctx *ctx, int *ret_lock, struct nat_state *st,
                 struct jailor_error *err)
{
        int r = lock_take(ctx, "nat", true, ret_lock, err);

        if (r < 0)
                return r;
        return nat_state_read(st, err);
}

int nat_add_jail(const struct jailor_ctx *ctx, const struct nat_jail *jail,
                 struct jailor_error *err)
{
        _cleanup_(nat_state_done) struct nat_state st = {0};
        _cleanup_close_ int lock = -EBADF;
        _cleanup_free_ char *script = NULL;
        struct jailor_error again = {0};
        int r;

        r = check_jail(jail, err);
        if (r < 0)
                return r;
        r = begin(ctx, &lock, &st, err);
        if (r < 0)
                return r;
        r = nat_check_conflicts(&st, jail, err);
        if (r < 0)
                return r;
        script = nat_script_add(&st, jail);
        if (!script)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = nat_nft_run(script, false, NULL, err);
        if (r == -EEXIST) {
                /* the kernel refused a claim made since the read (someone writing without the
                 * lock): name its holder as a conflict found earlier would have */
                nat_state_done(&st);
                if (nat_state_read(&st, &again) == 0 && nat_check_conflicts(&st, jail, err) < 0)
                        return -EADDRINUSE;
        }
        if (r < 0)
                return jailor_error_prefix(err, "Cannot set up NAT for jail '%s'", jail->name);
        return 0;
}

int nat_remove_jail(const struct jailor_ctx *ctx, const char *name, struct jailor_error *err)
{
        _cleanup_(nat_state_done) struct nat_state st = {0};
        _cleanup_close_ int lock = -EBADF;
        _cleanup_free_ char *script = NULL;
        int r;

        r = check_name(name, err);
        if (r < 0)
                return r;
        r = begin(ctx, &lock, &st, err);
        if (r < 0)
                return r;
        script = nat_script_remove(&st, name);
        if (!script)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (!script[0])
                return 0;
        r = nat_nft_run(script, false, NULL, err);
        if (r < 0)
                return jailor_error_prefix(err, "Cannot remove the NAT of jail '%s'", name);
        return 0;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

int nat_list_jails(char ***ret_names, struct jailor_error *err)
{
        _cleanup_(nat_state_done) struct nat_state st = {0};
        _cleanup_strv_free_ char **names = NULL;
        size_t n = 0;
        int r;

        r = nat_state_read(&st, err);
        if (r < 0)
                return r;
        names = calloc(st.n + 1, sizeof(*names));
        if (!names)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; i < st.n; i++) {
                const char *owner = st.v[i].owner;
                bool seen = !owner[0];

                for (size_t j = 0; j < n && !seen; j++)
                        seen = STREQ(names[j], owner);
                if (seen)
                        continue;
                names[n] = strdup(owner);
                if (!names[n++])
                        return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        qsort(names, n, sizeof(*names), cmp_str);
        *ret_names = TAKE_PTR(names);
        return (int)n;
}

int nat_taken_addresses(const char *except, struct in_addr **ret, size_t *ret_n,
                        struct jailor_error *err)
{
        _cleanup_(nat_state_done) struct nat_state st = {0};
        struct in_addr *v;
        size_t n = 0;
        int r = nat_state_read(&st, err);

        if (r < 0)
                return r;
        v = calloc(st.n + 1, sizeof(*v));
        if (!v)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; i < st.n; i++)
                if (st.v[i].kind == NAT_ELEM_ADDRESS && !STREQ(st.v[i].owner, except))
                        v[n++] = st.v[i].addr;
        *ret = v;
        *ret_n = n;
        return 0;
}
