/* SPDX-License-Identifier: MIT */
/*
 * Masks over the jail's /proc (SPEC §6: no access to /proc/sys or
 * /proc/sysrq-trigger).  /proc shows the jail's own processes (it is
 * mounted in the jail's PID namespace) but many of its files are the whole
 * kernel's, and root may write them with no capability at all: writing 'b'
 * to /proc/sysrq-trigger reboots the host, /proc/sys/kernel/core_pattern
 * runs a program as the host's root.
 *
 * Read-only (bound over themselves, remounted ro,nosuid,nodev,noexec):
 *   sys            every sysctl; but sys/net stays writable for a jail with
 *                  its own network namespace: those sysctls are that
 *                  namespace's own (the global ones are not even visible
 *                  from a child namespace), and a jail that routes needs
 *                  ip_forward, as systemd-nspawn allows
 *   sysrq-trigger  a write needs no capability
 *   irq            IRQ affinity of the host's devices
 *   bus            PCI and USB configuration of the host's devices
 *   fs             knobs of host file systems (nfsd, ext4, cifs)
 *
 * Masked (empty: /dev/null bound over a file, an empty read-only tmpfs over
 * a directory), as Docker and runc do:
 *   kcore kpagecount kpageflags kpagecgroup   the host's memory
 *   keys           every key on the host (keyrings are not namespaced)
 *   kmsg           the host's kernel log, read destructively (readable with
 *                  CAP_SYS_ADMIN, which allow_mount keeps; seccomp cannot
 *                  see a read of it)
 *   timer_list timer_stats sched_debug latency_stats   kernel internals
 *                  with addresses and the host's tasks
 *   acpi scsi asound   host hardware control files
 * kallsyms is left: without CAP_SYSLOG the kernel shows its addresses as 0.
 *
 * Entries this kernel does not have are skipped.  Runs in the jail's mount
 * namespace, either before pivot_root (proc_path = ROOT/proc, the host's
 * /proc and /dev still reachable) or after (proc_path = "/proc"); either
 * way the caller's root must hold a /proc (for /proc/self/fd) and a
 * /dev/null.
 */
#pragma once

#include "../error.h"

struct confinement;

/*
 * proc_path is a freshly mounted procfs (EINVAL when it is not a procfs).
 * c decides whether sys/net stays writable (c->host_network false).
 */
int procfs_mask(const char *proc_path, const struct confinement *c, struct jailor_error *err);
