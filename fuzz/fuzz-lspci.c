// SPDX-License-Identifier: MIT
/*
 * The CLI's lspci dump reader (cli/lspci.c) on hostile text: it returns a
 * count or -EBADMSG with a printable message, gives functions sorted, each
 * once, with 1 to 4096 bytes, in segments up to 0xffff; and read in pieces
 * of any size it gives the same, message and bytes alike (a line cut
 * between two reads is a line still). tests/unit/test_lspci.c holds it to
 * libpci's own reader.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lspci.h"

#define MAX_KEEP 64	/* functions whose bytes are compared between the two reads */

struct seen {
	int n;
	uint64_t last;		/* key of the previous function + 1; 0: none */
	uint64_t keys[MAX_KEEP];
	size_t lens[MAX_KEEP];
	uint32_t sums[MAX_KEEP];
};

static int collect(void *ctx, uint16_t segment, uint8_t bus, uint8_t dev,
		   uint8_t fn, const uint8_t *config, size_t len)
{
	struct seen *s = ctx;
	uint64_t key = (uint64_t)segment << 24 | (uint64_t)bus << 16 | (uint64_t)dev << 8 | fn;
	uint32_t sum = 0;

	FUZZ_CHECK(len >= 1 && len <= 4096);
	FUZZ_CHECK(fn <= 9);	/* one decimal digit */
	FUZZ_CHECK(key + 1 > s->last);	/* sorted, no function twice */
	s->last = key + 1;
	for (size_t i = 0; i < len; i++)
		sum = sum * 31 + config[i];
	if (s->n < MAX_KEEP) {
		s->keys[s->n] = key;
		s->lens[s->n] = len;
		s->sums[s->n] = sum;
	}
	s->n++;
	return 0;
}

static int read_in(const uint8_t *data, size_t size, size_t chunk, struct seen *s,
		   char *err, size_t errlen)
{
	int rc;

	memset(s, 0, sizeof(*s));
	rc = lspci_read_text("fuzz", (const char *)data, size, chunk, collect, s, err, errlen);
	FUZZ_CHECK(rc == -EBADMSG || rc == -ENOMEM || rc >= 0);
	FUZZ_CHECK(rc < 0 ? s->n == 0 && err[0] : rc == s->n);
	for (const char *c = err; *c; c++)
		FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen whole, pieces;
	char err1[256], err2[256];
	int a, b;

	a = read_in(data, size, 0, &whole, err1, sizeof(err1));
	b = read_in(data, size, 1 + size % 97, &pieces, err2, sizeof(err2));
	if (a == -ENOMEM || b == -ENOMEM)
		return 0;
	FUZZ_CHECK(a == b && strcmp(err1, err2) == 0);
	for (int i = 0; i < whole.n && i < MAX_KEEP; i++)
		FUZZ_CHECK(whole.keys[i] == pieces.keys[i] && whole.lens[i] == pieces.lens[i] &&
			   whole.sums[i] == pieces.sums[i]);
	return 0;
}
