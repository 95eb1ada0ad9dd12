/* SPDX-License-Identifier: MIT */
/* An epoll loop with a callback per descriptor (loop.h). */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

struct watch {
        uint64_t id; /* epoll hands back the id, never a pointer that may be freed */
        int fd;
        loop_fn fn;
        void *data;
        struct watch *next;
};

static int epfd = -1;
static struct watch *watches;
static uint64_t next_id = 1;

int loop_init(void)
{
        epfd = epoll_create1(EPOLL_CLOEXEC);
        return epfd < 0 ? -errno : 0;
}

void loop_done(void)
{
        while (watches)
                loop_remove(watches->fd);
        if (epfd >= 0)
                close(epfd);
        epfd = -1;
}

int loop_add(int fd, loop_fn fn, void *data)
{
        struct watch *w = calloc(1, sizeof(*w));
        struct epoll_event ev = {.events = EPOLLIN};

        if (!w)
                return -ENOMEM;
        *w = (struct watch){.id = next_id++, .fd = fd, .fn = fn, .data = data, .next = watches};
        ev.data.u64 = w->id;
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                int e = errno;
                free(w);
                return -e;
        }
        watches = w;
        return 0;
}

void loop_remove(int fd)
{
        for (struct watch **p = &watches; *p; p = &(*p)->next) {
                if ((*p)->fd == fd) {
                        struct watch *w = *p;

                        *p = w->next;
                        epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
                        free(w);
                        return;
                }
        }
}

int loop_run_once(int timeout_ms)
{
        struct epoll_event ev[32];
        int n = epoll_wait(epfd, ev, 32, timeout_ms);

        if (n < 0)
                return errno == EINTR ? 0 : -errno;
        for (int i = 0; i < n; i++) {
                struct watch *w = watches;

                /* a callback earlier in this round may have removed it */
                while (w && w->id != ev[i].data.u64)
                        w = w->next;
                if (w)
                        w->fn(w->data, ev[i].events);
        }
        return n;
}
