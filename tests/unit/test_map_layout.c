// SPDX-License-Identifier: MIT
/*
 * The map's layout (cli/map-layout.c): the piecewise axis, slots, conflict
 * marks. Maps are built by hand here; the pictures are the golden tests'.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "map.h"

static char e[] = "";
#define ITEM(s, l, k) { .start = (s), .last = (l), .kind = (k), .label = e, .title = e }
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Every band follows the previous one, heights add up, y is their sum. */
static void check_axis(const struct map_layout *l)
{
	unsigned int y = 0;

	assert_true(l->nseg >= 1);
	assert_int_equal(l->seg[0].start, 0);
	for (size_t i = 0; i < l->nseg; i++) {
		assert_true(l->seg[i].start <= l->seg[i].last);
		assert_int_equal(l->seg[i].y, y);
		assert_true(l->seg[i].h >= MAP_MIN_H);
		assert_int_equal(l->seg[i].h, map_band_height(l->seg[i].start, l->seg[i].last));
		if (i + 1 < l->nseg)
			assert_true(l->seg[i + 1].start == l->seg[i].last + 1);
		y += l->seg[i].h;
	}
	assert_int_equal(l->height, y);
}

static void test_band_height(void **state)
{
	(void)state;
	assert_int_equal(map_band_height(5, 5), MAP_MIN_H);		/* one byte */
	assert_int_equal(map_band_height(0, 0xfff), MAP_MIN_H);	/* 4 KiB */
	assert_int_equal(map_band_height(0, 0xfffff), MAP_MIN_H + 24);	/* 1 MiB */
	assert_int_equal(map_band_height(0, UINT64_MAX), MAP_MIN_H + 52 * 3);	/* 2^64 */
	/* Never smaller for a larger band, and a 1 TiB band is not 2^28 times a 4 KiB one. */
	for (unsigned int b = 1; b < 64; b++)
		assert_true(map_band_height(0, (1ull << b) - 1) <=
			    map_band_height(0, (2ull << b) - 1 ? (2ull << b) - 1 : UINT64_MAX));
	assert_true(map_band_height(0, (1ull << 40) - 1) < 10 * map_band_height(0, 0xfff));
}

static void test_empty_map(void **state)
{
	struct map m = { 0 };
	struct map_layout l = { 0 };

	(void)state;
	assert_int_equal(map_layout(&m, &l), 0);
	assert_int_equal(l.nseg, 1);
	assert_int_equal(l.seg[0].last, UINT64_MAX);
	assert_true(l.seg[0].gap);
	check_axis(&l);
	map_layout_free(&l);
}

/* A 4 KiB RMRR next to 1 TiB of RAM: both get a band, both readable. */
static void test_boundaries(void **state)
{
	struct map_item g[] = { ITEM(0xe8000, 0xe8fff, MAP_DIRECT), ITEM(0xfee00000, 0xfeefffff, MAP_MSI) };
	struct map_item r[] = { ITEM(0, 0x7fffffff, MAP_RAM),
				ITEM(0x100000000, 0x100ffffffff, MAP_RAM) };
	struct map_lane lanes[2] = {
		{ .kind = MAP_LANE_GUEST, .items = r, .nitems = 2 },
		{ .kind = MAP_LANE_GROUP, .items = g, .nitems = 2, .has_aperture = true,
		  .aperture = { 0, (1ull << 48) - 1 } },
	};
	struct map m = { .lanes = lanes, .nlanes = 2 };
	struct map_layout l = { 0 };
	static const uint64_t starts[] = { 0, 0xe8000, 0xe9000, 0x80000000, 0xfee00000,
					   0xfef00000, 0x100000000, 0x10100000000 };
	unsigned int y, h;

	(void)state;
	assert_int_equal(map_layout(&m, &l), 0);
	check_axis(&l);
	assert_int_equal(l.nseg, ARRAY_SIZE(starts));
	for (size_t i = 0; i < l.nseg; i++)
		assert_int_equal(l.seg[i].start, starts[i]);
	assert_int_equal(l.seg[l.nseg - 1].last, (1ull << 48) - 1);	/* the aperture top */
	/* Gaps: nothing in any lane. */
	assert_false(l.seg[0].gap);
	assert_true(l.seg[3].gap);	/* 2G-0xfee00000 */
	assert_true(l.seg[7].gap);	/* above the RAM */
	/* The RMRR: exactly its band; the RAM below 4G: three bands. */
	map_span(&l, 0xe8000, 0xe8fff, &y, &h);
	assert_int_equal(y, l.seg[1].y);
	assert_int_equal(h, MAP_MIN_H);
	map_span(&l, 0, 0x7fffffff, &y, &h);
	assert_int_equal(y, 0);
	assert_int_equal(h, l.seg[0].h + l.seg[1].h + l.seg[2].h);
	assert_int_equal(map_segment_of(&l, 0xe8000), 1);
	assert_int_equal(map_segment_of(&l, 0xe8fff), 1);
	assert_int_equal(map_segment_of(&l, UINT64_MAX), l.nseg);	/* above the axis */
	map_layout_free(&l);
}

/* Items up to UINT64_MAX: last + 1 wraps, and must cut nothing. */
static void test_top_of_space(void **state)
{
	struct map_item g[] = { ITEM(0xfd00000000, 0xffffffffff, MAP_RESERVED),
				ITEM(0xffffffffffff0000, UINT64_MAX, MAP_RESERVED),
				ITEM(UINT64_MAX, UINT64_MAX, MAP_MSI) };
	struct map_lane lane = { .kind = MAP_LANE_GROUP, .items = g, .nitems = 3,
				 .has_aperture = true, .aperture = { 0, UINT64_MAX } };
	struct map m = { .lanes = &lane, .nlanes = 1 };
	struct map_layout l = { 0 };

	(void)state;
	assert_int_equal(map_layout(&m, &l), 0);
	check_axis(&l);
	assert_int_equal(l.nseg, 5);
	assert_int_equal(l.seg[3].start, 0xffffffffffff0000);
	assert_int_equal(l.seg[4].start, UINT64_MAX);
	assert_int_equal(l.seg[4].last, UINT64_MAX);
	assert_int_equal(lane.nslots, 2);	/* the last byte sits beside the 64K */
	assert_true(g[0].alone);	/* below them, alone: full width */
	assert_false(g[1].alone);
	assert_true(g[1].slot != g[2].slot);
	map_layout_free(&l);
}

/* Overlapping items get slots; each keeps one from top to bottom. */
static void test_slots(void **state)
{
	struct map_item g[] = { ITEM(0x1000, 0x4fff, MAP_DIRECT),
				ITEM(0x2000, 0x2fff, MAP_TRUNCATED),
				ITEM(0x3000, 0x5fff, MAP_RESERVED),
				ITEM(0x9000, 0x9fff, MAP_MSI) };
	struct map_lane lane = { .kind = MAP_LANE_GROUP, .items = g, .nitems = 4 };
	struct map m = { .lanes = &lane, .nlanes = 1 };
	struct map_layout l = { 0 };

	(void)state;
	assert_int_equal(map_layout(&m, &l), 0);
	assert_int_equal(lane.nslots, 2);
	assert_int_equal(g[0].slot, 0);
	assert_int_equal(g[1].slot, 1);
	assert_int_equal(g[2].slot, 1);	/* free again after the truncated piece */
	assert_false(g[0].alone);
	assert_true(g[3].alone);	/* full width */
	assert_int_equal(l.seg[l.nseg - 1].last, 0x9fff);	/* no aperture: the last item */
	map_layout_free(&l);
}

/* A conflict marks what it meets on both lanes, never a cut relaxable part. */
static void test_conflicts(void **state)
{
	struct map_item r[] = { ITEM(0, 0x7fffffff, MAP_RAM), ITEM(0x100000000, 0x1ffffffff, MAP_RAM) };
	struct map_item g[] = { ITEM(0xe8000, 0xe8fff, MAP_DIRECT),
				ITEM(0xe8000, 0xe8fff, MAP_TRUNCATED),
				ITEM(0x1000000, 0x1ffffff, MAP_RELAXABLE),
				ITEM(0xfee00000, 0xfeefffff, MAP_MSI) };
	struct map_lane lanes[2] = {
		{ .kind = MAP_LANE_GUEST, .items = r, .nitems = 2 },
		{ .kind = MAP_LANE_GROUP, .items = g, .nitems = 4 },
	};
	struct map_conflict c[] = {
		{ 0, 1, { 0xe8000, 0xe8fff }, RESV_SEV_ERROR, e, e },
		{ 0, 1, { 0x1000000, 0x1ffffff }, RESV_SEV_WARNING, e, e },
	};
	struct map m = { .lanes = lanes, .nlanes = 2, .conflicts = c, .nconflicts = 2 };
	struct map_layout l = { 0 };

	(void)state;
	assert_int_equal(map_layout(&m, &l), 0);
	check_axis(&l);
	assert_int_equal(r[0].conflict, RESV_SEV_ERROR + 1);	/* the worst wins */
	assert_int_equal(r[1].conflict, 0);
	assert_int_equal(g[0].conflict, RESV_SEV_ERROR + 1);
	assert_int_equal(g[1].conflict, 0);
	assert_int_equal(g[2].conflict, RESV_SEV_WARNING + 1);
	assert_int_equal(g[3].conflict, 0);
	/* Conflict ranges are boundaries too. */
	assert_int_equal(l.seg[map_segment_of(&l, 0xe8000)].start, 0xe8000);
	map_layout_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_band_height),
		cmocka_unit_test(test_empty_map),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_top_of_space),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_conflicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
