/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../props/props.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

/* iocage's FreeBSD commands mean "the default" on Linux. */
static bool iocage_default_command(const char *key, const char *value)
{
        if (STREQ(key, "exec_start"))
                return STREQ(value, "/bin/sh /etc/rc");
        if (STREQ(key, "exec_stop"))
                return STREQ(value, "/bin/sh /etc/rc.shutdown");
        if (strncmp(key, "exec_", 5) == 0)
                return STREQ(value, "/usr/bin/true") || STREQ(value, "true");
        return false;
}

static char *json_scalar_text(json_t *v)
{
        if (json_is_string(v))
                return strdup(json_string_value(v));
        return json_dumps(v, JSON_ENCODE_ANY);
}

/* Version 0 (iocage) to 1: keep what has a Linux meaning and a valid value. */
static json_t *migrate_from_iocage(const struct jailor_ctx *ctx, const char *path, json_t *old)
{
        json_t *out = json_object(), *v;
        char dropped[512] = "";
        const char *key;

        if (!out)
                return NULL;
        json_object_foreach(old, key, v) {
                const struct prop_def *p = props_find(key);
                _cleanup_free_ char *text = json_scalar_text(v), *canonical = NULL;

                if (STREQ(key, "CONFIG_VERSION") || !text)
                        continue;
                if (!p || iocage_default_command(key, text) ||
                    props_from_json(p, v, &canonical, NULL) < 0) {
                        if (!p || !iocage_default_command(key, text))
                                snprintf(dropped + strlen(dropped), sizeof(dropped) - strlen(dropped),
                                         "%s%s", *dropped ? ", " : "", key);
                        continue;
                }
                json_object_set_new(out, key, props_to_json(p, canonical));
        }
        if (*dropped)
                jailor_warn(ctx, "'%s': dropped iocage settings with no Linux meaning: %s", path,
                            dropped);
        return out;
}

/* Copies the original bytes aside before a migration rewrites the file. */
static int backup_config(const char *path, struct jailor_error *err)
{
        _cleanup_free_ char *text = NULL, *dir = strdup(path), *backup = NULL;
        char *slash;
        size_t len;
        int r;

        if (!dir)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        slash = strrchr(dir, '/');
        if (slash)
                *slash = '\0';
        backup = path_join(dir, "config_backup.json");
        if (!backup)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = read_file(path, &text, &len, err);
        if (r < 0)
                return r;
        return write_file_atomic(backup, text, len, 0644, err);
}

static int config_version(json_t *config)
{
        json_t *v = json_object_get(config, "CONFIG_VERSION");

        /* iocage writes its own version as a string ("29"); jailor an integer */
        if (!json_is_integer(v))
                return 0;
        return (int)json_integer_value(v);
}

/* Every value must be one jailor accepts: a bad hand edit makes the jail corrupt. */
static int config_check(const char *path, json_t *config, struct jailor_error *err)
{
        const char *key;
        json_t *v;

        json_object_foreach(config, key, v) {
                const struct prop_def *p = props_find(key);
                _cleanup_free_ char *canonical = NULL;
                struct jailor_error perr = {0};

                if (STREQ(key, "CONFIG_VERSION"))
                        continue;
                if (!p)
                        return jailor_error_set(err, EINVAL, "'%s': unknown property '%s'", path, key);
                if (props_from_json(p, v, &canonical, &perr) < 0)
                        return jailor_error_set(err, EINVAL, "'%s': %s", path, perr.msg);
        }
        return 0;
}

int config_read(const struct jailor_ctx *ctx, const char *path, const char *name, json_t **ret,
                struct jailor_error *err)
{
        json_t *config, *migrated;
        json_error_t jerr;
        int version, r;

        config = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (!config)
                return jailor_error_set(err, EINVAL, "'%s' is corrupt: %s (line %d)", path, jerr.text,
                                        jerr.line);
        if (!json_is_object(config)) {
                json_decref(config);
                return jailor_error_set(err, EINVAL, "'%s' is corrupt: not a JSON object", path);
        }
        version = config_version(config);
        if (version > PROPS_CONFIG_VERSION) {
                json_decref(config);
                return jailor_error_set(err, EINVAL,
                                        "'%s' was written by a newer jailor (schema %d; this one "
                                        "knows %d)",
                                        path, version, PROPS_CONFIG_VERSION);
        }
        if (version < PROPS_CONFIG_VERSION) {
                r = backup_config(path, err);
                if (r < 0) {
                        json_decref(config);
                        return r;
                }
                migrated = migrate_from_iocage(ctx, path, config);
                json_decref(config);
                if (!migrated)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                config = migrated;
                /* the identity is the directory's name, whatever iocage recorded */
                json_object_set_new(config, "host_hostuuid", json_string(name));
                json_object_set_new(config, "CONFIG_VERSION", json_integer(PROPS_CONFIG_VERSION));
                r = config_write(path, config, err);
                if (r < 0) {
                        json_decref(config);
                        return r;
                }
                jailor_warn(ctx, "'%s' migrated to schema %d; the original is in config_backup.json",
                            path, PROPS_CONFIG_VERSION);
        }
        r = config_check(path, config, err);
        if (r < 0) {
                json_decref(config);
                return r;
        }
        *ret = config;
        return 0;
}

int config_write(const char *path, json_t *config, struct jailor_error *err)
{
        _cleanup_free_ char *text = json_dumps(config, JSON_INDENT(4) | JSON_SORT_KEYS);
        _cleanup_free_ char *withnl = text ? strjoin(text, "\n", NULL) : NULL;

        if (!withnl)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return write_file_atomic(path, withnl, strlen(withnl), 0644, err);
}

int config_effective(json_t *defaults, json_t *config, json_t **ret, struct jailor_error *err)
{
        json_t *props = json_deep_copy(defaults), *v;
        const char *key;

        if (!props)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        json_object_foreach(config, key, v) {
                const struct prop_def *p = props_find(key);
                _cleanup_free_ char *canonical = NULL;

                if (!p || props_from_json(p, v, &canonical, NULL) < 0)
                        continue; /* config_read already refused these */
                json_object_set_new(props, key, json_string(canonical));
        }
        *ret = props;
        return 0;
}
