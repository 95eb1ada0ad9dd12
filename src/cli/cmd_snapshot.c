/* SPDX-License-Identifier: MIT */
#include "cli.h"

const struct cli_command cli_snapshot_commands[] = {
        {0},
};
