// SPDX-License-Identifier: MIT
/*
 * ACPI headers and the subtable walker, on every real table of the shared
 * corpus (../shared/corpus): the header fields and the top-level subtables
 * (offset and type) must equal what iasl printed in the .dsl beside each
 * table. Then damaged headers and subtables, each with its diagnostic.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/corpus.h"

#include "acpi.h"
#include "dmar.h"
#include "iort.h"
#include "ivrs.h"


/* The value after "FieldName : " on the first such line of a .dsl. */
static bool dsl_field(const char *dsl, const char *name, char *out, size_t size)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "] %*s : ", 27, name);
	for (p = dsl; (p = strstr(p, name)); p++) {
		const char *colon = strstr(p, " : ");
		const char *eol = strchr(p, '\n');

		if (!colon || (eol && colon > eol) || colon != p + strlen(name))
			continue;
		colon += 3;
		size_t n = eol ? (size_t)(eol - colon) : strlen(colon);

		if (n >= size)
			n = size - 1;
		memcpy(out, colon, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

static unsigned long dsl_hex(const char *dsl, const char *name)
{
	char v[64];

	assert_true(dsl_field(dsl, name, v, sizeof(v)));
	return strtoul(v, NULL, 16);
}

/* A quoted .dsl string ("LENOVO") against our field, which iasl may trim. */
static void expect_quoted(const char *dsl, const char *name, const char *ours,
			  const char *path)
{
	char v[64];
	size_t n;

	assert_true(dsl_field(dsl, name, v, sizeof(v)));
	n = strlen(v);
	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return;	/* iasl printed non-text bytes differently: not compared */
	v[n - 1] = '\0';
	/* iasl shows a non-printable byte as a space and stops at a NUL. */
	char shown[16];
	size_t k;

	for (k = 0; ours[k] && k < sizeof(shown) - 1; k++)
		shown[k] = ours[k] >= 0x20 && ours[k] < 0x7f ? ours[k] : ' ';
	shown[k] = '\0';
	if (strcmp(v + 1, shown) != 0)
		fail_msg("%s: %s is \"%s\", iasl says %s", path, name, ours, v);
}

struct seen {
	size_t n;
	size_t offset[256];
	unsigned int type[256];
};

static int record(void *ctx, unsigned int type, struct cursor *entry)
{
	struct seen *s = ctx;

	if (s->n < 256) {
		s->offset[s->n] = entry->origin;
		s->type[s->n] = type;
		s->n++;
	}
	return 0;
}

/* iasl's top-level subtables: "[XXXh DDDD LLLh]  Subtable Type : TT [text]". */
static void dsl_subtables(const char *dsl, bool dmar, struct seen *s)
{
	s->n = 0;
	for (const char *p = dsl; (p = strstr(p, "Subtable Type : ")); p++) {
		const char *bol = p;

		while (bol > dsl && bol[-1] != '\n')
			bol--;
		const char *eol = strchr(p, '\n');
		char line[256];
		size_t n = eol ? (size_t)(eol - bol) : strlen(bol);

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, bol, n);
		line[n] = '\0';
		/* DMAR: 2-byte types; IVRS: only the IVHD and IVMD blocks. */
		if (dmar ? !strstr(line, " 002h]") : !strstr(line, "Definition Block"))
			continue;
		if (s->n < 256) {
			s->offset[s->n] = strtoul(line + 6, NULL, 10);
			s->type[s->n] = (unsigned int)strtoul(strstr(line, " : ") + 3, NULL, 16);
			s->n++;
		}
	}
}

static const struct subtable_layout dmar_layout = { "DMAR", 2, 2, 4 };
static const struct subtable_layout ivrs_layout = { "IVRS", 1, 2, 4 };

static void check_table(const char *dir, const char *sig, const char *manifest,
			size_t *counts)
{
	char path[1100];
	size_t len;
	char *buf, *dsl;
	struct acpi_header h;
	struct cursor body;
	struct resv_diags *d;

	if (!corpus_table(dir, sig, path, sizeof(path), &buf, &len, &dsl))
		return;
	assert_int_equal(resv_diags_new(&d), 0);
	if (acpi_header_parse(buf, len, &h, &body, d, path) < 0)
		fail_msg("%s: header refused: %s", path, resv_diags_get(d, 0)->message);

	assert_string_equal(h.signature, sig);
	if (h.length != dsl_hex(dsl, "Table Length") || h.revision != dsl_hex(dsl, "Revision") ||
	    h.checksum != dsl_hex(dsl, "Checksum") ||
	    h.oem_revision != dsl_hex(dsl, "Oem Revision") ||
	    h.creator_revision != dsl_hex(dsl, "Asl Compiler Revision"))
		fail_msg("%s: header numbers differ from the .dsl", path);
	expect_quoted(dsl, "Oem ID", h.oem_id, path);
	expect_quoted(dsl, "Oem Table ID", h.oem_table_id, path);
	expect_quoted(dsl, "Asl Compiler ID", h.creator_id, path);

	/* MANIFEST.tsv names the tables whose checksum does not validate. */
	const char *rel = strstr(dir, "corpus/") + strlen("corpus/");
	const char *row = strstr(manifest, rel);
	bool bad_sum = row && strstr(row, "checksum") &&
		       strstr(row, "checksum") < strchr(row, '\n');

	if (h.checksum_valid == bad_sum)
		fail_msg("%s: checksum_valid %d, MANIFEST says %s", path, h.checksum_valid,
			 bad_sum ? "bad" : "good");
	counts[0]++;

	if (strcmp(sig, "DMAR") == 0 || strcmp(sig, "IVRS") == 0) {
		bool dmar = sig[0] == 'D';
		struct seen ours = { 0 }, iasl;

		/* DMAR: width, flags, 10 reserved; IVRS: IVinfo, 8 reserved. */
		assert_int_equal(cur_skip(&body, 12), 0);
		acpi_walk_subtables(&body, dmar ? &dmar_layout : &ivrs_layout, record, &ours, d,
				    path);
		dsl_subtables(dsl, dmar, &iasl);
		/* iasl stops at a type it does not know; we walk past it by length. */
		const char *unknown = strstr(dsl, dmar ? "Unknown DMAR subtable type 0x" :
						    "Unknown IVRS subtable type 0x");

		if (unknown && ours.n > iasl.n &&
		    ours.type[iasl.n] == strtoul(strstr(unknown, "0x"), NULL, 16))
			ours.n = iasl.n;
		if (ours.n != iasl.n)
			fail_msg("%s: %zu subtables, iasl shows %zu", path, ours.n, iasl.n);
		for (size_t i = 0; i < ours.n; i++)
			if (ours.offset[i] != iasl.offset[i] || ours.type[i] != iasl.type[i])
				fail_msg("%s: subtable %zu at %zu type %#x; iasl: %zu type %#x", path,
					 i, ours.offset[i], ours.type[i], iasl.offset[i], iasl.type[i]);
		counts[1] += ours.n;
	}
	resv_diags_free(d);
	free(dsl);
	free(buf);
}

struct totals {
	const char *manifest;
	size_t counts[2];
};

static void check_machine(const char *dir, void *ctx)
{
	static const char *const sigs[] = { "DMAR", "IVRS", "IORT" };
	struct totals *tot = ctx;

	for (size_t i = 0; i < 3; i++)
		check_table(dir, sigs[i], tot->manifest, tot->counts);
}

static void test_corpus(void **state)
{
	struct totals tot = { 0 };
	size_t mlen;
	char *manifest = slurp(CORPUS "/MANIFEST.tsv", &mlen);

	(void)state;
	if (!manifest)
		skip();	/* no ../shared/corpus beside the source tree */
	tot.manifest = manifest;
	corpus_foreach(check_machine, &tot);
	free(manifest);
	print_message("corpus: %zu tables, %zu DMAR/IVRS subtables, all as iasl reads them\n",
		      tot.counts[0], tot.counts[1]);
	assert_true(tot.counts[0] >= 170);
}

/* ------------------------------------------------------------------------ */

/* A small valid DMAR: header, width/flags, one 24-byte DRHD, checksummed. */
static size_t make_table(uint8_t *t)
{
	static const uint8_t drhd[24] = { 0, 0, 24, 0, 1, 0, 0, 0, 0, 0, 0xd9, 0xfe };
	uint8_t sum = 0;

	memset(t, 0, 72);
	memcpy(t, "DMAR", 4);
	t[4] = 72;
	t[8] = 1;
	memcpy(t + 10, "OEMID ", 6);
	memcpy(t + 16, "TABLEID ", 8);
	memcpy(t + 28, "TEST", 4);
	t[36] = 38;
	memcpy(t + 48, drhd, sizeof(drhd));
	for (int i = 0; i < 72; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;
	return 72;
}

static const char *first_id(const struct resv_diags *d)
{
	return resv_diags_count(d) ? resv_diags_get(d, 0)->id : "none";
}

static void test_header_damage(void **state)
{
	uint8_t t[80];
	size_t len = make_table(t);
	struct acpi_header h;
	struct cursor body;
	struct resv_diags *d;

	(void)state;
	/* Intact. */
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(acpi_header_parse(t, len, &h, &body, d, "t"), 0);
	assert_true(h.checksum_valid);
	assert_string_equal(h.oem_id, "OEMID ");
	assert_int_equal(cur_left(&body), 36);
	assert_int_equal(resv_diags_count(d), 0);
	resv_diags_free(d);

	/* Cut anywhere inside the header: refused. */
	for (size_t cut = 0; cut < ACPI_HEADER_LEN; cut++) {
		assert_int_equal(resv_diags_new(&d), 0);
		assert_int_equal(acpi_header_parse(t, cut, &h, &body, d, "t"), -EBADMSG);
		assert_string_equal(first_id(d), "ACPI_HEADER_TRUNCATED");
		resv_diags_free(d);
	}
	/* Cut in the body: read what is there, say so. */
	for (size_t cut = ACPI_HEADER_LEN; cut < len; cut++) {
		assert_int_equal(resv_diags_new(&d), 0);
		assert_int_equal(acpi_header_parse(t, cut, &h, &body, d, "t"), 0);
		assert_string_equal(first_id(d), "ACPI_TABLE_TRUNCATED");
		assert_int_equal(cur_left(&body), cut - ACPI_HEADER_LEN);
		assert_false(h.checksum_valid);
		resv_diags_free(d);
	}
	/* Length fields 0, 1, header - 1: refused; 0xffff: truncated. */
	static const uint32_t lengths[] = { 0, 1, 35 };

	for (size_t i = 0; i < 3; i++) {
		uint8_t u[80];

		memcpy(u, t, len);
		u[4] = (uint8_t)lengths[i];
		assert_int_equal(resv_diags_new(&d), 0);
		assert_int_equal(acpi_header_parse(u, len, &h, &body, d, "t"), -EBADMSG);
		assert_string_equal(first_id(d), "ACPI_BAD_LENGTH");
		resv_diags_free(d);
	}
	t[4] = 0xff;
	t[5] = 0xff;
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(acpi_header_parse(t, len, &h, &body, d, "t"), 0);
	assert_string_equal(first_id(d), "ACPI_TABLE_TRUNCATED");
	assert_int_equal(cur_left(&body), len - ACPI_HEADER_LEN);
	resv_diags_free(d);

	/* A wrong checksum is a warning; trailing bytes too. */
	len = make_table(t);
	t[9]++;
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(acpi_header_parse(t, len, &h, &body, d, "t"), 0);
	assert_false(h.checksum_valid);
	assert_string_equal(first_id(d), "ACPI_BAD_CHECKSUM");
	assert_int_equal(resv_diags_get(d, 0)->severity, RESV_SEV_WARNING);
	resv_diags_free(d);
	len = make_table(t);
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(acpi_header_parse(t, len + 3, &h, &body, d, "t"), 0);
	assert_string_equal(first_id(d), "ACPI_TRAILING_BYTES");
	assert_true(h.checksum_valid);
	resv_diags_free(d);
}

static int count_only(void *ctx, unsigned int type, struct cursor *entry)
{
	(void)type;
	(void)entry;
	(*(int *)ctx)++;
	return 0;
}

static void test_walk_damage(void **state)
{
	/* Two DMAR subtables of 8 bytes each, then damage. */
	static const struct {
		const char *name;
		uint8_t bytes[24];
		size_t len;
		int walked;
		const char *diag;
	} cases[] = {
		{ "intact", { 1, 0, 8, 0, 0, 0, 0, 0, 2, 0, 8, 0 }, 16, 2, "none" },
		{ "length 0 stops", { 1, 0, 8, 0, 0, 0, 0, 0, 2, 0, 0, 0 }, 16, 1,
		  "ACPI_SUBTABLE_BAD_LENGTH" },
		{ "length 3, below the header", { 1, 0, 3, 0 }, 8, 0, "ACPI_SUBTABLE_BAD_LENGTH" },
		{ "length past the end", { 1, 0, 8, 0, 0, 0, 0, 0, 2, 0, 0xff, 0xff }, 16, 1,
		  "ACPI_SUBTABLE_PAST_END" },
		{ "header cut", { 1, 0, 8, 0, 0, 0, 0, 0, 2, 0, 8 }, 11, 1,
		  "ACPI_SUBTABLE_TRUNCATED" },
		{ "empty", { 0 }, 0, 0, "none" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cursor c = cursor_make(cases[i].bytes, cases[i].len, 48);
		struct resv_diags *d;
		int n = 0, rc;

		assert_int_equal(resv_diags_new(&d), 0);
		rc = acpi_walk_subtables(&c, &dmar_layout, count_only, &n, d, "t");
		if (rc != cases[i].walked || n != cases[i].walked ||
		    strcmp(first_id(d), cases[i].diag) != 0)
			fail_msg("%s: walked %d (rc %d), diag %s", cases[i].name, n, rc, first_id(d));
		if (resv_diags_count(d))
			assert_true(resv_diags_get(d, 0)->line >= 48);
		resv_diags_free(d);
	}
}

static void test_cursor(void **state)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };
	struct cursor c = cursor_make(b, sizeof(b), 100), sub;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	(void)state;
	assert_int_equal(cur_u16(&c, &v16), 0);
	assert_int_equal(v16, 0x0201);
	assert_int_equal(cur_sub(&c, 4, &sub), 0);
	assert_int_equal(sub.origin, 102);
	assert_int_equal(cur_u32(&sub, &v32), 0);
	assert_int_equal(v32, 0x06050403);
	assert_int_equal(cur_u8(&sub, (uint8_t *)&v16), -EBADMSG);	/* bounded */
	assert_int_equal(cur_u64(&c, &v64), -EBADMSG);	/* 3 left: refused, not moved */
	assert_int_equal(cur_pos(&c), 106);
	assert_int_equal(cur_uint(&c, 3, &v64), 0);
	assert_true(v64 == 0x090807);
	assert_int_equal(cur_skip(&c, 1), -EBADMSG);
	assert_int_equal(cur_left(&c), 0);
}

/*
 * A table given to the wrong parser names its signature in the message, and
 * those are firmware bytes: an escape sequence must come out as text (found
 * by fuzz-dmar, fuzz-ivrs and fuzz-iort).
 */
static void test_signature_escaped(void **state)
{
	uint8_t t[48] = { 0x1b, '[', '2', 'J', sizeof(t) };
	struct resv_diags *d;
	const struct resv_diag *g;
	struct dmar *dmar = NULL;
	struct ivrs *ivrs = NULL;
	struct iort *iort = NULL;

	(void)state;
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(dmar_parse(&dmar, t, sizeof(t), d, "t"), -EBADMSG);
	assert_int_equal(ivrs_parse(&ivrs, t, sizeof(t), d, "t"), -EBADMSG);
	assert_int_equal(iort_parse(&iort, t, sizeof(t), d, "t"), -EBADMSG);
	for (size_t i = 0; i < resv_diags_count(d); i++) {
		g = resv_diags_get(d, i);
		if (!strstr(g->id, "_SIGNATURE"))
			continue;
		assert_non_null(strstr(g->message, "signature \"\\x1b\\x5b2J\" is not"));
		for (const char *c = g->message; *c; c++)
			assert_true((unsigned char)*c >= 0x20);
		t[47]++;	/* counts the three */
	}
	assert_int_equal(t[47], 3);
	resv_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_signature_escaped),
		cmocka_unit_test(test_header_damage),
		cmocka_unit_test(test_walk_damage),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
