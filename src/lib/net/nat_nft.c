/* SPDX-License-Identifier: MIT */
/* Runs nft scripts through libnftables, silently (see nat_internal.h). */
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "nat_internal.h"

DEFINE_CLEANUP_FUNC(struct nft_ctx, nft_ctx_free)

/*
 * libnftables says what failed only in text ("Error: Could not process
 * rule: File exists"), the kernel's errno turned into strerror(); the errno
 * is recovered from it for the callers that act on it.
 */
static int errno_of(const char *msg)
{
        static const int known[] = {EEXIST, ENOENT, EBUSY, EPERM, EACCES, EOPNOTSUPP, ENOMEM};

        for (size_t i = 0; i < ELEMENTSOF(known); i++)
                if (strstr(msg, strerror(known[i])))
                        return known[i];
        return EIO;
}

int nat_nft_run(const char *script, bool json, char **ret_output, struct jailor_error *err)
{
        _cleanup_(nft_ctx_freep) struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);

        if (!nft)
                return jailor_error_set(err, ENOMEM, "Cannot start libnftables: out of memory");
        /* buffered, both: the library never prints */
        if (nft_ctx_buffer_output(nft) < 0 || nft_ctx_buffer_error(nft) < 0)
                return jailor_error_set(err, ENOMEM, "Cannot start libnftables: out of memory");
        if (json)
                nft_ctx_output_set_flags(nft, NFT_CTX_OUTPUT_JSON);
        if (nft_run_cmd_from_buffer(nft, script) != 0) {
                /* "Error: WHY\nTHE COMMAND\n   ^^^": why, and where (cut: a command can list
                 * hundreds of elements) */
                const char *why = nft_ctx_get_error_buffer(nft), *where;
                size_t why_len, where_len;

                if (!why)
                        why = "";
                if (strncmp(why, "Error: ", 7) == 0)
                        why += 7;
                why_len = strcspn(why, "\n");
                where = why[why_len] ? why + why_len + 1 : "";
                where_len = strcspn(where, "\n");
                if (where_len > 80)
                        where_len = 80;
                return jailor_error_set(err, errno_of(why), "nftables: %.*s%s%.*s%s", (int)why_len,
                                        why_len ? why : "no reason given", where_len ? " in '" : "",
                                        (int)where_len, where, where_len ? "'" : "");
        }
        if (ret_output) {
                const char *out = nft_ctx_get_output_buffer(nft);

                *ret_output = strdup(out ? out : "");
                if (!*ret_output)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        return 0;
}
