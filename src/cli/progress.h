/* SPDX-License-Identifier: MIT */
/*
 * Progress of long work on a terminal: one line rewritten in place with the
 * bytes done, the rate and the time left.  Nothing at all when stderr is not
 * a terminal, so scripts and logs stay clean.
 */
#pragma once

#include "context.h"

/* Installs the progress reporter on ctx when stderr is a terminal. */
void progress_attach(struct jailor_ctx *ctx);
/* Ends the progress line, if one was drawn. */
void progress_finish(struct jailor_ctx *ctx);
