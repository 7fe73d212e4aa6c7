// SPDX-License-Identifier: MIT
/*
 * The overlay, complement and usable operations, by table: QEMU's
 * tests/unit/test-resv-mem.c cases (reference/peers.md §1.3, tables A-C, with
 * the full lists derived there) and the kernel's VFIO vector TV14.
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

/* QEMU's types are opaque labels; we carry them in the origin. */
struct labelled {
	const char *label;
	uint64_t lob, upb;
};

struct overlay_step {
	const char *name;
	bool new_list;			/* start from an empty list first */
	struct labelled insert[2];	/* label NULL ends */
	struct labelled expect[7];
};

static const struct overlay_step steps[] = {
	{ "t1", true, { { "A", 0, 0xFFFF }, { "A", 0x20000, 0x2FFFF } },
	  { { "A", 0, 0xFFFF }, { "A", 0x20000, 0x2FFFF } } },
	{ "t2 left-adjacent inside, right-aligned inside", false,
	  { { "B", 0, 0xFFF }, { "C", 0x21000, 0x2FFFF } },
	  { { "B", 0, 0xFFF }, { "A", 0x1000, 0xFFFF }, { "A", 0x20000, 0x20FFF },
	    { "C", 0x21000, 0x2FFFF } } },
	{ "t3 exact overlap replaces", false, { { "D", 0x21000, 0x2FFFF } },
	  { { "B", 0, 0xFFF }, { "A", 0x1000, 0xFFFF }, { "A", 0x20000, 0x20FFF },
	    { "D", 0x21000, 0x2FFFF } } },
	{ "t4 middle: split in three", false, { { "E", 0x22000, 0x23FFF } },
	  { { "B", 0, 0xFFF }, { "A", 0x1000, 0xFFFF }, { "A", 0x20000, 0x20FFF },
	    { "D", 0x21000, 0x21FFF }, { "E", 0x22000, 0x23FFF }, { "D", 0x24000, 0x2FFFF } } },
	{ "t5 covers several", false, { { "F", 0x10000, 0x2FFFF } },
	  { { "B", 0, 0xFFF }, { "A", 0x1000, 0xFFFF }, { "F", 0x10000, 0x2FFFF } } },
	{ "t6 contiguous at the end stays apart", false, { { "0", 0x30000, 0x40000 } },
	  { { "B", 0, 0xFFF }, { "A", 0x1000, 0xFFFF }, { "F", 0x10000, 0x2FFFF },
	    { "0", 0x30000, 0x40000 } } },
	{ "t8 insert before the first", true, { { "0", 0x10000, 0x1FFFF }, { "1", 0, 0xFF } },
	  { { "1", 0, 0xFF }, { "0", 0x10000, 0x1FFFF } } },
	{ "t9 collision on the left", false, { { "A", 0x1200, 0x11FFF } },
	  { { "1", 0, 0xFF }, { "A", 0x1200, 0x11FFF }, { "0", 0x12000, 0x1FFFF } } },
	{ "t10 collision on the right", false, { { "A", 0x1F000, 0x2FFFF } },
	  { { "1", 0, 0xFF }, { "A", 0x1200, 0x11FFF }, { "0", 0x12000, 0x1EFFF },
	    { "A", 0x1F000, 0x2FFFF } } },
	{ "t11 the whole space overrides everything", false, { { "F", 0, M } },
	  { { "F", 0, M } } },
	{ "t12a", true, { { "F", 0x1000000000000, M } }, { { "F", 0x1000000000000, M } } },
	{ "t12b", false, { { "A", 0, 0xFFFFFFF } },
	  { { "A", 0, 0xFFFFFFF }, { "F", 0x1000000000000, M } } },
	{ "t12c", false, { { "B", 0x100000000, 0x1FFFFFFFF } },
	  { { "A", 0, 0xFFFFFFF }, { "B", 0x100000000, 0x1FFFFFFFF },
	    { "F", 0x1000000000000, M } } },
	{ "t12d touches A, swallows B", false, { { "0", 0x10000000, 0x2FFFFFFFF } },
	  { { "A", 0, 0xFFFFFFF }, { "0", 0x10000000, 0x2FFFFFFFF },
	    { "F", 0x1000000000000, M } } },
};

static void test_overlay_qemu(void **state)
{
	struct resv_list *l = NULL;

	(void)state;
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		const struct overlay_step *st = &steps[s];
		struct resv_list *o;
		size_t n = 0;

		if (st->new_list) {
			resv_list_free(l);
			assert_int_equal(resv_list_new(&l), 0);
		}
		for (int i = 0; i < 2 && st->insert[i].label; i++)
			assert_int_equal(resv_list_add(l, st->insert[i].lob, st->insert[i].upb,
						       RESV_TYPE_RESERVED, 0, st->insert[i].label,
						       NULL), 0);
		assert_int_equal(resv_list_overlay(&o, l), 0);
		while (n < 7 && st->expect[n].label)
			n++;
		if (resv_list_count(o) != n)
			fail_msg("%s: %zu regions, expected %zu", st->name, resv_list_count(o), n);
		for (size_t i = 0; i < n; i++) {
			const struct resv_region *r = resv_list_region(o, i);
			const char *label = resv_list_source(o, r->sources[0])->origin;

			if (r->start != st->expect[i].lob || r->last != st->expect[i].upb ||
			    strcmp(label, st->expect[i].label) != 0 || r->nsources != 1)
				fail_msg("%s: region %zu is %s[%#" PRIx64 ",%#" PRIx64 "], expected "
					 "%s[%#" PRIx64 ",%#" PRIx64 "]", st->name, i, label,
					 r->start, r->last, st->expect[i].label,
					 st->expect[i].lob, st->expect[i].upb);
		}
		resv_list_free(o);
	}
	resv_list_free(l);
}

static void test_overlay_keeps_type_and_prot(void **state)
{
	struct resv_list *l, *o;

	(void)state;
	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_list_add(l, 0x0, 0xffff, RESV_TYPE_RESERVED, 0, "host", NULL), 0);
	assert_int_equal(resv_list_add(l, 0x1000, 0x1fff, RESV_TYPE_MSI, 26, "machine", NULL), 0);
	assert_int_equal(resv_list_add_length(l, 0x8000, 0, RESV_TYPE_MSI, 0, "empty", NULL), 0);
	assert_int_equal(resv_list_overlay(&o, l), 0);
	assert_int_equal(resv_list_count(o), 3);
	assert_int_equal(resv_list_region(o, 0)->type, RESV_TYPE_RESERVED);
	assert_int_equal(resv_list_region(o, 1)->type, RESV_TYPE_MSI);
	assert_int_equal(resv_list_region(o, 1)->prot, 26);
	assert_true(resv_list_region(o, 2)->start == 0x2000);
	resv_list_free(o);
	resv_list_free(l);
}

/* ------------------------------------------------------------------------ */

struct complement_case {
	const char *name;
	struct resv_range in[4];
	size_t n;
	uint64_t low, high;
	struct resv_range out[5];
	size_t nout;
};

static const struct complement_case complements[] = {
	/* Table B: [0, M]; inputs merged as range_list_insert would. */
	{ "B1", { { 0x10000, M } }, 1, 0, M, { { 0, 0xFFFF } }, 1 },
	{ "B2", { { 0x10000, 0xFFFFFFFFFFFF } }, 1, 0, M,
	  { { 0, 0xFFFF }, { 0x1000000000000, M } }, 2 },
	{ "B3 touching inputs leave no hole", { { 0, 0xFFFF }, { 0x10000, 0x2FFFF } }, 2, 0, M,
	  { { 0x30000, M } }, 1 },
	{ "B4", { { 0x50000, 0x5FFFF }, { 0x60000, 0xFFFFFFFFFFFF } }, 2, 0, M,
	  { { 0, 0x4FFFF }, { 0x1000000000000, M } }, 2 },
	{ "B5 everything reserved", { { 0, M } }, 1, 0, M, { { 0 } }, 0 },
	{ "B6", { { 0x10000, 0x1FFFF }, { 0x30000, 0x6FFFF }, { 0x90000, M } }, 3, 0, M,
	  { { 0, 0xFFFF }, { 0x20000, 0x2FFFF }, { 0x70000, 0x8FFFF } }, 3 },
	/* Table C: an explicit window. */
	{ "C1", { { 0, M } }, 1, 0x10000, 0xFFFFFF, { { 0 } }, 0 },
	{ "C2", { { 0, 0xFFFF }, { 0x20000, 0x2FFFF } }, 2, 0x40000, 0xFFFFFFFFFFFF,
	  { { 0x40000, 0xFFFFFFFFFFFF } }, 1 },
	{ "C3", { { 0, 0xFFFF }, { 0x20000, 0x2FFFF }, { 0x1000000000000, M } }, 3, 0x40000,
	  0xFFFFFFFFFFFF, { { 0x40000, 0xFFFFFFFFFFFF } }, 1 },
	{ "C4", { { 0, 0xFFFF }, { 0x20000, 0x2FFFF }, { 0x1000000000000, M } }, 3, 0x20000,
	  0xFFFFFFFFFFFF, { { 0x30000, 0xFFFFFFFFFFFF } }, 1 },
	{ "C5", { { 0x2000, 0xFFFF }, { 0x20000, 0x2FFFF }, { 0x100000000, 0x1FFFFFFFF } }, 3,
	  0x1000, 0xFFFFFFFFFFFF,
	  { { 0x1000, 0x1FFF }, { 0x10000, 0x1FFFF }, { 0x30000, 0xFFFFFFFF },
	    { 0x200000000, 0xFFFFFFFFFFFF } }, 4 },
	{ "C6", { { 0x10000000, 0x1FFFFFFF }, { 0x100000000, 0x1FFFFFFFF } }, 2, 0, 0xFFFF,
	  { { 0, 0xFFFF } }, 1 },
	/* Ours: unsorted and overlapping input, one-address window, the top. */
	{ "unsorted, overlapping", { { 0x30, 0x3f }, { 0x0, 0x10 }, { 0x8, 0x20 } }, 3, 0, 0x50,
	  { { 0x21, 0x2f }, { 0x40, 0x50 } }, 2 },
	{ "one address free", { { 0, M - 1 } }, 1, 0, M, { { M, M } }, 1 },
	{ "one-address window", { { 0x10, 0x1f } }, 1, 0x20, 0x20, { { 0x20, 0x20 } }, 1 },
	{ "nothing", { { 0 } }, 0, 0, M, { { 0, M } }, 1 },
};

static void test_complement(void **state)
{
	struct resv_range_list *out;

	(void)state;
	for (size_t c = 0; c < sizeof(complements) / sizeof(complements[0]); c++) {
		const struct complement_case *cc = &complements[c];

		assert_int_equal(resv_ranges_complement(&out, cc->in, cc->n, cc->low, cc->high), 0);
		if (out->count != cc->nout)
			fail_msg("%s: %zu ranges, expected %zu", cc->name, out->count, cc->nout);
		for (size_t i = 0; i < cc->nout; i++)
			if (out->ranges[i].start != cc->out[i].start ||
			    out->ranges[i].last != cc->out[i].last)
				fail_msg("%s: range %zu [%#" PRIx64 ",%#" PRIx64 "], expected [%#"
					 PRIx64 ",%#" PRIx64 "]", cc->name, i, out->ranges[i].start,
					 out->ranges[i].last, cc->out[i].start, cc->out[i].last);
		resv_range_list_free(out);
	}
	struct resv_range bad = { 2, 1 };

	assert_int_equal(resv_ranges_complement(&out, &bad, 1, 0, M), -EINVAL);
	assert_int_equal(resv_ranges_complement(&out, NULL, 0, 5, 4), -EINVAL);
	resv_range_list_free(NULL);
}

/* ------------------------------------------------------------------------ */

static void expect_ranges(const struct resv_range_list *u, const struct resv_range *e,
			  size_t n, const char *name)
{
	if (u->count != n)
		fail_msg("%s: %zu ranges, expected %zu", name, u->count, n);
	for (size_t i = 0; i < n; i++)
		if (u->ranges[i].start != e[i].start || u->ranges[i].last != e[i].last)
			fail_msg("%s: range %zu [%#" PRIx64 ",%#" PRIx64 "]", name, i,
				 u->ranges[i].start, u->ranges[i].last);
}

static void test_usable(void **state)
{
	static const struct resv_range tv14[] = {
		{ 0x0, 0x7b7fffff }, { 0x80000000, 0xfedfffff }, { 0xfef00000, 0xffffffffffff },
	};
	static const struct resv_range tv14_strict[] = {
		{ 0x0, 0x3bffffff }, { 0x40000000, 0x7b7fffff }, { 0x80000000, 0xfedfffff },
		{ 0xfef00000, 0xffffffffffff },
	};
	static const struct resv_range amd_39bit[] = {
		{ 0x0, 0xfedfffff }, { 0xfef00000, 0x7fffffffff },
	};
	struct resv_range_list *u;
	struct resv_list *l, *amd;

	(void)state;
	/* TV14: relaxable ignored, everything else carved out. */
	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_list_add(l, 0x3c000000, 0x3fffffff, RESV_TYPE_DIRECT_RELAXABLE, 3,
				       NULL, NULL), 0);
	assert_int_equal(resv_list_add(l, 0x7b800000, 0x7fffffff, RESV_TYPE_DIRECT, 3, NULL, NULL), 0);
	assert_int_equal(resv_list_add(l, 0xfee00000, 0xfeefffff, RESV_TYPE_MSI, 0, NULL, NULL), 0);
	assert_int_equal(resv_list_usable(&u, l, (struct resv_range){ 0, 0xffffffffffff }, 0), 0);
	expect_ranges(u, tv14, 3, "TV14");
	resv_range_list_free(u);
	assert_int_equal(resv_list_usable(&u, l, (struct resv_range){ 0, 0xffffffffffff },
					  RESV_USABLE_STRICT), 0);
	expect_ranges(u, tv14_strict, 4, "TV14 strict");
	resv_range_list_free(u);

	/* An aperture inside a reserved region: nothing usable. */
	assert_int_equal(resv_list_usable(&u, l, (struct resv_range){ 0x7c000000, 0x7c000fff }, 0), 0);
	assert_int_equal(u->count, 0);
	resv_range_list_free(u);
	/* ... but inside a relaxable one it is usable. */
	assert_int_equal(resv_list_usable(&u, l, (struct resv_range){ 0x3c000000, 0x3c000000 }, 0), 0);
	assert_int_equal(u->count, 1);
	resv_range_list_free(u);
	assert_int_equal(resv_list_usable(&u, l, (struct resv_range){ 1, 0 }, 0), -EINVAL);
	assert_int_equal(resv_list_usable(&u, l, (struct resv_range){ 0, 1 }, 4), -EINVAL);

	/* AMD with a 39-bit aperture: the HyperTransport hole lies above it. */
	assert_int_equal(resv_list_new(&amd), 0);
	assert_int_equal(resv_list_add(amd, 0xfee00000, 0xfeefffff, RESV_TYPE_MSI, 0, NULL, NULL), 0);
	assert_int_equal(resv_list_add(amd, 0xfd00000000, 0xffffffffff, RESV_TYPE_RESERVED, 0,
				       NULL, NULL), 0);
	assert_int_equal(resv_list_usable(&u, amd, (struct resv_range){ 0, 0x7fffffffff }, 0), 0);
	expect_ranges(u, amd_39bit, 2, "AMD 39-bit");
	resv_range_list_free(u);
	resv_list_free(amd);
	resv_list_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlay_qemu),
		cmocka_unit_test(test_overlay_keeps_type_and_prot),
		cmocka_unit_test(test_complement),
		cmocka_unit_test(test_usable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
