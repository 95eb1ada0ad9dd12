/* SPDX-License-Identifier: MIT */
/*
 * The validators of the property table (table.c): each checks a value with
 * the parsers of parse.h and returns its canonical spelling.  Internal to
 * src/lib/props.
 */
#pragma once

#include "props.h"

#define VALIDATOR(name)                                                                            \
        int name(const struct prop_def *p, const char *value, char **ret, struct jailor_error *err)

VALIDATOR(validate_bool);
VALIDATOR(validate_int);         /* [p->min, p->max] */
VALIDATOR(validate_int_or_auto); /* "auto" or [p->min, p->max] */
VALIDATOR(validate_enum);        /* one of p->choices, any case */
VALIDATOR(validate_ip_mode);     /* ip4/ip6: enum, with iocage's "none" meaning "disable" */
VALIDATOR(validate_size);        /* "none" or a size */

VALIDATOR(validate_rctl_bytes);
VALIDATOR(validate_rctl_bytes_rate);
VALIDATOR(validate_rctl_iops);
VALIDATOR(validate_rctl_count);
VALIDATOR(validate_rctl_pcpu);
VALIDATOR(validate_cpuset);

VALIDATOR(validate_ip4_addr);
VALIDATOR(validate_ip6_addr);
VALIDATOR(validate_router4);
VALIDATOR(validate_router6);
VALIDATOR(validate_interfaces);
VALIDATOR(validate_iface_choice);  /* auto, none or a name */
VALIDATOR(validate_nat_interface); /* auto (iocage's "none" means the same) or a name */
VALIDATOR(validate_nat_forwards);
VALIDATOR(validate_nat_prefix);
VALIDATOR(validate_mac_pair);
VALIDATOR(validate_mac_prefix);
VALIDATOR(validate_resolver);

VALIDATOR(validate_hostname);   /* required */
VALIDATOR(validate_domainname); /* "none" or a name */
VALIDATOR(validate_depends);
VALIDATOR(validate_name);         /* a release or jail name */
VALIDATOR(validate_name_or_none); /* source_template */
VALIDATOR(validate_text);         /* one line, may be empty */
VALIDATOR(validate_word_text);    /* one line, not empty (owner) */
VALIDATOR(validate_command_auto); /* exec_start/exec_stop: "auto" or a command */
VALIDATOR(validate_command_hook); /* host hooks: "none" or a command */
VALIDATOR(validate_timestamp);    /* "none" or YYYY-MM-DD HH:MM:SS (UTC) */
VALIDATOR(validate_compression);
