/* SPDX-License-Identifier: MIT */
/* Library errnos as HTTP statuses and stable codes (errors.h). */
#include "errors.h"

#include <errno.h>

struct api_error_kind api_error_from_errno(int errnum)
{
        switch (errnum) {
        case ENOENT:
        case ESRCH:
        case ENODEV:
                return (struct api_error_kind){404, "not_found"};
        case EEXIST:
                return (struct api_error_kind){409, "exists"};
        case EBUSY:
                return (struct api_error_kind){409, "busy"};
        case EALREADY:
                return (struct api_error_kind){409, "wrong_state"};
        case EADDRINUSE:
                return (struct api_error_kind){409, "address_in_use"};
        case EINVAL:
        case ERANGE:
        case EDOM:
        case ENAMETOOLONG:
        case ENOTDIR:
                return (struct api_error_kind){422, "invalid"};
        case EOPNOTSUPP:
                return (struct api_error_kind){422, "not_supported"};
        case EACCES:
        case EPERM:
                return (struct api_error_kind){403, "permission_denied"};
        case ENOSPC:
        case EDQUOT:
                return (struct api_error_kind){507, "no_space"};
        default:
                return (struct api_error_kind){500, "failed"};
        }
}

json_t *api_error_json(const char *code, const char *field, const char *message)
{
        return json_pack("{s:{s:s, s:s?, s:s}}", "error", "code", code, "field", field, "message",
                         message ? message : "Failed");
}
