/* SPDX-License-Identifier: MIT */
/*
 * Lazy loading of the big libraries.
 *
 * Linked the ordinary way, libcurl and libarchive (and libcrypto,
 * libnftables with gmp and xtables, libmicrohttpd with gnutls, libpam)
 * bring some forty shared libraries with them (TLS, Kerberos, LDAP, ICU, ...),
 * and the dynamic loader maps and relocates all of them at every start of
 * `jailor`: 4.7 ms of the 5.4 ms that `jailor --version` took, measured
 * with perf, paid again by each `start`, `stop`, `exec` and `list`, which
 * never use them.  So on x86-64 jailor is not linked against them: each of
 * their functions it calls is a stub (lazy_stubs.S, list in
 * lazy_symbols.h) that loads the library with dlopen the first time one
 * of its functions is called, and then jumps straight to the real one.
 * Elsewhere the build links them the ordinary way (meson.build).
 *
 * The library's file name is its SONAME, found at build time from the
 * library the build compiled against (JAILOR_SONAME_<ID>), so the runtime
 * loads exactly the ABI the code was built for.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lazy_sonames.h"

enum lazy_library {
#define LAZY_LIBRARY(id) LAZY_##id,
#include "lazy_symbols.h"
#undef LAZY_LIBRARY
        LAZY_N_LIBRARIES
};

static const char *const library_file[] = {
#define LAZY_LIBRARY(id) [LAZY_##id] = JAILOR_SONAME_##id,
#include "lazy_symbols.h"
#undef LAZY_LIBRARY
};

static const struct {
        enum lazy_library library;
        const char *name;
} symbols[] = {
#define LAZY_SYMBOL(lib, fn) {LAZY_##lib, #fn},
#include "lazy_symbols.h"
#undef LAZY_SYMBOL
};

/* lazy_stubs.S: one slot per symbol, in the order of lazy_symbols.h */
extern void *jailor_lazy_slots[];
void *jailor_lazy_resolve(void **slot);

static void *handles[LAZY_N_LIBRARIES];

/*
 * What the dynamic loader would have done at start: a library or function
 * that is missing ends the process the way ld.so would have, with one line
 * on stderr and status 127 (nothing was changed yet by the call that needed it).
 */
_Noreturn static void cannot_load(const char *what)
{
        char msg[512];
        int n = snprintf(msg, sizeof(msg), "jailor: cannot load %s\n", what);

        if (n > 0 && write(STDERR_FILENO, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1) < 0)
                _exit(127);
        _exit(127);
}

void *jailor_lazy_resolve(void **slot)
{
        size_t i = (size_t)(slot - jailor_lazy_slots);
        enum lazy_library lib;
        void *fn;

        if (i >= sizeof(symbols) / sizeof(symbols[0]))
                cannot_load("a function through a slot jailor does not have");
        lib = symbols[i].library;
        if (!handles[lib]) {
                handles[lib] = dlopen(library_file[lib], RTLD_NOW | RTLD_LOCAL);
                if (!handles[lib])
                        cannot_load(dlerror());
        }
        fn = dlsym(handles[lib], symbols[i].name);
        if (!fn)
                cannot_load(dlerror());
        __atomic_store_n(slot, fn, __ATOMIC_RELEASE);
        return fn;
}
