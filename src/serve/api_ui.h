/* SPDX-License-Identifier: MIT */
/*
 * What the web UI asks of the host beyond the CLI's commands (api_ui.c):
 * the network interfaces its selects offer (TrueNAS's
 * jail.interface_choices), and the directories of its mount point pickers.
 * The jail shell's WebSocket is ws_shell.h.
 */
#pragma once

#include "http.h"

/* GET /api/v1/host/interfaces: [{name, kind, up, default_route}] without loopback. */
void api_host_interfaces(struct request *r);
/* POST /api/v1/host/directories {path, jail?}: {path, directories: [names]}. */
void api_host_directories(struct request *r);
