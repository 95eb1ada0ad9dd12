/* SPDX-License-Identifier: MIT */
#include "cli.h"

const struct cli_command cli_fstab_commands[] = {
        {0},
};
