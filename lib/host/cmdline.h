/* SPDX-License-Identifier: MIT */
/* The kernel command line (proc/cmdline) as the kernel's parsers read it; internal. */
#ifndef RESV_CMDLINE_H
#define RESV_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The value of parameter @name ("name=value"), or NULL: the last
 * occurrence wins, as parse_args() applies them in order. *@len: its length.
 */
const char *cmdline_value(const char *cmdline, const char *name, size_t *len);

/* Is @name set to true as kstrtobool (lib/kstrtox.c) reads it: y, Y, t, T, 1, "on"? */
bool cmdline_true(const char *cmdline, const char *name);

/* "intremap=off" (arch/x86 irq_remapping.c setup_irqremap): a comma list. */
bool intremap_off(const char *cmdline);

#endif
