/* SPDX-License-Identifier: MIT */
/* The route table of /api/v1 (router.h): every endpoint, its body, its answer. */
#include "api.h"
#include "api_ui.h"
#include "ws_shell.h"
#include "router.h"

#define P "/api/v1"

static const struct body_field no_fields[] = {{0}};

static const struct body_field login_body[] = {
        {"username", BODY_STRING, true, "a host account: root, or a member of group jailor"},
        {"password", BODY_STRING, true, NULL},
        {0},
};

static const struct body_field pool_body[] = {
        {"pool", BODY_STRING, true, "a ZFS pool name, or a directory path"},
        {0},
};

static const struct body_field fetch_body[] = {
        {"name", BODY_STRING, true, "the release; a Debian suite unless file or url is given"},
        {"file", BODY_STRING, false, "a root file system archive on the host"},
        {"url", BODY_STRING, false, "an archive to download (http/https), with sha256"},
        {"sha256", BODY_STRING, false, "the archive's SHA-256"},
        {"tarball", BODY_STRING, false, "a `debootstrap --make-tarball` file on the host"},
        {"force", BODY_BOOL, false, "a suite newer than the host's Debian"},
        {0},
};

static const struct body_field create_body[] = {
        {"name", BODY_STRING, false, "the jail's name (default: a UUID)"},
        {"release", BODY_STRING, false, "the release; fetched first when missing (answer 202)"},
        {"template", BODY_STRING, false, "a template to make it from"},
        {"type", BODY_STRING, false, "clone (default), basejail, thick or empty"},
        {"count", BODY_INT, false, "make NAME_1 ... NAME_count"},
        {"short", BODY_BOOL, false, "without name: the first 8 characters of the UUID"},
        {"properties", BODY_PROPERTIES, false, NULL},
        {0},
};

static const struct body_field update_body[] = {
        {"properties", BODY_PROPERTIES, false, "properties to change, all or none"},
        {"name", BODY_STRING, false, "a new name (rename; alone in its request)"},
        {0},
};

static const struct body_field clone_body[] = {
        {"name", BODY_STRING, true, "the new jail"},
        {"thick", BODY_BOOL, false, "an independent copy instead of a copy-on-write clone"},
        {"properties", BODY_PROPERTIES, false, NULL},
        {0},
};

static const struct body_field exec_body[] = {
        {"command", BODY_ARGV, true, "argv, or one string run by /bin/sh -c"},
        {"user", BODY_STRING, false, "a user of the jail (default root)"},
        {0},
};

static const struct body_field import_body[] = {
        {"image", BODY_STRING, true, "an image path, or a name in the pool's images/"},
        {"name", BODY_STRING, false, "the new jail's name (default: the image's)"},
        {0},
};

static const struct body_field mount_body[] = {
        {"src", BODY_STRING, true, "an existing host path"},
        {"dst", BODY_STRING, true, "an absolute path in the jail (made when missing)"},
        {"read_only", BODY_BOOL, false, "default true"},
        {0},
};

static const struct body_field snapshot_body[] = {
        {"name", BODY_STRING, false, "default: the UTC time, YYYY-MM-DD_HH-MM-SS"},
        {0},
};

static const struct body_field directories_body[] = {
        {"path", BODY_STRING, true, "an absolute directory"},
        {"jail", BODY_STRING, false, "a stopped jail: the path is inside its root"},
        {0},
};

static const struct body_field properties_body[] = {
        {"properties", BODY_PROPERTIES, true, NULL},
        {0},
};

const struct route routes[] = {
        {"POST", P "/session", api_session_login, ROUTE_PUBLIC, login_body, 200, "Session",
         "Log in with a host account: a session cookie and its CSRF token"},
        {"GET", P "/session", api_session_get, 0, NULL, 200, "Session",
         "Who is asking, and the session's CSRF token"},
        {"DELETE", P "/session", api_session_logout, 0, no_fields, 204, "Session", "Log out"},
        {"GET", P "/openapi.json", api_openapi, ROUTE_PUBLIC, NULL, 200, "Meta",
         "This OpenAPI document"},

        {"GET", P "/pools", api_pools_list, 0, NULL, 200, "Pools",
         "The pools jailor can use, the active one marked"},
        {"POST", P "/pools/activate", api_pools_activate, 0, pool_body, 200, "Pools",
         "Make a pool the active one"},
        {"POST", P "/pools/deactivate", api_pools_deactivate, 0, pool_body, 200, "Pools",
         "Forget the active pool (its data stays)"},

        {"GET", P "/releases", api_releases_list, 0, NULL, 200, "Releases", "The fetched releases"},
        {"GET", P "/releases/remote", api_releases_remote, 0, NULL, 200, "Releases",
         "The Debian suites that can be fetched", "all"},
        {"POST", P "/releases", api_releases_fetch, 0, fetch_body, 202, "Releases",
         "Fetch a release (a job)"},
        {"DELETE", P "/releases/{name}", api_releases_destroy, 0, NULL, 204, "Releases",
         "Destroy a release", "recursive"},
        {"DELETE", P "/downloads", api_downloads_clean, 0, NULL, 204, "Releases",
         "Empty the download area"},

        {"GET", P "/jails", api_jails_list, 0, NULL, 200, "Jails",
         "The jails (or templates), with the fields of `jailor list -l`", "templates"},
        {"POST", P "/jails", api_jails_create, 0, create_body, 201, "Jails",
         "Create jails; 202 with a job when the release must be fetched first"},
        {"GET", P "/jails/{name}", api_jails_get, 0, NULL, 200, "Jails",
         "A jail (or template) with all its properties"},
        {"PATCH", P "/jails/{name}", api_jails_update, 0, update_body, 200, "Jails",
         "Change properties (all or none), or rename"},
        {"DELETE", P "/jails/{name}", api_jails_destroy, 0, NULL, 204, "Jails",
         "Destroy a jail; force stops it first", "force,recursive"},
        {"POST", P "/jails/{name}/clone", api_jails_clone, 0, clone_body, 201, "Jails",
         "A new jail cloned from this stopped one"},
        {"POST", P "/jails/{name}/start", api_jails_start, 0, no_fields, 202, "Runtime",
         "Start a jail (a job)"},
        {"POST", P "/jails/{name}/stop", api_jails_stop, 0, no_fields, 202, "Runtime",
         "Stop a jail (a job)"},
        {"POST", P "/jails/{name}/restart", api_jails_restart, 0, no_fields, 202, "Runtime",
         "Stop then start a jail (a job)"},
        {"POST", P "/jails/{name}/exec", api_jails_exec, 0, exec_body, 200, "Runtime",
         "Run a command in a running jail: its exit status and output"},
        {"POST", P "/jails/{name}/export", api_jails_export, 0, no_fields, 202, "Images",
         "Export a stopped jail to the pool's images/ (a job)"},
        {"POST", P "/images/import", api_images_import, 0, import_body, 202, "Images",
         "Import an exported jail (a job)"},

        {"GET", P "/host/interfaces", api_interfaces, 0, NULL, 200, "Host",
         "The host's network interfaces: kind, state, bridge, the default route's"},
        {"GET", P "/df", api_df, 0, NULL, 200, "Jails",
         "Disk space of jails and templates (`jailor df`)"},
        {"POST", P "/boot/start", api_boot_start, 0, no_fields, 202, "Runtime",
         "Start the boot=on jails in priority order (`start --rc`, a job)"},
        {"POST", P "/boot/stop", api_boot_stop, 0, no_fields, 202, "Runtime",
         "Stop the boot=on jails in reverse order (`stop --rc`, a job)"},

        {"GET", P "/jails/{name}/fstab", api_fstab_list, 0, NULL, 200, "Mount points",
         "A jail's mount points"},
        {"POST", P "/jails/{name}/fstab", api_fstab_add, 0, mount_body, 201, "Mount points",
         "Add a mount point (jail stopped)"},
        {"PUT", P "/jails/{name}/fstab/{index}", api_fstab_edit, 0, mount_body, 200,
         "Mount points", "Replace a mount point (jail stopped)"},
        {"DELETE", P "/jails/{name}/fstab/{index}", api_fstab_remove, 0, NULL, 200,
         "Mount points", "Remove a mount point (jail stopped)"},

        {"GET", P "/jails/{name}/snapshots", api_snapshots_list, 0, NULL, 200, "Snapshots",
         "A jail's snapshots, oldest first"},
        {"POST", P "/jails/{name}/snapshots", api_snapshots_create, 0, snapshot_body, 201,
         "Snapshots", "Take a snapshot"},
        {"POST", P "/jails/{name}/snapshots/{snapshot}/rollback", api_snapshots_rollback, 0,
         no_fields, 200, "Snapshots", "Return a stopped jail to a snapshot"},
        {"DELETE", P "/jails/{name}/snapshots/{snapshot}", api_snapshots_remove, 0, NULL, 200,
         "Snapshots", "Destroy a snapshot"},

        {"GET", P "/defaults", api_defaults_get, 0, NULL, 200, "Properties",
         "The default properties of new jails"},
        {"PATCH", P "/defaults", api_defaults_update, 0, properties_body, 200, "Properties",
         "Change default properties (all or none)"},
        {"GET", P "/properties", api_properties, 0, NULL, 200, "Properties",
         "Every property: type, default, group, doc, whether it changes live"},

        /* the web UI's (api_ui.h, ws_shell.h) */
        {"POST", P "/host/directories", api_host_directories, 0, directories_body, 200, "Host",
         "The directories in a host directory, or in a stopped jail's"},
        {"GET", P "/jails/{name}/shell", api_jails_shell, 0, NULL, 101, "Runtime",
         "A shell in the running jail over a WebSocket (binary: the terminal; text: JSON control)"},

        {"GET", P "/jobs", api_jobs_list, 0, NULL, 200, "Jobs", "The long operations, newest first"},
        {"GET", P "/jobs/{id}", api_jobs_get, 0, NULL, 200, "Jobs",
         "A job: state, progress, result or error"},
        {"GET", P "/jobs/{id}/events", api_jobs_events, ROUTE_STREAM, NULL, 200, "Jobs",
         "The job's progress as Server-Sent Events, until it ends"},
        {0},
};
