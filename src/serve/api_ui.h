/* SPDX-License-Identifier: MIT */
/*
 * What the web UI asks of the host beyond the CLI's commands (api_ui.c):
 * the directories of its mount point pickers.  (The interfaces its selects
 * offer are GET /api/v1/host/interfaces, api_host.c.)
 * The jail shell's WebSocket is ws_shell.h.
 */
#pragma once

#include "http.h"

/* POST /api/v1/host/directories {path, jail?}: {path, directories: [names]}. */
void api_host_directories(struct request *r);
