/* SPDX-License-Identifier: MIT */
/* Byte queues (byte_queue.h). */
#include "byte_queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int byte_queue_add(struct byte_queue *b, const void *data, size_t len)
{
        if (b->len + len > b->cap) {
                size_t cap = b->cap ? b->cap : 4096;
                unsigned char *p;

                while (cap < b->len + len)
                        cap *= 2;
                p = realloc(b->data, cap);
                if (!p)
                        return -ENOMEM;
                b->data = p;
                b->cap = cap;
        }
        memcpy(b->data + b->len, data, len);
        b->len += len;
        return 0;
}

void byte_queue_drop(struct byte_queue *b, size_t n)
{
        memmove(b->data, b->data + n, b->len - n);
        b->len -= n;
}

int byte_queue_flush(struct byte_queue *b, int fd, bool socket)
{
        while (b->len) {
                ssize_t n = socket ? send(fd, b->data, b->len, MSG_NOSIGNAL)
                                   : write(fd, b->data, b->len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return 0;
                if (n <= 0)
                        return -1;
                byte_queue_drop(b, (size_t)n);
        }
        return 0;
}

void byte_queue_free(struct byte_queue *q)
{
        free(q->data);
        *q = (struct byte_queue){0};
}
