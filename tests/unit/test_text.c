// SPDX-License-Identifier: MIT
/*
 * Region text: the strict reserved_regions reader, the calculator's reader,
 * and byte-exact round trips of real reserved_regions samples
 * (corpus/sysfs-samples.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <iommu-resv.h>

struct parse_case {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	int bad;		/* expected return: number of bad lines */
	size_t regions;		/* regions kept */
	const char *diag_id;	/* first diagnostic, or NULL for none */
	uint64_t diag_line;
};

#define L(a, b, t) "0x" a " 0x" b " " t "\n"

static const struct parse_case sysfs_cases[] = {
	{ "empty file", "", 0, 0, 0, NULL, 0 },
	{ "one line", L("00000000fee00000", "00000000feefffff", "msi"), 0, 0, 1, NULL, 0 },
	{ "every type",
	  L("0000000000000000", "0000000000ffffff", "direct-relaxable")
	  L("00000000bdf6e000", "00000000bdf84fff", "direct")
	  L("00000000fee00000", "00000000feefffff", "msi")
	  L("000000fd00000000", "000000ffffffffff", "reserved"), 0, 0, 4, NULL, 0 },
	{ "top of the space", L("ffffffffffffffff", "ffffffffffffffff", "reserved"), 0, 0, 1,
	  NULL, 0 },
	{ "upper-case hex", L("00000000FEE00000", "00000000feefffff", "msi"), 0, 1, 0,
	  "SYSFS_BAD_LINE", 1 },
	{ "15 digits", "0x0000000fee00000 0x00000000feefffff msi\n", 0, 1, 0, "SYSFS_BAD_LINE", 1 },
	{ "17 digits", "0x000000000fee00000 0x00000000feefffff msi\n", 0, 1, 0, "SYSFS_BAD_LINE", 1 },
	{ "no 0x", "0000000000fee00000 0x00000000feefffff msi\n", 0, 1, 0, "SYSFS_BAD_LINE", 1 },
	{ "tab separator", "0x00000000fee00000\t0x00000000feefffff msi\n", 0, 1, 0,
	  "SYSFS_BAD_LINE", 1 },
	{ "two spaces", "0x00000000fee00000  0x00000000feefffff msi\n", 0, 1, 0,
	  "SYSFS_BAD_LINE", 1 },
	{ "trailing space", "0x00000000fee00000 0x00000000feefffff msi \n", 0, 1, 0,
	  "SYSFS_BAD_LINE", 1 },
	{ "CRLF", "0x00000000fee00000 0x00000000feefffff msi\r\n", 0, 1, 0, "SYSFS_BAD_LINE", 1 },
	{ "sw-msi is never printed by the kernel", L("0000000008000000", "00000000080fffff", "sw-msi"),
	  0, 1, 0, "SYSFS_BAD_LINE", 1 },
	{ "unknown type", L("0000000008000000", "00000000080fffff", "direct-relaxed"), 0, 1, 0,
	  "SYSFS_BAD_LINE", 1 },
	{ "missing type", "0x0000000008000000 0x00000000080fffff \n", 0, 1, 0, "SYSFS_BAD_LINE", 1 },
	{ "inverted range", L("0000000080000000", "000000007ffffffe", "direct"), 0, 1, 0,
	  "SYSFS_BAD_LINE", 1 },
	{ "zero length: the kernel prints last = start - 1",
	  L("000000001ffe5000", "000000001ffe4fff", "direct"), 0, 0, 1, NULL, 0 },
	{ "zero length at 0 prints as the whole space", L("0000000000000000", "ffffffffffffffff",
	  "direct"), 0, 0, 1, NULL, 0 },
	{ "no final newline: the region is kept, with a warning",
	  "0x00000000fee00000 0x00000000feefffff msi", 0, 0, 1, "SYSFS_NO_NEWLINE", 1 },
	{ "no final newline on the second line",
	  L("0000000000000000", "0000000000000fff", "direct")
	  "0x00000000fee00000 0x00000000feefffff msi", 0, 0, 2, "SYSFS_NO_NEWLINE", 2 },
	{ "no final newline, and malformed", "0x00000000fee00000 0x00000000feefffff ms", 0, 1, 0,
	  "SYSFS_BAD_LINE", 1 },
	{ "blank line", "\n", 0, 1, 0, "SYSFS_BAD_LINE", 1 },
	{ "NUL inside", "0x00000000fee00000 0x00000000feefffff m\0si\n", 43, 1, 0,
	  "SYSFS_BAD_LINE", 1 },
	{ "a bad line among good ones: the others are kept",
	  L("0000000000001000", "0000000000001fff", "direct")
	  "garbage\n"
	  L("00000000fee00000", "00000000feefffff", "msi"), 0, 1, 2, "SYSFS_BAD_LINE", 2 },
	{ "out of kernel order: warning, kept",
	  L("00000000fee00000", "00000000feefffff", "msi")
	  L("0000000000001000", "0000000000001fff", "direct"), 0, 0, 2, "SYSFS_UNSORTED", 2 },
	{ "same start, type order descending: warning",
	  L("0000000000001000", "0000000000001fff", "reserved")
	  L("0000000000001000", "0000000000001fff", "direct"), 0, 0, 2, "SYSFS_UNSORTED", 2 },
	{ "a kernel page cut mid-line (TV16)",
	  L("00000000fee00000", "00000000feefffff", "msi") "0x00000000fef00000 0x00", 0, 1, 1,
	  "SYSFS_BAD_LINE", 2 },
};

static const struct parse_case region_cases[] = {
	{ "kernel text is valid input",
	  L("00000000fee00000", "00000000feefffff", "msi"), 0, 0, 1, NULL, 0 },
	{ "decimal, hex, comments, blank lines, tabs",
	  "# a comment\n\n4096 8191 direct\n\t0X2000  0x2FFF\tsw-msi  # trailing\n  \n", 0, 0, 2,
	  NULL, 0 },
	{ "no final newline", "0 0 reserved", 0, 0, 1, NULL, 0 },
	{ "CRLF", "0 0 reserved\r\n", 0, 0, 1, NULL, 0 },
	{ "the whole space", "0 0xffffffffffffffff reserved\n", 0, 0, 1, NULL, 0 },
	{ "2^64 overflows", "0 18446744073709551616 reserved\n", 0, 1, 0, "REGIONS_BAD_LINE", 1 },
	{ "0x1_0000_0000_0000_0000 overflows", "0 0x10000000000000000 reserved\n", 0, 1, 0,
	  "REGIONS_BAD_LINE", 1 },
	{ "negative", "-1 5 reserved\n", 0, 1, 0, "REGIONS_BAD_LINE", 1 },
	{ "bare 0x", "0x 5 reserved\n", 0, 1, 0, "REGIONS_BAD_LINE", 1 },
	{ "hex digits without 0x", "ff 100 reserved\n", 0, 1, 0, "REGIONS_BAD_LINE", 1 },
	{ "two fields", "0 5\n", 0, 1, 0, "REGIONS_BAD_LINE", 1 },
	{ "four fields", "0 5 msi extra\n", 0, 1, 0, "REGIONS_BAD_LINE", 1 },
	{ "unknown type", "\n0 5 MSI\n", 0, 1, 0, "REGIONS_BAD_LINE", 2 },
	{ "inverted", "5 4 msi\n", 0, 1, 0, "REGIONS_BAD_LINE", 1 },
	{ "NUL", "0 5 m\0si\n", 9, 1, 0, "REGIONS_BAD_LINE", 1 },
};

static void run_cases(const struct parse_case *cases, size_t n, bool sysfs)
{
	for (size_t c = 0; c < n; c++) {
		const struct parse_case *pc = &cases[c];
		size_t len = pc->len ? pc->len : strlen(pc->text);
		struct resv_list *l;
		struct resv_diags *d;
		int rc;

		assert_int_equal(resv_list_new(&l), 0);
		assert_int_equal(resv_diags_new(&d), 0);
		rc = sysfs ? resv_parse_sysfs(l, pc->text, len, "f", "0000:00:02.0", d)
			   : resv_parse_regions(l, pc->text, len, "f", d);
		if (rc != pc->bad || resv_list_count(l) != pc->regions)
			fail_msg("%s: rc %d, %zu regions; expected %d, %zu", pc->name, rc,
				 resv_list_count(l), pc->bad, pc->regions);
		if (!pc->diag_id) {
			if (resv_diags_count(d))
				fail_msg("%s: unexpected diagnostic %s: %s", pc->name,
					 resv_diags_get(d, 0)->id, resv_diags_get(d, 0)->message);
		} else {
			const struct resv_diag *g = resv_diags_get(d, 0);

			if (!g || strcmp(g->id, pc->diag_id) || g->line != pc->diag_line ||
			    strcmp(g->where, "f") || g->group != -1)
				fail_msg("%s: diagnostic %s line %" PRIu64 ", expected %s line %" PRIu64,
					 pc->name, g ? g->id : "none", g ? g->line : 0, pc->diag_id,
					 pc->diag_line);
			assert_true(strlen(g->message) > 10);
			/* A bad line is an error; an unsorted list only a warning. */
			assert_int_equal(g->severity, pc->bad ? RESV_SEV_ERROR : RESV_SEV_WARNING);
		}
		if (sysfs && pc->regions)
			assert_string_equal(resv_list_source(l, resv_list_region(l, 0)->sources[0])->device,
					    "0000:00:02.0");
		resv_diags_free(d);
		resv_list_free(l);
	}
}

static void test_parse_sysfs(void **state)
{
	(void)state;
	run_cases(sysfs_cases, sizeof(sysfs_cases) / sizeof(sysfs_cases[0]), true);
}

static void test_parse_regions(void **state)
{
	(void)state;
	run_cases(region_cases, sizeof(region_cases) / sizeof(region_cases[0]), false);
}

/* Real files: parse, take the kernel view, print: the same bytes back. */
static const char *const samples[] = {
	/* HP ProLiant DL388p Gen8, group 19 (sysfs-samples.md 1) */
	"0x0000000000000000 0x0000000000ffffff direct\n"
	"0x00000000bdf6e000 0x00000000bdf84fff direct\n"
	"0x00000000fee00000 0x00000000feefffff msi\n",
	/* SolidRun HoneyComb LX2K, overlapping lines of different types (2) */
	"0x0000000001000000 0x0000000010ffffff direct-relaxable\n"
	"0x0000000008000000 0x00000000080fffff msi\n"
	"0x000000080c000000 0x000000081bffffff direct-relaxable\n"
	"0x0000001c00000000 0x0000001c001fffff direct-relaxable\n"
	"0x0000002080000000 0x000000209fffffff direct-relaxable\n",
	/* AMD host (3) */
	"0x00000000fee00000 0x00000000feefffff msi\n"
	"0x000000fd00000000 0x000000ffffffffff reserved\n",
	/* Intel NIC, no RMRR (4) */
	"0x00000000fee00000 0x00000000feefffff msi\n",
	/* Linux 6.12 under QEMU (the bench), a zero-length IVMD at 0x1ffe4800 */
	"0x000000001ffe5000 0x000000001ffe4fff direct\n"
	"0x00000000fee00000 0x00000000feefffff msi\n"
	"0x000000fd00000000 0x000000ffffffffff reserved\n",
	/* a zero-length region inside a direct one of the same start */
	"0x000000001ffe5000 0x000000001ffe4fff direct\n"
	"0x000000001ffe5000 0x000000001ffe5fff direct-relaxable\n",
};

static void test_sysfs_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		struct resv_list *l, *k;
		char *text;
		size_t len;

		assert_int_equal(resv_list_new(&l), 0);
		assert_int_equal(resv_parse_sysfs(l, samples[i], strlen(samples[i]), "s", NULL,
						  NULL), 0);
		assert_int_equal(resv_list_kernel_view(&k, l, NULL), 0);
		assert_int_equal(resv_format_sysfs(k, &text, &len), 0);
		assert_string_equal(text, samples[i]);
		assert_int_equal(len, strlen(samples[i]));
		free(text);
		resv_list_free(k);
		resv_list_free(l);
	}
}

/* 98 msi lines of 42 bytes, cut at 4095 bytes as newer kernels do (TV16). */
static void test_page_truncated(void **state)
{
	char buf[98 * 42 + 1];
	size_t len = 0;
	struct resv_list *l;
	struct resv_diags *d;

	(void)state;
	for (int i = 0; i < 98; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"0x%016x 0x%016x msi\n", 0x1000 * 2 * i, 0x1000 * 2 * i + 0xfff);
	assert_int_equal(len, 4116);
	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(resv_parse_sysfs(l, buf, 4095, "rr", NULL, d), 1);
	assert_int_equal(resv_list_count(l), 97);
	assert_int_equal(resv_diags_count(d), 1);
	assert_string_equal(resv_diags_get(d, 0)->id, "SYSFS_PAGE_TRUNCATED");
	assert_int_equal(resv_diags_get(d, 0)->line, 98);
	resv_diags_free(d);
	resv_list_free(l);
}

/*
 * Every byte value at every digit position of both addresses: the strict
 * reader takes exactly [0-9a-f] (eight digits are checked at once, so each
 * lane must fail alone), with the value the digit has; the calculator's
 * reader gives the same region, or reads the line its general way (any
 * case of hex), and never a different value.
 */
static void test_kernel_hex_bytes(void **state)
{
	static const char base[] = "0x0123456789abcdef 0xfedcba9876543210 direct\n";

	(void)state;
	for (size_t pos = 0; pos < 32; pos++) {
		size_t at = pos < 16 ? 2 + pos : 21 + (pos - 16);

		for (int c = 0; c < 256; c++) {
			char line[sizeof(base)];
			bool digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
			bool upper = c >= 'A' && c <= 'F';
			struct resv_list *l, *r;
			uint64_t want[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
			int shift = 4 * (15 - (int)(pos % 16));
			uint64_t value = digit ? (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10) :
					 (uint64_t)(c - 'A' + 10);

			memcpy(line, base, sizeof(base));
			line[at] = (char)c;
			want[pos / 16] = (want[pos / 16] & ~(0xfull << shift)) | value << shift;
			assert_int_equal(resv_list_new(&l), 0);
			assert_int_equal(resv_list_new(&r), 0);
			/* A '\n' makes two bad lines of one. */
			assert_int_equal(resv_parse_sysfs(l, line, sizeof(base) - 1, "s", NULL, NULL),
					 digit ? 0 : c == '\n' ? 2 : 1);
			if (digit) {
				assert_int_equal(resv_list_region(l, 0)->start, want[0]);
				assert_int_equal(resv_list_region(l, 0)->last, want[1]);
			}
			/*
			 * The calculator: lower or upper case reads, and a blank
			 * in place of a last digit ends a shorter number; anything
			 * else does not read.
			 */
			bool blank_end = (c == ' ' || c == '\t' || c == '\r') && pos % 16 == 15;

			if (blank_end)
				want[pos / 16] = (pos < 16 ? 0x0123456789abcdefull :
					0xfedcba9876543210ull) >> 4;
			assert_int_equal(resv_parse_regions(r, line, sizeof(base) - 1, "r", NULL),
					 digit || upper || blank_end ? 0 : c == '\n' ? 2 : 1);
			if (digit || upper || blank_end) {
				assert_int_equal(resv_list_region(r, 0)->start, want[0]);
				assert_int_equal(resv_list_region(r, 0)->last, want[1]);
			}
			resv_list_free(l);
			resv_list_free(r);
		}
	}
}

/* Each region keeps its file and line as numbers; the strings are shared. */
static void test_line_provenance(void **state)
{
	static const char text[] = "# a comment\n"
				   "0x0000000000001000 0x0000000000001fff direct\n"
				   "\n"
				   "0x3000 0x3fff msi\n"
				   "0x0000000000005000 0x0000000000005fff reserved\n";
	struct resv_list *l;
	uint64_t lines[] = { 2, 4, 5 };

	(void)state;
	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_parse_regions(l, text, strlen(text), "in.txt", NULL), 0);
	assert_int_equal(resv_list_count(l), 3);
	for (size_t i = 0; i < 3; i++) {
		const struct resv_region *r = resv_list_region(l, i);
		const struct resv_source *s = resv_list_source(l, r->sources[0]);

		assert_int_equal(r->nsources, 1);
		assert_string_equal(s->origin, "in.txt");
		assert_null(s->device);
		assert_int_equal(s->line, lines[i]);
		assert_ptr_equal(s->origin, resv_list_source(l, 0)->origin);
	}
	/* A second file in the same list: its own origin, lines from 1. */
	assert_int_equal(resv_parse_sysfs(l, text + 12, 45, "rr", "0000:00:02.0", NULL), 0);
	const struct resv_source *s = resv_list_source(l, resv_list_region(l, 3)->sources[0]);

	assert_string_equal(s->origin, "rr");
	assert_string_equal(s->device, "0000:00:02.0");
	assert_int_equal(s->line, 1);
	resv_list_free(l);
}

static void test_format_zero_length(void **state)
{
	struct resv_list *l;
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_list_add_length(l, 0, 0, RESV_TYPE_DIRECT, 0, NULL, NULL), 0);
	assert_int_equal(resv_list_add(l, 0, UINT64_MAX, RESV_TYPE_SW_MSI, 0, NULL, NULL), 0);
	assert_int_equal(resv_format_sysfs(l, &text, &len), 0);
	assert_string_equal(text, "0x0000000000000000 0xffffffffffffffff direct\n"
				  "0x0000000000000000 0xffffffffffffffff msi\n");
	free(text);
	resv_list_free(l);
}

static void test_diags(void **state)
{
	struct resv_diags *d;

	(void)state;
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(resv_diags_max_severity(d), -1);
	assert_null(resv_diags_get(d, 0));
	assert_int_equal(resv_diags_count(NULL), 0);
	resv_diags_free(d);
	resv_diags_free(NULL);
}

/* resv_escape: what reaches a terminal from files is printable. */
static void test_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "0000:00:14.0", "0000:00:14.0" },
		{ "\\_SB.PCI0", "\\_SB.PCI0" },			/* backslash kept */
		{ "a\033[2Jb", "a\\x1b[2Jb" },			/* C0 */
		{ "\t\n\r\177", "\\x09\\x0a\\x0d\\x7f" },
		{ "\302\233x", "\\xc2\\x9bx" },			/* C1 CSI as UTF-8 */
		{ "caf\303\251 \360\237\230\200", "caf\303\251 \360\237\230\200" },
		{ "\200\277\300\257", "\\x80\\xbf\\xc0\\xaf" },	/* stray, overlong */
		{ "\355\240\200", "\\xed\\xa0\\x80" },		/* a surrogate */
		{ "\364\220\200\200", "\\xf4\\x90\\x80\\x80" },	/* past U+10FFFF */
		{ "\303", "\\xc3" },				/* cut short */
		{ "", "" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = resv_escape(buf, sizeof(buf), cases[i].in);

		assert_string_equal(buf, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
		assert_int_equal(resv_escape(NULL, 0, cases[i].in), n);
	}
	/* Short buffers: whole escapes and characters only, always terminated. */
	assert_int_equal(resv_escape(buf, 4, "a\033b"), 6);
	assert_string_equal(buf, "a");
	assert_int_equal(resv_escape(buf, 3, "\303\251\303\251"), 4);
	assert_string_equal(buf, "\303\251");
	assert_int_equal(resv_escape(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(resv_escape(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], 'z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_parse_sysfs),
		cmocka_unit_test(test_parse_regions),
		cmocka_unit_test(test_sysfs_round_trip),
		cmocka_unit_test(test_page_truncated),
		cmocka_unit_test(test_kernel_hex_bytes),
		cmocka_unit_test(test_line_provenance),
		cmocka_unit_test(test_format_zero_length),
		cmocka_unit_test(test_diags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
