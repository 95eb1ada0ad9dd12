/* SPDX-License-Identifier: MIT */
/*
 * The server's event loop: an epoll set of descriptors, each with the
 * function called when it is readable (or hung up).
 */
#pragma once

#include <stdint.h>

typedef void (*loop_fn)(void *data, uint32_t events);

int loop_init(void);
void loop_done(void);
/* Watches fd for input; fn(data) runs when it is ready.  0 or a negative errno. */
int loop_add(int fd, loop_fn fn, void *data);
void loop_remove(int fd);
/* Waits at most timeout_ms (-1: for ever) and runs the callbacks of what is ready. */
int loop_run_once(int timeout_ms);
