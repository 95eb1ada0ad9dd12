/* SPDX-License-Identifier: MIT */
/* A growable byte queue: what waits to be written to a socket or a terminal. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct byte_queue {
        unsigned char *data;
        size_t len, cap;
};

/* Appends; -ENOMEM when it cannot grow. */
int byte_queue_add(struct byte_queue *q, const void *data, size_t len);
/* Drops the first n bytes. */
void byte_queue_drop(struct byte_queue *q, size_t n);
/* Writes what fd takes now (non-blocking); -1 when fd is gone. */
int byte_queue_flush(struct byte_queue *q, int fd, bool socket);
void byte_queue_free(struct byte_queue *q);
