/* SPDX-License-Identifier: MIT */
/* An `lspci -x` dump as input: read by cli/lspci.c as libpci's dump method would. */
#ifndef RESV_LSPCI_H
#define RESV_LSPCI_H

#include <stddef.h>
#include <stdint.h>

/*
 * Called once per function of the dump with the config bytes the dump
 * holds: 64 (lspci -x), 256 (-xxx) or 4096 (-xxxx) for dumps lspci wrote,
 * any count from 1 to 4096 for hand-cut ones. @config is borrowed for the
 * call. A negative return stops the walk and is returned by lspci_read().
 */
typedef int (*lspci_fn)(void *ctx, uint16_t segment, uint8_t bus, uint8_t dev,
			uint8_t fn, const uint8_t *config, size_t len);

/*
 * lspci_read() - read every function of an `lspci -x/-xxx/-xxxx` dump
 * @path: the dump, as `lspci -xxx` or `lspci -D -xxx` prints it (a file or
 *	a pipe)
 * @fn, @ctx: called in (segment, bus, device, function) order, only after
 *	the whole dump has been read and checked
 * @err, @errlen: for every error below, a message starting with @path (and
 *	":LINE:" or ":LINE:COLUMN:" where a line is at fault); on success,
 *	empty or "@path:LINE: note: ..." for a function that was skipped;
 *	empty when @fn failed
 *
 * Accepts what libpci's dump access method (PCI_ACCESS_DUMP, the one
 * `lspci -F` uses) accepts, with the same bytes: see cli/lspci.c. A line
 * without a domain ("00:1f.0") is segment 0. A function in a domain past
 * 0xffff (Intel VMD's, "10000:e1:00.0") is skipped with a note: it is no
 * PCI segment of the ACPI tables.
 *
 * Return: the number of functions given to @fn, or
 *	-ENOENT, -EACCES, -EISDIR, ...	@path cannot be opened or read
 *	-EBADMSG	a malformed row, a byte past offset 4095, a line of 254
 *			characters or more, a NUL byte, no newline at the end;
 *			the dump holds no function, a function without config
 *			bytes (plain `lspci` without -x) or one function twice
 *	-ENOMEM		out of memory
 *	< 0		what @fn returned, if negative
 */
int lspci_read(const char *path, lspci_fn fn, void *ctx, char *err,
	       size_t errlen);

/*
 * lspci_read_text() - lspci_read() on @len bytes at @text, named @name in
 * messages, handed to the reader @chunk bytes at a time as read() might
 * (0: as much as it asks for). For tests and fuzzing.
 */
int lspci_read_text(const char *name, const char *text, size_t len, size_t chunk,
		    lspci_fn fn, void *ctx, char *err, size_t errlen);

#endif
