/* SPDX-License-Identifier: MIT */
/* jailor list: rows of jails and templates, their sort orders, and jail_state(). */
#include "list.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../defaults.h"
#include "../props/parse.h"
#include "../runtime/state.h"
#include "../util/cleanup.h"
#include "../util/fs.h"
#include "jail.h"

int jail_state(const struct jailor_ctx *ctx, const char *name, struct jail_state *ret)
{
        struct runtime_state rs;
        int r = runtime_state_read(ctx, name, &rs);

        *ret = (struct jail_state){.up = r == 1, .jid = r == 1 ? rs.init : 0};
        return r < 0 ? r : 0;
}

int jail_check_stopped(const struct jailor_ctx *ctx, const char *name, const char *action,
                       struct jailor_error *err)
{
        struct jail_state st;

        jail_state(ctx, name, &st);
        if (st.up)
                return jailor_error_set(err, EBUSY, "Jail '%s' is running: stop it before %s",
                                        name, action);
        return 0;
}

const char *jail_state_name(const struct jail_state *st)
{
        return st->up ? "up" : "down";
}

static char *strdup_or_null(const char *s)
{
        return s ? strdup(s) : NULL;
}

static void row_done(struct jail_row *r)
{
        free(r->name);
        free(r->corrupt_reason);
        free(r->release);
        free(r->ip4_addr);
        free(r->address);
        free(r->ip6_addr);
        free(r->source_template);
}

void jail_rows_free(struct jail_row *rows, size_t n)
{
        for (size_t i = 0; rows && i < n; i++)
                row_done(&rows[i]);
        free(rows);
}

static int row_corrupt(struct jail_row *r, const char *name, const char *reason)
{
        *r = (struct jail_row){.corrupt = true};
        r->name = strdup(name);
        r->corrupt_reason = strdup(reason);
        return r->name && r->corrupt_reason ? 0 : -ENOMEM;
}

/* The address the supervisor of a DHCP or NAT jail wrote down; NULL without one. */
static char *read_address(const struct jailor_ctx *ctx, const char *name)
{
        _cleanup_free_ char *path = runtime_dir(ctx, name, "address"), *text = NULL;

        if (!path || read_file(path, &text, NULL, NULL) < 0)
                return NULL;
        text[strcspn(text, "\n")] = '\0';
        return text[0] ? TAKE_PTR(text) : NULL;
}

static int row_from_jail(const struct jailor_ctx *ctx, struct jail_row *r, const struct jail *j)
{
        const char *release = jail_prop(j, "release"), *tmpl = jail_prop(j, "source_template");
        const char *ip4 = jail_prop(j, "ip4_addr"), *ip6 = jail_prop(j, "ip6_addr");

        if (j->corrupt)
                return row_corrupt(r, j->name,
                                   j->corrupt_reason ? j->corrupt_reason : "unreadable");
        if (tmpl && STREQ(tmpl, "none"))
                tmpl = NULL;
        *r = (struct jail_row){
                .is_template = j->is_template,
                .boot = jail_prop_true(j, "boot"),
                .basejail = jail_prop_true(j, "basejail"),
                .dhcp = jail_prop_true(j, "dhcp"),
        };
        jail_state(ctx, j->name, &r->state);
        r->name = strdup(j->name);
        r->release = strdup_or_null(release);
        r->ip4_addr = strdup(ip4 ? ip4 : "none");
        r->ip6_addr = strdup(ip6 ? ip6 : "none");
        r->source_template = strdup_or_null(tmpl);
        if ((r->dhcp || jail_prop_true(j, "nat")) && r->state.up)
                r->address = read_address(ctx, j->name);
        if (!r->name || !r->ip4_addr || !r->ip6_addr || (release && !r->release) ||
            (tmpl && !r->source_template))
                return -ENOMEM;
        return 0;
}

int jail_list(const struct jailor_ctx *ctx, struct storage *s, bool templates,
              struct jail_row **ret, size_t *ret_n, struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        struct jail_row *rows = NULL;
        json_t *defaults = NULL;
        size_t n_names = 0, n = 0;
        int r;

        r = defaults_load(ctx, s, &defaults, err);
        if (r < 0)
                return r;
        r = jail_names(s, templates, &names, &n_names, err);
        if (r < 0)
                goto out;
        rows = calloc(n_names ? n_names : 1, sizeof(*rows));
        if (!rows) {
                r = jailor_error_set(err, ENOMEM, "Out of memory");
                goto out;
        }
        for (size_t i = 0; i < n_names; i++) {
                struct jailor_error jerr = {0};
                struct jail *j = NULL;

                r = jail_open_with(ctx, s, names[i], defaults, &j, &jerr);
                if (r == -ENOENT)
                        continue; /* destroyed while we looked */
                /* one unusable jail never breaks the listing */
                r = r < 0 ? row_corrupt(&rows[n], names[i], jerr.msg)
                          : row_from_jail(ctx, &rows[n], j);
                jail_free(j);
                n++;
                if (r < 0) {
                        r = jailor_error_set(err, ENOMEM, "Out of memory");
                        goto out;
                }
        }
        *ret = TAKE_PTR(rows);
        *ret_n = n;
        r = 0;
out:
        jail_rows_free(rows, n);
        json_decref(defaults);
        return r;
}

char *jail_row_ip4_short(const struct jail_row *r)
{
        struct addr_list l = {0};
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (r->address)
                return strndup(r->address, strcspn(r->address, "/"));
        if (r->dhcp)
                return strdup("DHCP");
        if (parse_addr_list(NULL, r->ip4_addr, AF_INET, &l, NULL) < 0)
                return strdup(r->ip4_addr); /* cannot happen: the value is canonical */
        if (l.n == 0) {
                addr_list_done(&l);
                return strdup("-");
        }
        f = open_memstream(&buf, &size);
        if (!f) {
                addr_list_done(&l);
                return NULL;
        }
        for (size_t i = 0; i < l.n; i++) {
                char text[INET6_ADDRSTRLEN];

                if (l.entries[i].kind == ADDR_DHCP) {
                        fclose(f);
                        free(buf);
                        addr_list_done(&l);
                        return strdup("DHCP");
                }
                fprintf(f, "%s%s", i ? "," : "",
                        inet_ntop(AF_INET, &l.entries[i].addr, text, sizeof(text)));
        }
        addr_list_done(&l);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* ---- sorting ------------------------------------------------------------ */

static const char *const sort_names[] = {
        [JAIL_SORT_JID] = "jid",     [JAIL_SORT_NAME] = "name", [JAIL_SORT_BOOT] = "boot",
        [JAIL_SORT_STATE] = "state", [JAIL_SORT_TYPE] = "type", [JAIL_SORT_RELEASE] = "release",
        [JAIL_SORT_IP4] = "ip4",     [JAIL_SORT_IP6] = "ip6",   [JAIL_SORT_TEMPLATE] = "template",
};

static bool sort_in_short_list(enum jail_sort k)
{
        return k == JAIL_SORT_JID || k == JAIL_SORT_NAME || k == JAIL_SORT_STATE ||
               k == JAIL_SORT_RELEASE || k == JAIL_SORT_IP4;
}

int jail_sort_from_name(const char *name, bool long_format, enum jail_sort *ret,
                        struct jailor_error *err)
{
        char allowed[128] = "";

        for (size_t k = 0; k < ELEMENTSOF(sort_names); k++) {
                if (!long_format && !sort_in_short_list((enum jail_sort)k))
                        continue;
                if (strcasecmp(name, sort_names[k]) == 0) {
                        *ret = (enum jail_sort)k;
                        return 0;
                }
                snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed), "%s%s",
                         *allowed ? ", " : "", sort_names[k]);
        }
        return jailor_error_set(err, EINVAL, "Invalid sort field '%s': expected one of %s%s", name,
                                allowed, long_format ? "" : " (more with -l)");
}

/* The numerically smallest static address of an address list; false when it has none. */
static bool first_addr(const char *list, int family, unsigned char out[16])
{
        struct addr_list l = {0};
        size_t len = family == AF_INET ? 4 : 16;
        bool found = false;

        if (parse_addr_list(NULL, list, family, &l, NULL) < 0)
                return false;
        for (size_t i = 0; i < l.n; i++) {
                if (l.entries[i].kind != ADDR_STATIC)
                        continue;
                if (!found || memcmp(&l.entries[i].addr, out, len) < 0)
                        memcpy(out, &l.entries[i].addr, len);
                found = true;
        }
        addr_list_done(&l);
        return found;
}

static int compare_addr(const char *a, const char *b, int family)
{
        unsigned char aa[16], bb[16];
        bool has_a = first_addr(a, family, aa), has_b = first_addr(b, family, bb);

        if (has_a != has_b)
                return has_a ? -1 : 1; /* jails without an address last */
        return has_a ? memcmp(aa, bb, family == AF_INET ? 4 : 16) : 0;
}

/* NULL (none) after every value. */
static int compare_optional(const char *a, const char *b)
{
        if (!a || !b)
                return !a - !b;
        return jail_name_compare(a, b);
}

static int compare_key(const struct jail_row *a, const struct jail_row *b, enum jail_sort key)
{
        switch (key) {
        case JAIL_SORT_JID:
                if (a->state.up != b->state.up)
                        return a->state.up ? -1 : 1;
                return a->state.jid < b->state.jid ? -1 : a->state.jid > b->state.jid;
        case JAIL_SORT_NAME:
                return 0;
        case JAIL_SORT_BOOT:
                return (int)b->boot - (int)a->boot;
        case JAIL_SORT_STATE:
                return (int)b->state.up - (int)a->state.up;
        case JAIL_SORT_TYPE:
                return (int)a->is_template - (int)b->is_template; /* "jail" < "template" */
        case JAIL_SORT_RELEASE:
                return compare_optional(a->release, b->release);
        case JAIL_SORT_IP4:
                if (a->dhcp != b->dhcp)
                        return a->dhcp ? 1 : -1;
                return compare_addr(a->ip4_addr, b->ip4_addr, AF_INET);
        case JAIL_SORT_IP6:
                return compare_addr(a->ip6_addr, b->ip6_addr, AF_INET6);
        case JAIL_SORT_TEMPLATE:
                return compare_optional(a->source_template, b->source_template);
        }
        return 0;
}

static int compare_rows(const void *pa, const void *pb, void *data)
{
        const struct jail_row *a = pa, *b = pb;
        enum jail_sort key = *(const enum jail_sort *)data;
        int c = 0;

        if (key != JAIL_SORT_NAME && a->corrupt != b->corrupt)
                return a->corrupt ? 1 : -1;
        if (!a->corrupt && !b->corrupt)
                c = compare_key(a, b, key);
        return c ? c : jail_name_compare(a->name, b->name);
}

void jail_rows_sort(struct jail_row *rows, size_t n, enum jail_sort key)
{
        qsort_r(rows, n, sizeof(*rows), compare_rows, &key);
}
