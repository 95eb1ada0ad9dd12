/* SPDX-License-Identifier: MIT */
#include "cli.h"

const struct cli_command cli_image_commands[] = {
        {0},
};
