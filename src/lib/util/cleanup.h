/* SPDX-License-Identifier: MIT */
/*
 * Scope-bound cleanup, systemd style: a variable declared with one of these
 * attributes is released when it goes out of scope, so early returns cannot
 * leak.  TAKE_PTR/TAKE_FD hand ownership to the caller.
 */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
        free(*(void **)p);
}

static inline void closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}

static inline void fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}

static inline void closedirp(DIR **d)
{
        if (*d)
                closedir(*d);
}

/* A NULL-terminated vector of strings. */
static inline void strv_freep(char ***v)
{
        if (*v) {
                for (char **p = *v; *p; p++)
                        free(*p);
                free(*v);
        }
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

#define TAKE_PTR(p)                                   \
        ({                                            \
                __typeof__(p) _taken_ = (p);          \
                (p) = NULL;                           \
                _taken_;                              \
        })

#define TAKE_FD(fd)                                   \
        ({                                            \
                int _taken_fd_ = (fd);                \
                (fd) = -EBADF;                        \
                _taken_fd_;                           \
        })

/* Defines NAMEp() calling NAME(*p) when *p is not NULL. */
#define DEFINE_CLEANUP_FUNC(type, func)               \
        static inline void func##p(type **p)          \
        {                                             \
                if (*p)                               \
                        func(*p);                     \
        }

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define STREQ(a, b) (strcmp((a), (b)) == 0)
