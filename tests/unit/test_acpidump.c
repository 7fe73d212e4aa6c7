// SPDX-License-Identifier: MIT
/*
 * acpidump text: every corpus table written the way ACPICA's acpidump
 * prints it ("SIG @ 0x%016X", then "%8.4X: " and "%02X " a byte, padding,
 * ASCII) and read back byte for byte, all in one file; then broken dumps.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/corpus.h"

#include "acpidump.h"


static void write_table(FILE *f, const char *sig, uint64_t addr, const uint8_t *b, size_t n)
{
	fprintf(f, "%s @ 0x%016llX\n", sig, (unsigned long long)addr);
	for (size_t off = 0; off < n; off += 16) {
		size_t k = n - off < 16 ? n - off : 16;

		fprintf(f, "%8.4zX: ", off);
		for (size_t i = 0; i < 16; i++)
			if (i < k)
				fprintf(f, "%02X ", b[off + i]);
			else
				fputs("   ", f);
		fputc(' ', f);
		for (size_t i = 0; i < k; i++)
			fputc(b[off + i] >= 0x20 && b[off + i] < 0x7f ? b[off + i] : '.', f);
		fputc('\n', f);
	}
	fputc('\n', f);
}

struct blob {
	char sig[5];
	uint8_t *data;
	size_t len;
};

struct dump {
	FILE *f;
	struct blob blobs[256];
	size_t n;
};

static void add_machine(const char *dir, void *ctx)
{
	static const char *const sigs[] = { "DMAR", "IVRS", "IORT" };
	struct dump *d = ctx;

	for (int s = 0; s < 3 && d->n < 256; s++) {
		char path[1100];
		struct blob *b = &d->blobs[d->n];

		snprintf(path, sizeof(path), "%s/%s.dat", dir, sigs[s]);
		b->data = (uint8_t *)slurp(path, &b->len);
		if (!b->data)
			continue;
		memcpy(b->sig, sigs[s], 5);
		d->n++;
		write_table(d->f, b->sig, 0x7a000000 + d->n * 0x1000, b->data, b->len);
	}
}

static void test_round_trip(void **state)
{
	static struct dump dump;
	size_t textlen = 0;
	char *text = NULL;
	struct acpidump_table *t;
	struct resv_diags *d;
	int n;

	(void)state;
	dump.n = 0;
	dump.f = open_memstream(&text, &textlen);
	corpus_foreach(add_machine, &dump);
	fclose(dump.f);
	if (dump.n == 0) {
		free(text);
		skip();
	}
	assert_int_equal(resv_diags_new(&d), 0);
	n = acpidump_parse(text, textlen, &t, d, "dump");
	assert_int_equal(n, (int)dump.n);
	assert_true(dump.n >= 170);
	for (size_t i = 0; i < dump.n; i++) {
		assert_string_equal(t[i].signature, dump.blobs[i].sig);
		assert_true(t[i].address == 0x7a000000 + (i + 1) * 0x1000);
		assert_int_equal(t[i].len, dump.blobs[i].len);
		assert_memory_equal(t[i].data, dump.blobs[i].data, dump.blobs[i].len);
		free(dump.blobs[i].data);
	}
	/* Every corpus table's length agrees with its header: no diagnostics. */
	assert_int_equal(resv_diags_count(d), 0);
	acpidump_free(t, (size_t)n);
	resv_diags_free(d);
	free(text);
}

/* A table over 64 KiB: acpidump's offsets grow to five digits. */
static void test_wide_offsets(void **state)
{
	size_t len = 70000, textlen;
	uint8_t *b = calloc(1, len);
	char *text = NULL;
	FILE *f = open_memstream(&text, &textlen);
	struct acpidump_table *t;
	int n;

	(void)state;
	memcpy(b, "SSDT", 4);
	b[4] = (uint8_t)len;
	b[5] = (uint8_t)(len >> 8);
	b[6] = (uint8_t)(len >> 16);
	for (size_t i = 36; i < len; i++)
		b[i] = (uint8_t)(i * 7);
	write_table(f, "SSDT", 0, b, len);
	fclose(f);
	assert_non_null(strstr(text, "   10000: "));
	n = acpidump_parse(text, textlen, &t, NULL, "wide");
	assert_int_equal(n, 1);
	assert_int_equal(t[0].len, len);
	assert_memory_equal(t[0].data, b, len);
	acpidump_free(t, 1);
	free(text);
	free(b);
}

struct broken {
	const char *name;
	const char *text;
	int tables;
	const char *diag;	/* first diagnostic, or NULL */
	size_t len0;		/* bytes of the first table kept */
};

/* A 40-byte "TEST" table whose header length says 40. */
#define T40 "TEST @ 0x0000000000001000\n" \
	"    0000: 54 45 53 54 28 00 00 00 01 00 41 42 43 44 45 46  TEST(.....ABCDEF\n" \
	"    0010: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n"

static const struct broken broken[] = {
	{ "whole", T40 "    0020: 00 00 00 00 00 00 00 00                          ........\n",
	  1, NULL, 40 },
	{ "CRLF", "TEST @ 0x0\r\n"
		  "    0000: 54 45 53 54 08 00 00 00                          TEST....\r\n",
	  1, NULL, 8 },
	{ "ASCII column that looks like hex",
	  "TEST @ 0x0\n    0000: 54 45 53 54 08 00 00 00                          AB CD EF 01 \n",
	  1, NULL, 8 },
	{ "offset gap drops the table",
	  T40 "    0028: 00 00 00 00 00 00 00 00                          ........\n", 0,
	  "ACPIDUMP_OFFSET", 0 },
	{ "bytes short of the header length", T40, 1, "ACPIDUMP_LENGTH", 32 },
	{ "dump line before any table", "    0000: 00 01\n", 0, "ACPIDUMP_NO_TABLE", 0 },
	{ "garbage inside a table",
	  "TEST @ 0x0\n    0000: 54 45 53 54 08 00 00 00  TEST....\nhello\n", 1,
	  "ACPIDUMP_BAD_LINE", 8 },
	{ "too short for a header", "TEST @ 0x0\n    0000: 54 45 53\n", 0,
	  "ACPIDUMP_SHORT_TABLE", 0 },
	{ "announced and actual signature differ",
	  "APIC @ 0x0\n    0000: 54 45 53 54 08 00 00 00\n", 1, "ACPIDUMP_SIGNATURE", 8 },
	{ "no tables at all", "acpidump: could not open /sys/firmware/acpi/tables\n", 0, NULL, 0 },
	{ "empty", "", 0, NULL, 0 },
};

static void test_broken(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		const struct broken *b = &broken[i];
		struct acpidump_table *t = NULL;
		struct resv_diags *d;
		int n;

		assert_int_equal(resv_diags_new(&d), 0);
		n = acpidump_parse(b->text, strlen(b->text), &t, d, "b");
		if (n != b->tables)
			fail_msg("%s: %d tables, expected %d", b->name, n, b->tables);
		if (b->diag ? !resv_diags_count(d) || strcmp(resv_diags_get(d, 0)->id, b->diag)
			    : resv_diags_count(d) != 0)
			fail_msg("%s: diagnostic %s, expected %s", b->name,
				 resv_diags_count(d) ? resv_diags_get(d, 0)->id : "none",
				 b->diag ? b->diag : "none");
		if (n > 0 && t[0].len != b->len0)
			fail_msg("%s: %zu bytes, expected %zu", b->name, t[0].len, b->len0);
		acpidump_free(t, n > 0 ? (size_t)n : 0);
		resv_diags_free(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_wide_offsets),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
