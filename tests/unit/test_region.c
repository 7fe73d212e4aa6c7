// SPDX-License-Identifier: MIT
/*
 * Region lists and the kernel / resolved views, by table: the kernel's test
 * vectors (reference/kernel-semantics.md §9), real reserved_regions samples,
 * every pair of types in every relation, and the 0 / UINT64_MAX edges.
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

#include <iommu-resv.h>

#define M UINT64_MAX
#define D RESV_TYPE_DIRECT
#define R RESV_TYPE_DIRECT_RELAXABLE
#define V RESV_TYPE_RESERVED
#define I RESV_TYPE_MSI
#define S RESV_TYPE_SW_MSI

struct in_region {
	uint64_t start, last;
	enum resv_type type;
	uint32_t prot;
	bool zero;		/* add with length 0 at start */
};

#define END { 1, 0, 0, 0, false }	/* start > last ends a list */

static struct resv_list *make_list(const struct in_region *in)
{
	struct resv_list *l;
	char origin[32];

	assert_int_equal(resv_list_new(&l), 0);
	for (int i = 0; !(in[i].start > in[i].last && !in[i].zero); i++) {
		snprintf(origin, sizeof(origin), "in#%d", i);
		if (in[i].zero)
			assert_int_equal(resv_list_add_length(l, in[i].start, 0, in[i].type,
							      in[i].prot, origin, NULL), 0);
		else
			assert_int_equal(resv_list_add(l, in[i].start, in[i].last, in[i].type,
						       in[i].prot, origin, NULL), 0);
	}
	return l;
}

static char *sysfs_text(const struct resv_list *l)
{
	char *s;
	size_t len;

	assert_int_equal(resv_format_sysfs(l, &s, &len), 0);
	assert_int_equal(strlen(s), len);
	return s;
}

/* Our own names (sw-msi distinct), "start last type" a line. */
static char *our_text(const struct resv_list *l)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	for (size_t i = 0; i < resv_list_count(l); i++) {
		const struct resv_region *r = resv_list_region(l, i);

		fprintf(f, "0x%" PRIx64 " 0x%" PRIx64 " %s\n", r->start, r->last,
			resv_type_name(r->type));
	}
	fclose(f);
	return s;
}

/* ------------------------------------------------------------------------ */

struct view_case {
	const char *name;
	struct in_region in[12];
	const char *kernel;	/* exact sysfs text */
	unsigned int quirks;
	const char *resolved;	/* our_text() of the resolved view */
};

static const struct view_case view_cases[] = {
	{ "TV1 adjacent same type merges",
	  { { 0x0, 0xfff, D }, { 0x1000, 0x1fff, D }, END },
	  "0x0000000000000000 0x0000000000001fff direct\n", 0,
	  "0x0 0x1fff direct\n" },
	{ "TV2 one-byte gap does not merge",
	  { { 0x1000, 0x1ffe, V }, { 0x2000, 0x2fff, V }, END },
	  "0x0000000000001000 0x0000000000001ffe reserved\n"
	  "0x0000000000002000 0x0000000000002fff reserved\n", 0,
	  "0x1000 0x1ffe reserved\n0x2000 0x2fff reserved\n" },
	{ "TV3 sorted by start, contained same type absorbed",
	  { { 0x1000, 0x1fff, V }, { 0x3000, 0x3fff, V }, { 0x0, 0x5fff, I },
	    { 0x0, 0xfff, I }, END },
	  "0x0000000000000000 0x0000000000005fff msi\n"
	  "0x0000000000001000 0x0000000000001fff reserved\n"
	  "0x0000000000003000 0x0000000000003fff reserved\n", 0,
	  "0x0 0x5fff msi\n0x1000 0x1fff reserved\n0x3000 0x3fff reserved\n" },
	{ "TV4 different types never merge, tie broken by type",
	  { { 0x1000, 0x1fff, V }, { 0x1000, 0x2fff, D }, { 0x0, 0x5fff, I }, END },
	  "0x0000000000000000 0x0000000000005fff msi\n"
	  "0x0000000000001000 0x0000000000002fff direct\n"
	  "0x0000000000001000 0x0000000000001fff reserved\n", 0,
	  "0x0 0x5fff msi\n0x1000 0x2fff direct\n0x1000 0x1fff reserved\n" },
	{ "TV5 sw-msi and msi both print msi",
	  { { 0x8000000, 0x80fffff, S }, { 0xc6010000, 0xc601ffff, I }, END },
	  "0x0000000008000000 0x00000000080fffff msi\n"
	  "0x00000000c6010000 0x00000000c601ffff msi\n", 0,
	  "0x8000000 0x80fffff sw-msi\n0xc6010000 0xc601ffff msi\n" },
	{ "TV5 same range as msi and sw-msi: two identical lines, msi first",
	  { { 0x8000000, 0x80fffff, S }, { 0x8000000, 0x80fffff, I }, END },
	  "0x0000000008000000 0x00000000080fffff msi\n"
	  "0x0000000008000000 0x00000000080fffff msi\n", 0,
	  "0x8000000 0x80fffff msi\n0x8000000 0x80fffff sw-msi\n" },
	{ "TV6 two devices' direct regions merge",
	  { { 0x1000, 0x2fff, D }, { 0x2000, 0x4fff, D }, END },
	  "0x0000000000001000 0x0000000000004fff direct\n", 0,
	  "0x1000 0x4fff direct\n" },
	{ "TV7 GPU and NIC share an RMRR: kernel lists both, resolved drops relaxable",
	  { { 0x7b800000, 0x7fffffff, R }, { 0xfee00000, 0xfeefffff, I },
	    { 0x7b800000, 0x7fffffff, D }, { 0xfee00000, 0xfeefffff, I }, END },
	  "0x000000007b800000 0x000000007fffffff direct\n"
	  "0x000000007b800000 0x000000007fffffff direct-relaxable\n"
	  "0x00000000fee00000 0x00000000feefffff msi\n", 0,
	  "0x7b800000 0x7fffffff direct\n0xfee00000 0xfeefffff msi\n" },
	{ "TV8 ISA bridge floppy region",
	  { { 0x0, 0xffffff, R }, { 0xfee00000, 0xfeefffff, I }, END },
	  "0x0000000000000000 0x0000000000ffffff direct-relaxable\n"
	  "0x00000000fee00000 0x00000000feefffff msi\n", 0,
	  "0x0 0xffffff direct-relaxable\n0xfee00000 0xfeefffff msi\n" },
	{ "TV9 AMD unity map, MSI, HyperTransport hole",
	  { { 0x9d000000, 0x9d000fff, D }, { 0xfee00000, 0xfeefffff, I },
	    { 0xfd00000000, 0xffffffffff, V }, END },
	  "0x000000009d000000 0x000000009d000fff direct\n"
	  "0x00000000fee00000 0x00000000feefffff msi\n"
	  "0x000000fd00000000 0x000000ffffffffff reserved\n", 0,
	  "0x9d000000 0x9d000fff direct\n0xfee00000 0xfeefffff msi\n"
	  "0xfd00000000 0xffffffffff reserved\n" },
	{ "TV12 region ending at UINT64_MAX keeps a contained one apart (kernel only)",
	  { { 0xfffffffffffff000, M, D }, { 0xfffffffffffff800, 0xfffffffffffff8ff, D }, END },
	  "0xfffffffffffff000 0xffffffffffffffff direct\n"
	  "0xfffffffffffff800 0xfffffffffffff8ff direct\n", RESV_QUIRK_TOP_WRAP,
	  "0xfffffffffffff000 0xffffffffffffffff direct\n" },
	{ "TV13 zero-length region prints last = start - 1",
	  { { 0x80000000, 0x80000000, D, 0, true }, END },
	  "0x0000000080000000 0x000000007fffffff direct\n", RESV_QUIRK_ZERO_LENGTH,
	  "" },
	{ "zero-length region at 0 prints as the whole space",
	  { { 0x0, 0x0, V, 0, true }, END },
	  "0x0000000000000000 0xffffffffffffffff reserved\n", RESV_QUIRK_ZERO_LENGTH,
	  "" },
	{ "a wrapped region at 0 still absorbs a region starting at 0",
	  { { 0x0, M, V }, { 0x0, 0x10, V }, { 0x5, 0x6, V }, END },
	  "0x0000000000000000 0xffffffffffffffff reserved\n"
	  "0x0000000000000005 0x0000000000000006 reserved\n", RESV_QUIRK_TOP_WRAP,
	  "0x0 0xffffffffffffffff reserved\n" },
	{ "HoneyComb LX2K (sysfs-samples.md 2): sw-msi splits a relaxable RMR",
	  { { 0x1000000, 0x10ffffff, R }, { 0x8000000, 0x80fffff, S },
	    { 0x80c000000, 0x81bffffff, R }, { 0x1c00000000, 0x1c001fffff, R },
	    { 0x2080000000, 0x209fffffff, R }, END },
	  "0x0000000001000000 0x0000000010ffffff direct-relaxable\n"
	  "0x0000000008000000 0x00000000080fffff msi\n"
	  "0x000000080c000000 0x000000081bffffff direct-relaxable\n"
	  "0x0000001c00000000 0x0000001c001fffff direct-relaxable\n"
	  "0x0000002080000000 0x000000209fffffff direct-relaxable\n", 0,
	  "0x1000000 0x7ffffff direct-relaxable\n0x8000000 0x80fffff sw-msi\n"
	  "0x8100000 0x10ffffff direct-relaxable\n0x80c000000 0x81bffffff direct-relaxable\n"
	  "0x1c00000000 0x1c001fffff direct-relaxable\n"
	  "0x2080000000 0x209fffffff direct-relaxable\n" },
	{ "HP DL388p Gen8 LPC bridge (sysfs-samples.md 1), later kernels' type",
	  { { 0x0, 0xffffff, R }, { 0xbdf6e000, 0xbdf84fff, D },
	    { 0xfee00000, 0xfeefffff, I }, END },
	  "0x0000000000000000 0x0000000000ffffff direct-relaxable\n"
	  "0x00000000bdf6e000 0x00000000bdf84fff direct\n"
	  "0x00000000fee00000 0x00000000feefffff msi\n", 0,
	  "0x0 0xffffff direct-relaxable\n0xbdf6e000 0xbdf84fff direct\n"
	  "0xfee00000 0xfeefffff msi\n" },
	{ "relaxable cut by several regions of several types, touching and apart",
	  { { 0x0, 0xffff, R }, { 0x0, 0xff, D }, { 0x100, 0x1ff, V },
	    { 0x1000, 0x1fff, I }, { 0x3000, 0x3fff, S }, { 0x3800, 0x4fff, R },
	    { 0xffff, 0x10fff, V }, END },
	  "0x0000000000000000 0x00000000000000ff direct\n"
	  "0x0000000000000000 0x000000000000ffff direct-relaxable\n"
	  "0x0000000000000100 0x00000000000001ff reserved\n"
	  "0x0000000000001000 0x0000000000001fff msi\n"
	  "0x0000000000003000 0x0000000000003fff msi\n"
	  "0x000000000000ffff 0x0000000000010fff reserved\n", 0,
	  "0x0 0xff direct\n0x100 0x1ff reserved\n0x200 0xfff direct-relaxable\n"
	  "0x1000 0x1fff msi\n0x2000 0x2fff direct-relaxable\n0x3000 0x3fff sw-msi\n"
	  "0x4000 0xfffe direct-relaxable\n0xffff 0x10fff reserved\n" },
	{ "relaxable over the whole space minus both ends",
	  { { 0x0, M, R }, { 0x0, 0x0, D }, { M, M, V }, END },
	  "0x0000000000000000 0x0000000000000000 direct\n"
	  "0x0000000000000000 0xffffffffffffffff direct-relaxable\n"
	  "0xffffffffffffffff 0xffffffffffffffff reserved\n", 0,
	  "0x0 0x0 direct\n0x1 0xfffffffffffffffe direct-relaxable\n"
	  "0xffffffffffffffff 0xffffffffffffffff reserved\n" },
	{ "empty list", { END }, "", 0, "" },
};

static void test_view_vectors(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(view_cases) / sizeof(view_cases[0]); c++) {
		const struct view_case *vc = &view_cases[c];
		struct resv_list *in = make_list(vc->in), *k, *res;
		unsigned int quirks = ~0u;
		char *text;

		assert_int_equal(resv_list_kernel_view(&k, in, &quirks), 0);
		text = sysfs_text(k);
		if (strcmp(text, vc->kernel) != 0 || quirks != vc->quirks)
			fail_msg("%s: kernel view\n%s\nexpected\n%s\nquirks %#x expected %#x",
				 vc->name, text, vc->kernel, quirks, vc->quirks);
		free(text);

		assert_int_equal(resv_list_resolved_view(&res, in), 0);
		text = our_text(res);
		if (strcmp(text, vc->resolved) != 0)
			fail_msg("%s: resolved view\n%s\nexpected\n%s", vc->name, text,
				 vc->resolved);
		free(text);
		resv_list_free(res);
		resv_list_free(k);
		resv_list_free(in);
	}
}

/* ------------------------------------------------------------------------ */
/* Every pair of types in every relation                                     */

enum relation { OVERLAP, TOUCH, NESTED, IDENTICAL, NRELATIONS };
static const char *const relation_names[] = { "overlapping", "touching", "nested",
					      "identical" };
/* A = first, B = second, for each relation. */
static const struct resv_range rel_a[] = { { 0x1000, 0x2fff }, { 0x1000, 0x1fff },
					   { 0x1000, 0x4fff }, { 0x1000, 0x1fff } };
static const struct resv_range rel_b[] = { { 0x2000, 0x3fff }, { 0x2000, 0x2fff },
					   { 0x2000, 0x2fff }, { 0x1000, 0x1fff } };

/* A minus B, as our_text() lines of type @t. */
static void minus(FILE *f, struct resv_range a, struct resv_range b, enum resv_type t)
{
	if (b.last < a.start || b.start > a.last) {
		fprintf(f, "0x%" PRIx64 " 0x%" PRIx64 " %s\n", a.start, a.last, resv_type_name(t));
		return;
	}
	if (a.start < b.start)
		fprintf(f, "0x%" PRIx64 " 0x%" PRIx64 " %s\n", a.start, b.start - 1,
			resv_type_name(t));
	if (a.last > b.last)
		fprintf(f, "0x%" PRIx64 " 0x%" PRIx64 " %s\n", b.last + 1, a.last,
			resv_type_name(t));
}

static void test_type_pairs(void **state)
{
	(void)state;
	for (int ta = 0; ta < RESV_TYPE_COUNT; ta++)
	for (int tb = 0; tb < RESV_TYPE_COUNT; tb++)
	for (int rel = 0; rel < NRELATIONS; rel++) {
		struct resv_range a = rel_a[rel], b = rel_b[rel];
		struct in_region in[3] = { { a.start, a.last, ta }, { b.start, b.last, tb }, END };
		struct resv_list *l = make_list(in), *k, *res;
		char *kt, *rt, *ek = NULL, *er = NULL;
		size_t len;
		FILE *f;

		/* Kernel view: same type merges; else both, by (start, type). */
		f = open_memstream(&ek, &len);
		if (ta == tb) {
			fprintf(f, "0x%016" PRIx64 " 0x%016" PRIx64 " %s\n", a.start,
				a.last > b.last ? a.last : b.last, resv_type_sysfs_name(ta));
		} else {
			bool a_first = a.start < b.start || (a.start == b.start && ta < tb);
			struct resv_range x = a_first ? a : b, y = a_first ? b : a;
			int tx = a_first ? ta : tb, ty = a_first ? tb : ta;

			fprintf(f, "0x%016" PRIx64 " 0x%016" PRIx64 " %s\n", x.start, x.last,
				resv_type_sysfs_name(tx));
			fprintf(f, "0x%016" PRIx64 " 0x%016" PRIx64 " %s\n", y.start, y.last,
				resv_type_sysfs_name(ty));
		}
		fclose(f);

		/* Resolved: only a relaxable region beside a non-relaxable one changes. */
		f = open_memstream(&er, &len);
		if (ta == tb) {
			fprintf(f, "0x%" PRIx64 " 0x%" PRIx64 " %s\n", a.start,
				a.last > b.last ? a.last : b.last, resv_type_name(ta));
		} else {
			/* Lines in (start, type) order; compute each side then sort. */
			char *la = NULL, *lb = NULL;
			size_t l1, l2;
			FILE *fa = open_memstream(&la, &l1), *fb = open_memstream(&lb, &l2);

			if (ta == R)
				minus(fa, a, b, ta);
			else
				minus(fa, a, (struct resv_range){ 1, 0 }, ta);
			if (tb == R)
				minus(fb, b, a, tb);
			else
				minus(fb, b, (struct resv_range){ 1, 0 }, tb);
			fclose(fa);
			fclose(fb);
			/* Merge the two small sorted line sets by (start, type). */
			char *lines[4];
			int n = 0;

			for (char *p = strtok(la, "\n"); p; p = strtok(NULL, "\n"))
				lines[n++] = strdup(p);
			for (char *p = strtok(lb, "\n"); p; p = strtok(NULL, "\n"))
				lines[n++] = strdup(p);
			for (int i = 0; i < n; i++)
				for (int j = i + 1; j < n; j++) {
					uint64_t si = strtoull(lines[i], NULL, 16);
					uint64_t sj = strtoull(lines[j], NULL, 16);
					enum resv_type ti, tj;
					const char *pi = strrchr(lines[i], ' ') + 1;
					const char *pj = strrchr(lines[j], ' ') + 1;

					resv_type_parse(pi, strlen(pi), &ti);
					resv_type_parse(pj, strlen(pj), &tj);
					if (sj < si || (sj == si && tj < ti)) {
						char *t = lines[i];

						lines[i] = lines[j];
						lines[j] = t;
					}
				}
			for (int i = 0; i < n; i++) {
				fprintf(f, "%s\n", lines[i]);
				free(lines[i]);
			}
			free(la);
			free(lb);
		}
		fclose(f);

		assert_int_equal(resv_list_kernel_view(&k, l, NULL), 0);
		assert_int_equal(resv_list_resolved_view(&res, l), 0);
		kt = sysfs_text(k);
		rt = our_text(res);
		if (strcmp(kt, ek) || strcmp(rt, er))
			fail_msg("%s + %s %s: kernel\n%s(expected\n%s) resolved\n%s(expected\n%s)",
				 resv_type_name(ta), resv_type_name(tb), relation_names[rel],
				 kt, ek, rt, er);
		free(kt);
		free(rt);
		free(ek);
		free(er);
		resv_list_free(k);
		resv_list_free(res);
		resv_list_free(l);
	}
}

/* ------------------------------------------------------------------------ */

static void test_prot_of_merged_run(void **state)
{
	/* The kernel keeps the prot of the first region in sort order; on an
	 * exact (start, type) tie the later-added region sorts first. */
	static const struct in_region in[] = {
		{ 0x1000, 0x1fff, D, 1 }, { 0x2000, 0x2fff, D, 2 }, { 0x1000, 0x10ff, D, 4 },
		{ 0x0, 0xfff, V, 8 }, { 0x800, 0x17ff, V, 16 }, END,
	};
	struct resv_list *l = make_list(in), *k;

	(void)state;
	assert_int_equal(resv_list_kernel_view(&k, l, NULL), 0);
	assert_int_equal(resv_list_count(k), 2);
	assert_int_equal(resv_list_region(k, 0)->type, V);
	assert_int_equal(resv_list_region(k, 0)->prot, 8);
	assert_int_equal(resv_list_region(k, 1)->type, D);
	assert_int_equal(resv_list_region(k, 1)->prot, 4);
	resv_list_free(k);
	resv_list_free(l);
}

static void test_provenance(void **state)
{
	struct resv_list *a, *b, *k, *res;
	const struct resv_region *r;

	(void)state;
	assert_int_equal(resv_list_new(&a), 0);
	assert_int_equal(resv_list_new(&b), 0);
	assert_int_equal(resv_list_add(a, 0x7b800000, 0x7fffffff, R, 3, "DMAR RMRR #1 @0x68",
				       "0000:00:02.0"), 0);
	assert_int_equal(resv_list_add(b, 0x7c000000, 0x7cffffff, D, 3, "DMAR RMRR #2 @0x88",
				       "0000:00:1f.6"), 0);
	assert_int_equal(resv_list_add(b, 0x7a000000, 0x7b8fffff, R, 3, "DMAR RMRR #3 @0xa8",
				       "0000:00:14.0"), 0);
	/* A group: the union of its devices' lists. */
	assert_int_equal(resv_list_append(a, b), 0);
	assert_int_equal(resv_list_append(a, a), -EINVAL);
	assert_int_equal(resv_list_count(a), 3);

	assert_int_equal(resv_list_kernel_view(&k, a, NULL), 0);
	assert_int_equal(resv_list_count(k), 2);
	r = resv_list_region(k, 0);	/* the merged relaxable run */
	assert_int_equal(r->type, R);
	assert_int_equal(r->nsources, 2);
	/* Sources in the order their regions were added. */
	assert_string_equal(resv_list_source(k, r->sources[0])->origin, "DMAR RMRR #1 @0x68");
	assert_string_equal(resv_list_source(k, r->sources[0])->device, "0000:00:02.0");
	assert_string_equal(resv_list_source(k, r->sources[1])->origin, "DMAR RMRR #3 @0xa8");

	/* Resolved: the run is split by the direct RMRR; the left piece comes
	 * from both relaxable RMRRs, the right one from #1 only. */
	assert_int_equal(resv_list_resolved_view(&res, a), 0);
	assert_int_equal(resv_list_count(res), 3);
	r = resv_list_region(res, 0);
	assert_true(r->start == 0x7a000000 && r->last == 0x7bffffff && r->type == R);
	assert_int_equal(r->nsources, 2);
	r = resv_list_region(res, 1);
	assert_true(r->start == 0x7c000000 && r->last == 0x7cffffff && r->type == D);
	assert_string_equal(resv_list_source(res, r->sources[0])->device, "0000:00:1f.6");
	r = resv_list_region(res, 2);
	assert_true(r->start == 0x7d000000 && r->last == 0x7fffffff && r->type == R);
	assert_int_equal(r->nsources, 1);
	assert_string_equal(resv_list_source(res, r->sources[0])->origin, "DMAR RMRR #1 @0x68");

	/* Views outlive nothing they need: free the input first. */
	resv_list_free(a);
	resv_list_free(b);
	assert_string_equal(resv_list_source(res, r->sources[0])->device, "0000:00:02.0");
	resv_list_free(res);
	resv_list_free(k);
}

static void test_add_checks(void **state)
{
	struct resv_list *l;

	(void)state;
	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_list_add(l, 2, 1, D, 0, NULL, NULL), -EINVAL);
	assert_int_equal(resv_list_add(l, 0, 1, (enum resv_type)5, 0, NULL, NULL), -EINVAL);
	assert_int_equal(resv_list_add(l, 0, 1, D, 64, NULL, NULL), -EINVAL);
	assert_int_equal(resv_list_add(l, 0, M, D, 63, NULL, NULL), 0);
	assert_int_equal(resv_list_add_length(l, M, 1, D, 0, NULL, NULL), 0);
	assert_int_equal(resv_list_add_length(l, M, 2, D, 0, NULL, NULL), -EOVERFLOW);
	assert_int_equal(resv_list_add_length(l, 1, M, D, 0, NULL, NULL), 0);
	assert_int_equal(resv_list_add_length(l, 2, M, D, 0, NULL, NULL), -EOVERFLOW);
	assert_int_equal(resv_list_add_length(l, 0x1000, 0, D, 0, NULL, NULL), 0);
	assert_int_equal(resv_list_count(l), 4);
	assert_true(resv_list_region(l, 1)->start == M && resv_list_region(l, 1)->last == M);
	assert_true(resv_list_region(l, 2)->start == 1 && resv_list_region(l, 2)->last == M);
	assert_true(resv_list_region(l, 3)->zero_length);
	assert_true(resv_list_region(l, 3)->last == 0xfff);
	assert_null(resv_list_region(l, 4));
	assert_string_equal(resv_list_source(l, 0)->origin, "");
	assert_null(resv_list_source(l, 0)->device);
	assert_null(resv_list_source(l, 99));
	resv_list_free(l);
	resv_list_free(NULL);
}

static void test_type_names(void **state)
{
	static const char *const names[] = { "direct", "direct-relaxable", "reserved", "msi",
					     "sw-msi" };
	enum resv_type t;

	(void)state;
	for (int i = 0; i < RESV_TYPE_COUNT; i++) {
		assert_string_equal(resv_type_name(i), names[i]);
		assert_int_equal(resv_type_parse(names[i], strlen(names[i]), &t), 0);
		assert_int_equal(t, i);
		assert_int_equal(resv_type_is_relaxable(i), i == R);
	}
	assert_string_equal(resv_type_sysfs_name(S), "msi");
	assert_null(resv_type_name((enum resv_type)5));
	assert_int_equal(resv_type_parse("direct-relaxed", 14, &t), -EINVAL);
	assert_int_equal(resv_type_parse("direct", 5, &t), -EINVAL);
	assert_int_equal(resv_type_parse("msi\n", 4, &t), -EINVAL);
}

static void test_index(void **state)
{
	static const struct in_region in[] = {
		{ 0x1000, 0x1fff, R }, { 0x0, M, V, 0, true }, { 0x1800, 0x27ff, D },
		{ 0x5000, 0x5fff, I }, { 0x1000, 0x1fff, D }, { M, M, S }, END,
	};
	static const struct {
		uint64_t a, b;
		enum resv_class class;
		int rc;
		size_t pos;
	} q[] = {
		{ 0x0, 0xfff, RESV_CLASS_ANY, -ENOENT, 0 },
		{ 0x0, 0x1000, RESV_CLASS_ANY, 0, 4 },	/* direct sorts before relaxable */
		{ 0x1fff, 0x1fff, RESV_CLASS_ANY, 0, 4 },
		{ 0x2000, 0x2000, RESV_CLASS_ANY, 0, 2 },
		{ 0x1000, 0x1000, RESV_CLASS_NON_RELAXABLE, 0, 4 },
		{ 0x2800, 0x4fff, RESV_CLASS_ANY, -ENOENT, 0 },
		{ 0x2800, 0x5000, RESV_CLASS_ANY, 0, 3 },
		{ 0x6000, M - 1, RESV_CLASS_ANY, -ENOENT, 0 },
		{ 0x6000, M, RESV_CLASS_NON_RELAXABLE, 0, 5 },
		{ 0x0, M, RESV_CLASS_ANY, 0, 4 },
		{ 5, 4, RESV_CLASS_ANY, -EINVAL, 0 },
	};
	struct resv_list *l = make_list(in);
	struct resv_index *ix[2];
	struct resv_index *bad;

	(void)state;
	assert_int_equal(resv_index_new(&ix[0], l, RESV_CLASS_ANY), 0);
	assert_int_equal(resv_index_new(&ix[1], l, RESV_CLASS_NON_RELAXABLE), 0);
	assert_int_equal(resv_index_new(&bad, l, (enum resv_class)7), -EINVAL);
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		size_t pos = 999;
		int rc = resv_index_first(ix[q[i].class], q[i].a, q[i].b, &pos);

		if (rc != q[i].rc || (rc == 0 && pos != q[i].pos))
			fail_msg("query %zu [%#" PRIx64 ", %#" PRIx64 "]: rc %d pos %zu, expected %d %zu",
				 i, q[i].a, q[i].b, rc, pos, q[i].rc, q[i].pos);
	}
	resv_index_free(ix[0]);
	resv_index_free(ix[1]);
	resv_index_free(NULL);
	resv_list_free(l);
}

/*
 * Lists long enough for the engine's long-array sort (eleven-bit digits
 * from 65,536 regions on), against a reference built with qsort(): each
 * type's regions sorted and merged while they touch, the runs ordered by
 * (start, type). Starts of 40 bits, as the benchmark's, and of 64.
 */
struct ref_run {
	uint64_t start, last;
	int type;
};

static int cmp_run(const void *a, const void *b)
{
	const struct ref_run *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->type > y->type) - (x->type < y->type);
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_kernel_view_long(void **state)
{
	(void)state;
	for (int wide = 0; wide < 2; wide++) {
		size_t n = 150000, nref = 0;
		struct ref_run *in = malloc(n * sizeof(*in)), *ref = malloc(n * sizeof(*ref));
		struct resv_list *l, *kv;
		uint64_t seed = 0x9e3779b97f4a7c15ull + (uint64_t)wide;

		assert_non_null(in);
		assert_non_null(ref);
		assert_int_equal(resv_list_new(&l), 0);
		for (size_t i = 0; i < n; i++) {
			uint64_t start = next_rand(&seed) >> (wide ? 1 : 24);
			uint64_t len = (next_rand(&seed) & 0xffffff) + 1;

			in[i] = (struct ref_run){ start, start + len - 1, (int)(next_rand(&seed) % 5) };
			assert_int_equal(resv_list_add(l, in[i].start, in[i].last,
						       (enum resv_type)in[i].type, 0, "r", NULL), 0);
		}
		/* The reference: by (type, start) with qsort, merged per type. */
		for (int t = 0; t < 5; t++) {
			size_t m = 0, first = nref;

			for (size_t i = 0; i < n; i++)
				if (in[i].type == t)
					ref[first + m++] = in[i];
			qsort(ref + first, m, sizeof(*ref), cmp_run);
			for (size_t i = 0; i < m; i++) {
				struct ref_run x = ref[first + i];

				if (nref > first && x.start <= ref[nref - 1].last + 1) {
					if (x.last > ref[nref - 1].last)
						ref[nref - 1].last = x.last;
				} else {
					ref[nref++] = x;
				}
			}
		}
		qsort(ref, nref, sizeof(*ref), cmp_run);
		assert_int_equal(resv_list_kernel_view(&kv, l, NULL), 0);
		assert_int_equal(resv_list_count(kv), nref);
		for (size_t i = 0; i < nref; i++) {
			const struct resv_region *r = resv_list_region(kv, i);

			assert_int_equal(r->start, ref[i].start);
			assert_int_equal(r->last, ref[i].last);
			assert_int_equal(r->type, ref[i].type);
		}
		resv_list_free(kv);
		resv_list_free(l);
		free(in);
		free(ref);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_vectors),
		cmocka_unit_test(test_type_pairs),
		cmocka_unit_test(test_prot_of_merged_run),
		cmocka_unit_test(test_provenance),
		cmocka_unit_test(test_add_checks),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_kernel_view_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
