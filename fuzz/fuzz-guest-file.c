// SPDX-License-Identifier: MIT
/*
 * The CLI's guest layout file (--guest @FILE, cli/guest-file.c, json-c):
 * a file it accepts is a preset that builds, or ranges with no two sharing
 * an address, each first <= last; a file it refuses says why in one
 * printable line. warnx_() and read_file() stand in for cli/common.c, which
 * would bring the whole CLI along.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"

static int warnings;

void warnx_(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The real warnx_() escapes too; the parser must not rely on it. */
	for (const char *s = msg; *s; s++)
		FUZZ_CHECK((unsigned char)*s >= 0x20 && *s != 0x7f);
	warnings++;
}

int read_file(const char *path, char **buf, size_t *len)
{
	(void)path, (void)buf, (void)len;
	return -ENOENT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resv_guest_config cfg = { 0 };
	struct resv_guest_layout *layout = NULL, *built = NULL;
	bool preset = false, amd_set = false;
	size_t a, b;
	int rc;

	warnings = 0;
	rc = guest_file_parse("fuzz", (const char *)data, size, &cfg, &preset, &amd_set, &layout);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	FUZZ_CHECK((rc == -EINVAL) == (warnings == 1));
	if (rc == 0 && !preset) {
		FUZZ_CHECK(layout && layout->count >= 1);
		for (size_t i = 0; i < layout->count; i++)
			FUZZ_CHECK(layout->ranges[i].start <= layout->ranges[i].last);
		FUZZ_CHECK(resv_guest_layout_overlap(layout, &a, &b) == 0);
	}
	if (rc == 0 && preset && resv_guest_layout_preset(&built, &cfg) == 0)
		FUZZ_CHECK(built->count >= 1);
	resv_guest_layout_free(built);
	resv_guest_layout_free(layout);
	return 0;
}
