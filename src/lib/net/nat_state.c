/* SPDX-License-Identifier: MIT */
/*
 * What table ip jailor holds, read back from the kernel in nft's JSON (the
 * output of `nft -j list table ip jailor`), and who claims what in it.
 * Only the elements matter: the chains and rules are the same whatever
 * runs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "nat_internal.h"

struct builder {
        struct nat_state *st;
        size_t cap;
};

static int push(struct builder *b, const struct nat_elem *e)
{
        if (b->st->n == b->cap) {
                size_t cap = b->cap ? b->cap * 2 : 16;
                struct nat_elem *v = reallocarray(b->st->v, cap, sizeof(*v));

                if (!v)
                        return -ENOMEM;
                b->st->v = v;
                b->cap = cap;
        }
        b->st->v[b->st->n++] = *e;
        return 0;
}

/* An element with a comment is {"elem": {"val": VALUE, "comment": C}}; without, the bare VALUE. */
static json_t *unwrap(json_t *e, char owner[static NAME_MAX_LEN + 1])
{
        json_t *inner = json_object_get(e, "elem");
        const char *comment;

        owner[0] = '\0';
        if (!inner)
                return e;
        comment = json_string_value(json_object_get(inner, "comment"));
        if (comment && strncmp(comment, NAT_TAG, strlen(NAT_TAG)) == 0 &&
            name_is_valid(comment + strlen(NAT_TAG)))
                strcpy(owner, comment + strlen(NAT_TAG));
        return json_object_get(inner, "val");
}

/* {"concat": [A, B]} */
static bool pair(json_t *v, json_t **a, json_t **b)
{
        json_t *c = json_object_get(v, "concat");

        if (!json_is_array(c) || json_array_size(c) != 2)
                return false;
        *a = json_array_get(c, 0);
        *b = json_array_get(c, 1);
        return true;
}

static bool addr_of(json_t *v, struct in_addr *ret)
{
        const char *s = json_string_value(v);

        return s && inet_pton(AF_INET, s, ret) == 1;
}

static bool port_of(json_t *v, uint16_t *ret)
{
        json_int_t p;

        if (!json_is_integer(v))
                return false;
        p = json_integer_value(v);
        if (p < 0 || p > 65535)
                return false;
        *ret = (uint16_t)p;
        return true;
}

static bool proto_of(json_t *v, unsigned *ret)
{
        const char *s = json_string_value(v);
        json_int_t n = json_integer_value(v);

        if ((s && STREQ(s, "tcp")) || (!s && n == IPPROTO_TCP))
                *ret = NAT_PROTO_TCP;
        else if ((s && STREQ(s, "udp")) || (!s && n == IPPROTO_UDP))
                *ret = NAT_PROTO_UDP;
        else
                return false;
        return true;
}

static bool ifname_of(json_t *v, char ret[static IFNAMSIZ])
{
        const char *s = json_string_value(v);

        if (!s || strlen(s) >= IFNAMSIZ)
                return false;
        strcpy(ret, s);
        return true;
}

/* One element of jailor's set (or map) named set. */
static bool parse_elem(const char *set, json_t *item, struct nat_elem *e)
{
        json_t *key = item, *data = NULL, *a, *b;

        *e = (struct nat_elem){0};
        if (STREQ(set, "ports")) {
                /* a map element is [KEY, DATA] */
                if (!json_is_array(item) || json_array_size(item) != 2)
                        return false;
                key = json_array_get(item, 0);
                data = json_array_get(item, 1);
        }
        key = unwrap(key, e->owner);
        if (STREQ(set, "addresses")) {
                e->kind = NAT_ELEM_ADDRESS;
                return addr_of(key, &e->addr);
        }
        if (STREQ(set, "egress")) {
                e->kind = NAT_ELEM_EGRESS;
                return pair(key, &a, &b) && addr_of(a, &e->addr) && ifname_of(b, e->ifname);
        }
        e->kind = NAT_ELEM_PORT;
        return pair(key, &a, &b) && proto_of(a, &e->proto) && port_of(b, &e->port) &&
               pair(data, &a, &b) && addr_of(a, &e->addr) && port_of(b, &e->jail_port);
}

static int parse_set(struct builder *b, json_t *set, struct jailor_error *err)
{
        const char *name = json_string_value(json_object_get(set, "name"));
        json_t *elems = json_object_get(set, "elem"), *item;
        size_t i;

        if (!name || !(STREQ(name, "ports") || STREQ(name, "addresses") || STREQ(name, "egress")))
                return 0; /* not one of jailor's: nothing of a jail's there */
        json_array_foreach(elems, i, item) {
                struct nat_elem e;
                _cleanup_free_ char *dump = NULL;

                if (parse_elem(name, item, &e)) {
                        if (push(b, &e) < 0)
                                return jailor_error_set(err, ENOMEM, "Out of memory");
                        continue;
                }
                dump = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
                return jailor_error_set(err, EPROTO,
                                        "Unexpected element %s in set '%s' of table ip %s",
                                        dump ? dump : "?", name, NAT_TABLE);
        }
        return 0;
}

int nat_state_parse(const char *text, struct nat_state *ret, struct jailor_error *err)
{
        _cleanup_(json_decrefp) json_t *root = NULL;
        struct nat_state st = {.exists = false};
        struct builder b = {.st = &st};
        json_error_t jerr;
        json_t *item;
        size_t i;
        int r;

        root = json_loads(text, 0, &jerr);
        if (!root)
                return jailor_error_set(err, EPROTO, "Cannot read nft's JSON: %s (line %d)",
                                        jerr.text, jerr.line);
        json_array_foreach(json_object_get(root, "nftables"), i, item) {
                json_t *set = json_object_get(item, "set");
                const char *table, *family;

                if (!set)
                        set = json_object_get(item, "map");
                if (json_object_get(item, "table"))
                        st.exists = true;
                if (!set)
                        continue;
                table = json_string_value(json_object_get(set, "table"));
                family = json_string_value(json_object_get(set, "family"));
                if (!table || !family || !STREQ(table, NAT_TABLE) || !STREQ(family, "ip"))
                        continue;
                r = parse_set(&b, set, err);
                if (r < 0) {
                        nat_state_done(&st);
                        return r;
                }
        }
        *ret = st;
        return 0;
}

int nat_state_read(struct nat_state *ret, struct jailor_error *err)
{
        _cleanup_free_ char *out = NULL;
        int r;

        r = nat_nft_run("list table ip " NAT_TABLE, true, &out, err);
        if (r == -ENOENT) {
                jailor_error_clear(err);
                *ret = (struct nat_state){.exists = false};
                return 0;
        }
        if (r < 0)
                return jailor_error_prefix(err, "Cannot list table ip %s", NAT_TABLE);
        return nat_state_parse(out, ret, err);
}

void nat_state_done(struct nat_state *st)
{
        free(st->v);
        *st = (struct nat_state){0};
}

static const char *proto_name(unsigned proto)
{
        return proto == NAT_PROTO_TCP ? "tcp" : "udp";
}

/* Whether f forwards host port e->port of e's protocol. */
static bool claims(const struct nat_forward *f, const struct nat_elem *e)
{
        return (f->protos & e->proto) && e->port >= f->host_first && e->port <= f->host_last;
}

int nat_check_conflicts(const struct nat_state *st, const struct nat_jail *jail,
                        struct jailor_error *err)
{
        const struct nat_elem *hit = NULL;
        char addr[INET_ADDRSTRLEN];

        for (size_t i = 0; i < st->n; i++) {
                const struct nat_elem *e = &st->v[i];

                if (STREQ(e->owner, jail->name))
                        continue; /* its own stale claims are replaced */
                if (e->addr.s_addr == jail->addr.s_addr) {
                        inet_ntop(AF_INET, &jail->addr, addr, sizeof(addr));
                        if (!e->owner[0])
                                return jailor_error_set(
                                    err, EADDRINUSE,
                                    "Address %s of NAT jail '%s' is already in table ip %s "
                                    "(an element jailor did not tag)",
                                    addr, jail->name, NAT_TABLE);
                        return jailor_error_set(err, EADDRINUSE,
                                                "Address %s is already used by NAT jail '%s': "
                                                "'%s' cannot use it too",
                                                addr, e->owner, jail->name);
                }
                if (e->kind != NAT_ELEM_PORT || !jail->forwards)
                        continue;
                for (size_t j = 0; j < jail->forwards->n; j++)
                        /* the lowest port in conflict, so that the message does not vary */
                        if (claims(&jail->forwards->v[j], e) &&
                            (!hit || e->port < hit->port ||
                             (e->port == hit->port && e->proto < hit->proto)))
                                hit = e;
        }
        if (!hit)
                return 0;
        if (!hit->owner[0])
                return jailor_error_set(err, EADDRINUSE,
                                        "Host port %u/%s of NAT jail '%s' is already forwarded in "
                                        "table ip %s (an element jailor did not tag)",
                                        hit->port, proto_name(hit->proto), jail->name, NAT_TABLE);
        return jailor_error_set(err, EADDRINUSE,
                                "Host port %u/%s is already forwarded to NAT jail '%s': '%s' "
                                "cannot forward it too",
                                hit->port, proto_name(hit->proto), hit->owner, jail->name);
}
