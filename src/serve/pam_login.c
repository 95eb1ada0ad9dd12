/* SPDX-License-Identifier: MIT */
/* A host account's password through PAM, then root or the API group (pam_login.h). */
#include "pam_login.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "util/cleanup.h"

/* Answers PAM's password prompt with the password given; anything else it asks is refused. */
static int converse(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
        struct pam_response *r = calloc((size_t)n, sizeof(*r));

        if (!r)
                return PAM_BUF_ERR;
        for (int i = 0; i < n; i++) {
                if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF) {
                        r[i].resp = strdup(data);
                } else if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON) {
                        free(r);
                        return PAM_CONV_ERR;
                }
        }
        *resp = r;
        return PAM_SUCCESS;
}

static int check_password(const char *user, const char *password)
{
        struct pam_conv conv = {converse, (void *)password};
        pam_handle_t *pamh = NULL;
        int r = pam_start(JAILOR_PAM_SERVICE, user, &conv, &pamh);

        if (r == PAM_SUCCESS)
                r = pam_set_item(pamh, PAM_RHOST, "jailor-api");
        if (r == PAM_SUCCESS)
                r = pam_authenticate(pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
        if (r == PAM_SUCCESS)
                r = pam_acct_mgmt(pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
        if (pamh)
                pam_end(pamh, r);
        return r == PAM_SUCCESS ? 0 : -EACCES;
}

/* The group the API admits besides root, from jailor.conf. */
static char *api_group(const struct jailor_ctx *ctx)
{
        struct jailor_conf *conf = NULL;
        const char *v;
        char *group;

        if (conf_load(ctx, &conf, NULL) < 0)
                return strdup(API_GROUP_DEFAULT);
        v = conf_get(conf, "api_group");
        group = strdup(v && *v ? v : API_GROUP_DEFAULT);
        conf_free(conf);
        return group;
}

static bool in_group(const struct passwd *pw, const char *group)
{
        struct group *g = getgrnam(group);
        gid_t groups[1024];
        int n = 1024;

        if (!g)
                return false;
        if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
                return false;
        for (int i = 0; i < n; i++)
                if (groups[i] == g->gr_gid)
                        return true;
        return false;
}

int pam_login(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        const char *user = arg_string(args, "username"), *password = arg_string(args, "password");
        _cleanup_free_ char *group = api_group(worker_ctx(w));
        struct passwd *pw;

        /* one answer for an unknown user and a wrong password */
        if (check_password(user, password) < 0 || !(pw = getpwnam(user)))
                return jailor_error_set(err, EACCES, "Login failed for '%s'", user);
        if (pw->pw_uid != 0 && !(group && in_group(pw, group)))
                return jailor_error_set(err, EPERM,
                                        "User '%s' may not use jailor: it is not root nor a "
                                        "member of group '%s'",
                                        user, group ? group : API_GROUP_DEFAULT);
        *ret = json_pack("{s:s}", "user", user);
        return 0;
}
