/* SPDX-License-Identifier: MIT */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct progress {
        char what[64];
        double started, last_drawn;
        int drawn;
};

static struct progress state;

static double now_seconds(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void human(double bytes, char *buf, size_t len)
{
        static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
        size_t u = 0;

        while (bytes >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
                bytes /= 1024;
                u++;
        }
        snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

static void on_progress(void *userdata, const char *what, uint64_t done, uint64_t total)
{
        struct progress *p = userdata;
        double now = now_seconds(), elapsed;
        char done_s[32], total_s[32], rate_s[32], eta[32] = "";

        if (strcmp(p->what, what) != 0) {
                if (p->drawn)
                        fputc('\n', stderr);
                snprintf(p->what, sizeof(p->what), "%s", what);
                p->started = now;
                p->last_drawn = 0;
                p->drawn = 0;
        }
        /* ten redraws a second are plenty, and the last one always shows */
        if (now - p->last_drawn < 0.1 && !(total && done >= total))
                return;
        p->last_drawn = now;
        elapsed = now - p->started;
        human((double)done, done_s, sizeof(done_s));
        human(elapsed > 0.05 ? (double)done / elapsed : 0, rate_s, sizeof(rate_s));
        if (total) {
                human((double)total, total_s, sizeof(total_s));
                if (done > 0 && done < total && elapsed > 0.05) {
                        double left = (double)(total - done) / ((double)done / elapsed);
                        snprintf(eta, sizeof(eta), "  ETA %d:%02d", (int)left / 60, (int)left % 60);
                }
                fprintf(stderr, "\r\033[K%s %s / %s (%d%%)  %s/s%s", what, done_s, total_s,
                        (int)(100.0 * (double)done / (double)total), rate_s, eta);
        } else {
                fprintf(stderr, "\r\033[K%s %s  %s/s  %d:%02d", what, done_s, rate_s,
                        (int)elapsed / 60, (int)elapsed % 60);
        }
        fflush(stderr);
        p->drawn = 1;
}

void progress_attach(struct jailor_ctx *ctx)
{
        if (!isatty(STDERR_FILENO))
                return;
        memset(&state, 0, sizeof(state));
        ctx->progress = on_progress;
        ctx->progress_data = &state;
}

void progress_finish(struct jailor_ctx *ctx)
{
        if (ctx->progress == on_progress && state.drawn) {
                fputc('\n', stderr);
                state.drawn = 0;
                state.what[0] = '\0';
        }
}
