/* SPDX-License-Identifier: MIT */
/*
 * Prints docs/properties.md from the property table: one Markdown table per
 * group, then the iocage properties jailor refuses.  The build runs it; a
 * unit test fails when the committed copy differs (`make docs` refreshes it).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "props/props.h"

static const enum prop_group groups[] = {
    PROP_GROUP_BASIC, PROP_GROUP_JAIL, PROP_GROUP_NETWORK, PROP_GROUP_CUSTOM, PROP_GROUP_STATE,
};

static const char *const group_intro[] = {
    [PROP_GROUP_BASIC] = "The Basic Properties of the TrueNAS advanced form.",
    [PROP_GROUP_JAIL] = "Jail Properties: starting and stopping, what the jail may do, limits.",
    [PROP_GROUP_NETWORK] = "Network Properties.",
    [PROP_GROUP_CUSTOM] = "Custom Properties.",
    [PROP_GROUP_STATE] = "Kept by jailor; `get` shows them, `set` refuses them.",
};

/*
 * Markdown table cells cannot hold '|' (escaped even in code spans) or line
 * breaks; outside code, '*' is not meant as emphasis.
 */
static void escaped(const char *s, bool code)
{
        for (; *s; s++) {
                if (*s == '|' || (*s == '*' && !code))
                        printf("\\%c", *s);
                else
                        fputc(*s == '\n' ? ' ' : *s, stdout);
        }
}

static void cell(const char *s)
{
        escaped(s, false);
}

static void code_cell(const char *s)
{
        fputc('`', stdout);
        escaped(s, true);
        fputc('`', stdout);
}

static void type_cell(const struct prop_def *p)
{
        fputs(props_type_name(p->type), stdout);
        if (p->type == PROP_INT)
                printf(" %lld-%lld", p->min, p->max);
        if (p->type == PROP_ENUM) {
                fputs(":", stdout);
                for (const char *const *c = p->choices; *c; c++)
                        printf("%s %s", c == p->choices ? "" : " \\|", *c);
        }
}

static void prop_row(const struct prop_def *p)
{
        fputs("| ", stdout);
        code_cell(p->name);
        fputs(" | ", stdout);
        type_cell(p);
        fputs(" | ", stdout);
        if (p->default_value)
                code_cell(p->default_value);
        else
                fputs("(per jail)", stdout);
        printf(" | %s | ", p->flags & PROP_READONLY ? "-" : p->flags & PROP_LIVE ? "yes" : "no");
        cell(p->doc);
        if (p->flags & PROP_DEFAULT_ONLY)
                fputs(" *(set on `default` only)*", stdout);
        if ((p->flags & PROP_JAIL_ONLY) && !(p->flags & PROP_READONLY))
                fputs(" *(per jail, not on `default`)*", stdout);
        if (p->flags & PROP_STOPPED)
                fputs(" *(jail stopped)*", stdout);
        fputs(" |\n", stdout);
}

static void refused_row(const struct prop_refused *r)
{
        const char *why = strstr(r->message, ": ");

        fputs("| ", stdout);
        code_cell(r->name);
        fputs(" | ", stdout);
        cell(why ? why + 2 : r->message);
        fputs(" |\n", stdout);
}

int main(void)
{
        puts("# jailor properties\n");
        puts("<!-- Generated from src/lib/props/table.c by tools/propdoc.c: do not edit, run "
             "`make docs`. -->\n");
        puts("Set with `jailor set PROP=VALUE ... JAIL|default`, read with `jailor get PROP|all "
             "JAIL|default`.");
        puts("Names follow iocage wherever the meaning carries over. Booleans accept `on/off`, "
             "`yes/no`, `true/false`, `1/0` (any case) and are stored as `1`/`0`; every value is "
             "stored in the canonical spelling shown here. **Live** properties change a running "
             "jail at once; the others take effect at the next start.");
        for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
                printf("\n## %s\n\n%s\n\n", props_group_name(groups[g]), group_intro[groups[g]]);
                puts("| Property | Type | Default | Live | Description |");
                puts("|---|---|---|---|---|");
                for (size_t i = 0; i < props_count; i++)
                        if (props_table[i].group == groups[g])
                                prop_row(&props_table[i]);
        }
        puts("\n## iocage properties jailor refuses\n");
        puts("FreeBSD-only knobs are not carried over as no-ops: `set` refuses them with the "
             "message below, which names the Linux equivalent or says there is none.\n");
        puts("| iocage property | On Linux |");
        puts("|---|---|");
        for (size_t i = 0; i < props_refused_count; i++)
                refused_row(&props_refused[i]);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
