// SPDX-License-Identifier: MIT
/*
 * Property test: the engine against independent reference models
 * (tests/model/) on random region lists, with a fixed seed.
 *
 * Every range endpoint is drawn from two windows, [0, 63] and
 * [UINT64_MAX - 63, UINT64_MAX], so overlaps, touching, one-byte gaps,
 * nesting, identical ranges, 0 and UINT64_MAX come up all the time, and a
 * region that starts low and ends high covers the whole uniform middle.
 * Per-address truths are then exact on naive_samples() (see model.h).
 *
 * PROPERTY_SEED and PROPERTY_SCALE (a percentage of the default case counts)
 * in the environment override the defaults, to replay or to soak. A
 * failure prints the seed, the property and the case number: every case
 * draws from its own generator, seeded from (seed, property, case), so
 * "PROPERTY_ONLY=<case>" replays that one case alone.
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

#include "../model/model.h"

#define M UINT64_MAX
#define MAX_REGIONS 12
#define NCOORD (2 * NAIVE_WINDOW)	/* compressed coordinates 0..127 */

static uint64_t base_seed = 0x5eed1a2b3c4d5e6fULL;
static unsigned int scale = 100;	/* percent of the default counts */
static long only_case = -1;

/* Uniform enough in [0, n) for the small n used here. */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

static struct rng case_rng(unsigned int property, size_t n)
{
	struct rng r = { base_seed ^ ((uint64_t)property << 56) };

	r.s += n * 0x2545f4914f6cdd1dULL;
	rng_next(&r);
	return r;
}

/* ------------------------------------------------------------------------ */
/* Random cases                                                              */

/* Compressed coordinate -> address: 0..63 low window, 64..127 top window. */
static uint64_t addr_of(unsigned int c)
{
	return c < NAIVE_WINDOW ? c : M - (NCOORD - 1) + c;
}

static unsigned int coord_any(struct rng *r)
{
	switch (rng_below(r, 8)) {
	case 0:
		return 0;
	case 1:
		return NCOORD - 1;
	default:
		return rng_below(r, NCOORD);
	}
}

struct gcase {
	size_t n;
	unsigned int cs[MAX_REGIONS], cl[MAX_REGIONS];	/* coordinates */
	struct model_region r[MAX_REGIONS];
	bool by_length[MAX_REGIONS];
};

static unsigned int clamp_coord(long c)
{
	if (c < 0)
		return 0;
	if (c >= NCOORD)
		return NCOORD - 1;
	return (unsigned int)c;
}

/* A range in coordinates, related to earlier ones most of the time. */
static void gen_range(struct rng *r, const struct gcase *g, size_t i,
		      unsigned int *s, unsigned int *l, bool *zero)
{
	unsigned int mode = rng_below(r, 100), ps = 0, pl = 0;
	size_t p;

	*zero = false;
	if (i > 0) {
		/* half the time the previous region, else any earlier one */
		p = rng_below(r, 2) ? i - 1 : rng_below(r, (uint32_t)i);
		ps = g->cs[p];
		pl = g->cl[p];
	} else {
		mode += 50;	/* no relations for the first region */
	}

	if (mode < 12) {			/* identical */
		*s = ps;
		*l = pl;
	} else if (mode < 24) {			/* touching after */
		*s = clamp_coord((long)pl + 1);
		*l = clamp_coord((long)*s + (long)rng_below(r, 6));
	} else if (mode < 30) {			/* touching before */
		*l = ps ? ps - 1 : 0;
		*s = clamp_coord((long)*l - (long)rng_below(r, 6));
	} else if (mode < 37) {			/* one-byte gap */
		*s = clamp_coord((long)pl + 2);
		*l = clamp_coord((long)*s + (long)rng_below(r, 6));
	} else if (mode < 45) {			/* nested */
		*s = ps + rng_below(r, pl - ps + 1);
		*l = *s + rng_below(r, pl - *s + 1);
	} else if (mode < 50) {			/* containing */
		*s = ps - rng_below(r, ps + 1);
		*l = pl + rng_below(r, NCOORD - pl);
	} else if (mode < 55) {			/* the whole space */
		*s = 0;
		*l = NCOORD - 1;
	} else if (mode < 62) {			/* low window to top window */
		*s = rng_below(r, 4) ? rng_below(r, NAIVE_WINDOW) : 0;
		*l = NAIVE_WINDOW + (rng_below(r, 4) ?
				     rng_below(r, NAIVE_WINDOW) :
				     NAIVE_WINDOW - 1);
	} else if (mode < 69) {			/* zero length */
		*zero = true;
		*s = coord_any(r);
		*l = *s;
	} else if (mode < 85) {			/* short, anywhere */
		*s = coord_any(r);
		*l = clamp_coord((long)*s + (long)rng_below(r, 5));
		if (*s >= NAIVE_WINDOW || *l < NAIVE_WINDOW)
			return;
		*l = NAIVE_WINDOW - 1;	/* stay in the low window */
	} else {				/* random */
		*s = coord_any(r);
		*l = coord_any(r);
		if (*s > *l) {
			unsigned int t = *s;

			*s = *l;
			*l = t;
		}
	}
}

static void gen_case(struct rng *r, struct gcase *g)
{
	static const int type_sets[][RESV_TYPE_COUNT + 1] = {
		{ 1, RESV_TYPE_DIRECT },
		{ 1, RESV_TYPE_DIRECT_RELAXABLE },
		{ 2, RESV_TYPE_DIRECT, RESV_TYPE_DIRECT_RELAXABLE },
		{ 2, RESV_TYPE_MSI, RESV_TYPE_SW_MSI },
		{ 2, RESV_TYPE_DIRECT_RELAXABLE, RESV_TYPE_RESERVED },
		{ 3, RESV_TYPE_DIRECT, RESV_TYPE_DIRECT_RELAXABLE,
		  RESV_TYPE_RESERVED },
		{ 5, 0, 1, 2, 3, 4 },
		{ 5, 0, 1, 2, 3, 4 },
		{ 5, 0, 1, 2, 3, 4 },
	};
	const int *ts = type_sets[rng_below(r, sizeof(type_sets) /
					   sizeof(type_sets[0]))];
	size_t i;

	g->n = 1 + rng_below(r, MAX_REGIONS);
	for (i = 0; i < g->n; i++) {
		struct model_region *m = &g->r[i];
		unsigned int s, l;
		bool zero;

		gen_range(r, g, i, &s, &l, &zero);
		g->cs[i] = s;
		g->cl[i] = l;
		m->start = addr_of(s);
		m->last = zero ? m->start - 1 : addr_of(l);
		m->zero_length = zero;
		m->type = ts[1 + rng_below(r, (uint32_t)ts[0])];
		m->prot = rng_below(r, 64);
		m->id = (uint32_t)i;
		/* the length form, unless the length (2^64) does not fit */
		g->by_length[i] = !zero && rng_below(r, 4) == 0 &&
				  !(m->start == 0 && m->last == M);
	}
}

/* ------------------------------------------------------------------------ */
/* Reporting                                                                 */

struct sbuf {
	char *p;
	size_t len;
	FILE *f;
};

static void sb_open(struct sbuf *b)
{
	b->p = NULL;
	b->len = 0;
	b->f = open_memstream(&b->p, &b->len);
	assert_non_null(b->f);
}

static char *sb_close(struct sbuf *b)
{
	fclose(b->f);
	return b->p;
}

static const char *tname(int t)
{
	const char *s = resv_type_name((enum resv_type)t);

	return s ? s : "?";
}

static void dump_input(FILE *f, const struct model_region *v, size_t n)
{
	size_t i;

	fprintf(f, "input (%zu):\n", n);
	for (i = 0; i < n; i++)
		fprintf(f, "  r%zu [%#" PRIx64 ", %#" PRIx64 "] %s prot %#x%s\n",
			i, v[i].start, v[i].last, tname(v[i].type), v[i].prot,
			v[i].zero_length ? " (zero length)" : "");
}

/* The source ids of a region, written as input indexes ("r3"). */
static void dump_sources(FILE *f, const struct resv_list *l,
			 const struct resv_region *r)
{
	size_t k;

	fprintf(f, " {");
	for (k = 0; k < r->nsources; k++) {
		const struct resv_source *s = resv_list_source(l, r->sources[k]);

		fprintf(f, "%s%s", k ? " " : "", s ? s->origin : "?");
	}
	fprintf(f, "}");
}

static void dump_engine(FILE *f, const char *what, const struct resv_list *l)
{
	size_t i, n = resv_list_count(l);

	fprintf(f, "%s (%zu):\n", what, n);
	for (i = 0; i < n; i++) {
		const struct resv_region *r = resv_list_region(l, i);

		fprintf(f, "  [%#" PRIx64 ", %#" PRIx64 "] %s prot %#x%s",
			r->start, r->last, tname(r->type), r->prot,
			r->zero_length ? " (zero length)" : "");
		dump_sources(f, l, r);
		fprintf(f, "\n");
	}
}

static void dump_model(FILE *f, const char *what, const struct model_list *m)
{
	size_t i, k;

	fprintf(f, "%s (%zu):\n", what, m->count);
	for (i = 0; i < m->count; i++) {
		const struct model_out *o = &m->v[i];

		fprintf(f, "  [%#" PRIx64 ", %#" PRIx64 "] %s prot %#x%s {",
			o->start, o->last, tname(o->type), o->prot,
			o->zero_length ? " (zero length)" : "");
		for (k = 0; k < o->nids; k++)
			fprintf(f, "%sr%" PRIu32, k ? " " : "", o->ids[k]);
		fprintf(f, "}\n");
	}
}

static void dump_ranges(FILE *f, const char *what,
			const struct resv_range_list *l)
{
	size_t i;

	fprintf(f, "%s (%zu):\n", what, l ? l->count : 0);
	for (i = 0; l && i < l->count; i++)
		fprintf(f, "  [%#" PRIx64 ", %#" PRIx64 "]\n",
			l->ranges[i].start, l->ranges[i].last);
}

/*
 * Print the whole story (@text, from sb_close()), then fail the test. The
 * callers free what they hold first, so a failure does not also report
 * leaks under ASan.
 */
static void fail_case(char *text, const char *prop, size_t c,
		      const char *why, const char *detail)
{
	/* print_error() would cut it at its buffer size */
	fputs(text, stdout);
	fflush(stdout);
	free(text);
	fail_msg("property %s: seed %#" PRIx64 " case %zu (PROPERTY_ONLY=%zu): %s%s%s",
		 prop, base_seed, c, c, why, *detail ? ": " : "", detail);
}

/* ------------------------------------------------------------------------ */
/* Building the engine's input                                               */

/* "r<i>" -> i, or -1: every input region's origin names its index. */
static long origin_index(const struct resv_list *l, uint32_t id)
{
	const struct resv_source *s = resv_list_source(l, id);
	char *end;
	long v;

	if (!s || !s->origin || s->origin[0] != 'r')
		return -1;
	v = strtol(s->origin + 1, &end, 10);
	return *end ? -1 : v;
}

static struct resv_list *build_list(const struct gcase *g)
{
	struct resv_list *l;
	char origin[24];
	size_t i;

	assert_int_equal(resv_list_new(&l), 0);
	for (i = 0; i < g->n; i++) {
		const struct model_region *m = &g->r[i];
		const struct resv_region *got;
		enum resv_type t = (enum resv_type)m->type;

		snprintf(origin, sizeof(origin), "r%zu", i);
		if (m->zero_length)
			assert_int_equal(resv_list_add_length(l, m->start, 0, t,
					 m->prot, origin, NULL), 0);
		else if (g->by_length[i])
			assert_int_equal(resv_list_add_length(l, m->start,
					 m->last - m->start + 1, t, m->prot,
					 origin, NULL), 0);
		else
			assert_int_equal(resv_list_add(l, m->start, m->last, t,
					 m->prot, origin, NULL), 0);
		/* the engine must have stored what the model assumes */
		got = resv_list_region(l, i);
		assert_non_null(got);
		assert_true(got->start == m->start && got->last == m->last);
		assert_int_equal(got->type, m->type);
		assert_int_equal(got->prot, m->prot);
		assert_int_equal(got->zero_length, m->zero_length);
		assert_int_equal(got->nsources, 1);
		assert_int_equal(origin_index(l, got->sources[0]), (long)i);
	}
	return l;
}

/* A list (input or view) read back as model regions, ids = positions. */
static size_t read_list(const struct resv_list *l, struct model_region *v,
			size_t max)
{
	size_t i, n = resv_list_count(l);

	assert_true(n <= max);
	for (i = 0; i < n; i++) {
		const struct resv_region *r = resv_list_region(l, i);

		v[i].start = r->start;
		v[i].last = r->last;
		v[i].type = (int)r->type;
		v[i].prot = r->prot;
		v[i].zero_length = r->zero_length;
		v[i].id = (uint32_t)i;
	}
	return n;
}

static bool case_selected(size_t c)
{
	return only_case < 0 || (size_t)only_case == c;
}

static size_t ncases(size_t dflt)
{
	size_t n = dflt * scale / 100;

	return n ? n : 1;
}

/* Sources of r, as input indexes, equal ids[0..nids)? */
static bool sources_equal(const struct resv_list *l,
			  const struct resv_region *r, const uint32_t *ids,
			  size_t nids)
{
	size_t k;

	if (r->nsources != nids)
		return false;
	for (k = 0; k < nids; k++)
		if (origin_index(l, r->sources[k]) != (long)ids[k])
			return false;
	return true;
}

static size_t total_cases;

/* ------------------------------------------------------------------------ */
/* 1. kernel view == the kernel's list algorithm                             */

static const char *kernel_mismatch(const struct resv_list *kv,
				   unsigned int quirks,
				   const struct model_list *m,
				   unsigned int mquirks)
{
	size_t i;

	if (resv_list_count(kv) != m->count)
		return "count differs";
	for (i = 0; i < m->count; i++) {
		const struct resv_region *r = resv_list_region(kv, i);
		const struct model_out *o = &m->v[i];

		if (r->start != o->start || r->last != o->last)
			return "range differs";
		if ((int)r->type != o->type)
			return "type differs";
		if (r->prot != o->prot)
			return "prot differs";
		if (r->zero_length != o->zero_length)
			return "zero_length differs";
		if (!sources_equal(kv, r, o->ids, o->nids))
			return "sources differ";
	}
	if (quirks != mquirks)
		return "quirks differ";
	return NULL;
}

/* NULL when the engine agrees with the model, else the story; *why says. */
static char *kernel_case_story(const struct gcase *g, const char **why)
{
	struct resv_list *in = build_list(g), *kv = NULL;
	struct model_list m;
	unsigned int quirks = ~0u, mquirks = ~0u;
	struct sbuf b;

	assert_int_equal(resv_list_kernel_view(&kv, in, &quirks), 0);
	assert_int_equal(kernel_list_view(&m, g->r, g->n, true, &mquirks), 0);
	*why = kernel_mismatch(kv, quirks, &m, mquirks);
	if (*why) {
		sb_open(&b);
		dump_input(b.f, g->r, g->n);
		dump_engine(b.f, "resv_list_kernel_view", kv);
		fprintf(b.f, "  quirks %#x\n", quirks);
		dump_model(b.f, "kernel_list model", &m);
		fprintf(b.f, "  quirks %#x\n", mquirks);
	}
	model_list_free(&m);
	resv_list_free(kv);
	resv_list_free(in);
	return *why ? sb_close(&b) : NULL;
}

static void test_kernel_view_matches_list_model(void **state)
{
	struct gcase g;
	size_t c, n = ncases(50000);

	(void)state;
	for (c = 0; c < n; c++) {
		struct rng r = case_rng(1, c);
		const char *why;
		char *text;

		if (!case_selected(c))
			continue;
		gen_case(&r, &g);
		text = kernel_case_story(&g, &why);
		if (text)
			fail_case(text, "kernel view", c, why, "");
		total_cases++;
	}
}

/*
 * 1b. The kernel view's two algorithms (lib/engine/region.c): where no
 * region ends at UINT64_MAX and none is zero-length, the radix sort with
 * one merging pass per type gives exactly what the replay of the kernel's
 * insertions gives: regions, prot, sources in order. Cases with a wrap or
 * a zero-length region have it removed (last pulled below UINT64_MAX, the
 * length made 1), so every case tests something.
 */
int list_kernel_view_replay(struct resv_list **out, const struct resv_list *in,
			    unsigned int *quirks);
int list_kernel_view_sorted(struct resv_list **out, const struct resv_list *in);

static const char *views_differ(const struct resv_list *a, const struct resv_list *b)
{
	if (resv_list_count(a) != resv_list_count(b))
		return "region counts differ";
	for (size_t i = 0; i < resv_list_count(a); i++) {
		const struct resv_region *x = resv_list_region(a, i), *y = resv_list_region(b, i);

		if (x->start != y->start || x->last != y->last || x->type != y->type ||
		    x->prot != y->prot || x->zero_length != y->zero_length)
			return "a region differs";
		if (x->nsources != y->nsources)
			return "source counts differ";
		for (size_t k = 0; k < x->nsources; k++) {
			const struct resv_source *p = resv_list_source(a, x->sources[k]);
			const struct resv_source *q = resv_list_source(b, y->sources[k]);

			if (strcmp(p->origin, q->origin) != 0 || p->line != q->line)
				return "sources differ";
		}
	}
	return NULL;
}

static void test_kernel_view_sorted_matches_replay(void **state)
{
	struct gcase g;
	size_t c, n = ncases(50000);

	(void)state;
	for (c = 0; c < n; c++) {
		struct rng r = case_rng(8, c);
		struct resv_list *in, *replay = NULL, *sorted = NULL;
		unsigned int quirks = ~0u;
		const char *why;

		if (!case_selected(c))
			continue;
		gen_case(&r, &g);
		for (size_t i = 0; i < g.n; i++) {
			if (g.r[i].zero_length) {
				g.r[i].zero_length = false;
				g.r[i].last = g.r[i].start;
				g.by_length[i] = false;
			}
			if (g.r[i].last == M)
				g.r[i].last = M - 1;
			if (g.r[i].start > g.r[i].last)
				g.r[i].start = g.r[i].last;
		}
		in = build_list(&g);
		assert_int_equal(list_kernel_view_replay(&replay, in, &quirks), 0);
		assert_int_equal(list_kernel_view_sorted(&sorted, in), 0);
		why = quirks ? "the replay reports a quirk" : views_differ(replay, sorted);
		if (why) {
			struct sbuf b;

			sb_open(&b);
			dump_input(b.f, g.r, g.n);
			dump_engine(b.f, "replay", replay);
			dump_engine(b.f, "radix sort + one pass", sorted);
			fail_case(sb_close(&b), "kernel view: sorted = replay", c, why, "");
		}
		resv_list_free(replay);
		resv_list_free(sorted);
		resv_list_free(in);
		total_cases++;
	}
}

/* ------------------------------------------------------------------------ */
/* 2. resolved view, address by address, and its canonical form              */

static bool engine_covers(const struct resv_list *l, int type, uint64_t a)
{
	size_t i, n = resv_list_count(l);

	for (i = 0; i < n; i++) {
		const struct resv_region *r = resv_list_region(l, i);

		if ((int)r->type == type && !r->zero_length &&
		    r->start <= a && a <= r->last)
			return true;
	}
	return false;
}

static bool intersects(const struct model_region *m, uint64_t s, uint64_t l)
{
	return !m->zero_length && m->start <= l && s <= m->last;
}

static const char *resolved_mismatch(const struct gcase *g,
				     const struct resv_list *rv,
				     char *detail, size_t dlen)
{
	uint64_t samples[NAIVE_SAMPLES];
	size_t i, k, n = resv_list_count(rv), ns = naive_samples(samples);
	int t;

	for (i = 0; i < n; i++) {
		const struct resv_region *r = resv_list_region(rv, i);
		long prev = -1;
		size_t j;

		snprintf(detail, dlen, "output #%zu", i);
		if (r->zero_length || r->start > r->last)
			return "zero-length or inverted region";
		if (!naive_endpoint_ok(r->start) || !naive_endpoint_ok(r->last))
			return "endpoint no input endpoint explains";
		if (i > 0) {
			const struct resv_region *p = resv_list_region(rv, i - 1);

			if (p->start > r->start ||
			    (p->start == r->start && p->type >= r->type))
				return "not sorted by (start, type)";
		}
		/* the previous region of the same type: no overlap, no touch */
		for (j = i; j-- > 0; ) {
			const struct resv_region *p = resv_list_region(rv, j);

			if (p->type != r->type)
				continue;
			if (p->last == M || r->start <= p->last + 1)
				return "same-type regions overlap or touch";
			break;
		}
		if (r->nsources == 0)
			return "no sources";
		for (k = 0; k < r->nsources; k++) {
			long x = origin_index(rv, r->sources[k]);

			if (x < 0 || (size_t)x >= g->n)
				return "source names no input region";
			if (x <= prev)
				return "sources not in input order / repeated";
			prev = x;
			if (g->r[x].type != (int)r->type)
				return "source of another type";
			if (!intersects(&g->r[x], r->start, r->last))
				return "source does not intersect the region";
		}
		/* and every input of the type that meets it is a source */
		for (j = 0; j < g->n; j++) {
			bool found = false;

			if (g->r[j].type != (int)r->type ||
			    !intersects(&g->r[j], r->start, r->last))
				continue;
			for (k = 0; k < r->nsources; k++)
				if (origin_index(rv, r->sources[k]) == (long)j)
					found = true;
			if (!found) {
				snprintf(detail, dlen, "output #%zu, r%zu", i, j);
				return "an intersecting input of the type is not a source";
			}
		}
	}
	for (t = 0; t < RESV_TYPE_COUNT; t++) {
		for (k = 0; k < ns; k++) {
			bool want = naive_resolved_covers(g->r, g->n, t,
							  samples[k]);

			if (engine_covers(rv, t, samples[k]) != want) {
				snprintf(detail, dlen, "%s at %#" PRIx64 ": %s",
					 tname(t), samples[k],
					 want ? "missing" : "extra");
				return "coverage differs";
			}
		}
	}
	return NULL;
}

static void test_resolved_view_per_address(void **state)
{
	struct gcase g;
	size_t c, n = ncases(35000);
	char detail[96];

	(void)state;
	for (c = 0; c < n; c++) {
		struct rng r = case_rng(2, c);
		struct resv_list *in, *rv = NULL;
		const char *why;
		struct sbuf b;

		if (!case_selected(c))
			continue;
		gen_case(&r, &g);
		in = build_list(&g);
		assert_int_equal(resv_list_resolved_view(&rv, in), 0);
		why = resolved_mismatch(&g, rv, detail, sizeof(detail));
		if (why) {
			sb_open(&b);
			dump_input(b.f, g.r, g.n);
			dump_engine(b.f, "resv_list_resolved_view", rv);
			resv_list_free(rv);
			resv_list_free(in);
			fail_case(sb_close(&b), "resolved view", c, why, detail);
		}
		resv_list_free(rv);
		resv_list_free(in);
		total_cases++;
	}
}

/* ------------------------------------------------------------------------ */
/* 3. usable IOVA ranges, 4. complement: both are range lists                */

/*
 * Sorted, disjoint ranges; two may touch only at @cut_at's addresses (VFIO
 * cuts a usable range at a zero-length region's start), NULL for none.
 */
static const char *ranges_shape(const struct resv_range_list *l,
				bool (*cut_at)(const struct gcase *, bool, uint64_t),
				const struct gcase *g, bool strict)
{
	size_t i;

	for (i = 0; i < l->count; i++) {
		const struct resv_range *r = &l->ranges[i];

		if (r->start > r->last)
			return "inverted range";
		if (!naive_endpoint_ok(r->start) || !naive_endpoint_ok(r->last))
			return "endpoint no input endpoint explains";
		if (i > 0 && l->ranges[i - 1].last != M &&
		    r->start == l->ranges[i - 1].last + 1 && cut_at &&
		    cut_at(g, strict, r->start))
			continue;
		if (i > 0 && (l->ranges[i - 1].last == M ||
			      r->start <= l->ranges[i - 1].last + 1))
			return "ranges unsorted, overlapping or touching";
	}
	return NULL;
}

/* A zero-length region the usable view counts starts at @a (VFIO's cut). */
static bool zero_length_cut(const struct gcase *g, bool strict, uint64_t a)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->r[i].zero_length && g->r[i].start == a && a != 0 &&
		    (strict || g->r[i].type != MODEL_TYPE_RELAXABLE))
			return true;
	return false;
}

static bool ranges_contain(const struct resv_range_list *l, uint64_t a)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (l->ranges[i].start <= a && a <= l->ranges[i].last)
			return true;
	return false;
}

static void random_window(struct rng *r, uint64_t *lo, uint64_t *hi)
{
	unsigned int s, l;

	switch (rng_below(r, 10)) {
	case 0:
	case 1:
		*lo = 0;
		*hi = M;
		return;
	case 2:			/* one address */
		*lo = *hi = addr_of(coord_any(r));
		return;
	default:
		s = coord_any(r);
		l = coord_any(r);
		*lo = addr_of(s < l ? s : l);
		*hi = addr_of(s < l ? l : s);
	}
}

static void test_usable_per_address(void **state)
{
	uint64_t samples[NAIVE_SAMPLES];
	size_t c, k, n = ncases(35000), ns = naive_samples(samples);
	struct gcase g;

	(void)state;
	for (c = 0; c < n; c++) {
		struct rng r = case_rng(3, c);
		struct resv_range_list *out = NULL, *untouched;
		struct resv_list *in;
		struct resv_range ap;
		unsigned int flags;
		const char *why = NULL;
		char detail[96] = "";
		struct sbuf b;

		if (!case_selected(c))
			continue;
		gen_case(&r, &g);
		in = build_list(&g);
		random_window(&r, &ap.start, &ap.last);
		flags = rng_below(&r, 2) ? RESV_USABLE_STRICT : 0;
		assert_int_equal(resv_list_usable(&out, in, ap, flags), 0);
		assert_non_null(out);
		why = ranges_shape(out, zero_length_cut, &g, flags & RESV_USABLE_STRICT);
		for (k = 0; !why && k < ns; k++) {
			bool want = naive_usable(g.r, g.n, ap.start, ap.last,
						 flags & RESV_USABLE_STRICT,
						 samples[k]);

			if (ranges_contain(out, samples[k]) != want) {
				snprintf(detail, sizeof(detail),
					 "at %#" PRIx64 ": %s", samples[k],
					 want ? "missing" : "extra");
				why = "usable set differs";
			}
		}
		if (why) {
			sb_open(&b);
			dump_input(b.f, g.r, g.n);
			fprintf(b.f, "aperture [%#" PRIx64 ", %#" PRIx64
				"] flags %#x\n", ap.start, ap.last, flags);
			dump_ranges(b.f, "resv_list_usable", out);
			resv_range_list_free(out);
			resv_list_free(in);
			fail_case(sb_close(&b), "usable", c, why, detail);
		}
		/* bad arguments fail and leave *out alone */
		untouched = out;
		if (ap.start < ap.last) {
			struct resv_range bad = { ap.last, ap.start };

			assert_int_equal(resv_list_usable(&out, in, bad, 0),
					 -EINVAL);
			assert_ptr_equal(out, untouched);
		}
		assert_int_equal(resv_list_usable(&out, in, ap, 1u << 7),
				 -EINVAL);
		assert_ptr_equal(out, untouched);
		resv_range_list_free(out);
		resv_list_free(in);
		total_cases++;
	}
}

static void test_complement_per_address(void **state)
{
	uint64_t samples[NAIVE_SAMPLES];
	size_t c, i, k, n = ncases(25000), ns = naive_samples(samples);
	struct gcase g;

	(void)state;
	for (c = 0; c < n; c++) {
		struct rng r = case_rng(4, c);
		struct resv_range in[MAX_REGIONS];
		uint64_t st[MAX_REGIONS], la[MAX_REGIONS], lo, hi;
		struct resv_range_list *out = NULL, *untouched;
		size_t nin = 0;
		const char *why = NULL;
		char detail[96] = "";
		struct sbuf b;

		if (!case_selected(c))
			continue;
		gen_case(&r, &g);
		for (i = 0; i < g.n; i++) {
			if (g.r[i].zero_length)
				continue;
			in[nin].start = st[nin] = g.r[i].start;
			in[nin].last = la[nin] = g.r[i].last;
			nin++;
		}
		random_window(&r, &lo, &hi);
		assert_int_equal(resv_ranges_complement(&out, in, nin, lo, hi),
				 0);
		assert_non_null(out);
		why = ranges_shape(out, NULL, NULL, false);
		for (k = 0; !why && k < ns; k++) {
			bool want = naive_complement(st, la, nin, lo, hi,
						     samples[k]);

			if (ranges_contain(out, samples[k]) != want) {
				snprintf(detail, sizeof(detail),
					 "at %#" PRIx64 ": %s", samples[k],
					 want ? "missing" : "extra");
				why = "complement differs";
			}
		}
		if (why) {
			sb_open(&b);
			fprintf(b.f, "ranges (%zu):\n", nin);
			for (i = 0; i < nin; i++)
				fprintf(b.f, "  [%#" PRIx64 ", %#" PRIx64 "]\n",
					st[i], la[i]);
			fprintf(b.f, "window [%#" PRIx64 ", %#" PRIx64 "]\n",
				lo, hi);
			dump_ranges(b.f, "resv_ranges_complement", out);
			resv_range_list_free(out);
			fail_case(sb_close(&b), "complement", c, why, detail);
		}
		untouched = out;
		if (lo < hi) {
			assert_int_equal(resv_ranges_complement(&out, in, nin,
								hi, lo),
					 -EINVAL);
			assert_ptr_equal(out, untouched);
		}
		if (nin > 0) {
			struct resv_range keep = in[nin - 1];

			if (keep.start < keep.last) {
				in[nin - 1].start = keep.last;
				in[nin - 1].last = keep.start;
				assert_int_equal(resv_ranges_complement(&out,
						 in, nin, lo, hi), -EINVAL);
				assert_ptr_equal(out, untouched);
			}
		}
		resv_range_list_free(out);
		total_cases++;
	}
}

/* ------------------------------------------------------------------------ */
/* 5. overlay == QEMU's resv_region_list_insert()                            */

static const char *overlay_mismatch(const struct gcase *g,
				    const struct resv_list *ov,
				    const struct model_list *m)
{
	uint64_t samples[NAIVE_SAMPLES];
	size_t i, k, ns = naive_samples(samples);

	/* the model itself against the per-address "latest wins" truth */
	for (k = 0; k < ns; k++) {
		long own = naive_overlay_owner(g->r, g->n, samples[k]), got = -1;

		for (i = 0; i < m->count; i++)
			if (m->v[i].start <= samples[k] &&
			    samples[k] <= m->v[i].last)
				got = (long)m->v[i].ids[0];
		if (got != own)
			return "MODEL BUG: qemu_list disagrees with latest-wins";
	}
	/* pieces are the maximal runs of one owner: never two touching */
	for (i = 1; i < m->count; i++)
		if (m->v[i].ids[0] == m->v[i - 1].ids[0] &&
		    m->v[i - 1].last + 1 == m->v[i].start)
			return "MODEL BUG: qemu_list split a piece for nothing";
	if (resv_list_count(ov) != m->count)
		return "count differs";
	for (i = 0; i < m->count; i++) {
		const struct resv_region *r = resv_list_region(ov, i);
		const struct model_out *o = &m->v[i];

		if (r->start != o->start || r->last != o->last)
			return "range differs";
		if ((int)r->type != o->type)
			return "type differs";
		if (r->prot != o->prot)
			return "prot differs";
		if (r->zero_length)
			return "zero-length piece";
		if (!sources_equal(ov, r, o->ids, o->nids))
			return "sources differ";
	}
	return NULL;
}

static void test_overlay_matches_qemu_model(void **state)
{
	struct gcase g;
	size_t c, n = ncases(30000);

	(void)state;
	for (c = 0; c < n; c++) {
		struct rng r = case_rng(5, c);
		struct resv_list *in, *ov = NULL;
		struct model_list m;
		const char *why;
		struct sbuf b;

		if (!case_selected(c))
			continue;
		gen_case(&r, &g);
		in = build_list(&g);
		assert_int_equal(resv_list_overlay(&ov, in), 0);
		assert_int_equal(qemu_list_overlay(&m, g.r, g.n), 0);
		why = overlay_mismatch(&g, ov, &m);
		if (why) {
			sb_open(&b);
			dump_input(b.f, g.r, g.n);
			dump_engine(b.f, "resv_list_overlay", ov);
			dump_model(b.f, "qemu_list model", &m);
			model_list_free(&m);
			resv_list_free(ov);
			resv_list_free(in);
			fail_case(sb_close(&b), "overlay", c, why, "");
		}
		model_list_free(&m);
		resv_list_free(ov);
		resv_list_free(in);
		total_cases++;
	}
}

/* ------------------------------------------------------------------------ */
/* 6. index queries == a linear scan                                         */

/* NULL, or the story of the first wrong answer. */
static char *check_index_on(const struct resv_list *l, struct rng *r,
			    const struct gcase *g, const char *which)
{
	struct model_region v[4 * MAX_REGIONS];
	size_t n = read_list(l, v, 4 * MAX_REGIONS), q;
	struct resv_index *ix[2];
	int cls;

	assert_int_equal(resv_index_new(&ix[0], l, RESV_CLASS_ANY), 0);
	assert_int_equal(resv_index_new(&ix[1], l, RESV_CLASS_NON_RELAXABLE),
			 0);
	for (q = 0; q < 12; q++) {
		uint64_t a, b;
		bool swapped = false;

		if (rng_below(r, 4) == 0) {
			a = addr_of(coord_any(r));
			b = a;
		} else {
			random_window(r, &a, &b);
			/* an inverted query now and then: -EINVAL */
			if (a < b && rng_below(r, 8) == 0) {
				uint64_t t = a;

				a = b;
				b = t;
				swapped = true;
			}
		}
		for (cls = 0; cls < 2; cls++) {
			size_t pos = (size_t)-7;
			long want = swapped ? -1 :
				    naive_index_first(v, n, cls, a, b);
			int rc = resv_index_first(ix[cls], a, b, &pos);
			int want_rc = swapped ? -EINVAL : want < 0 ? -ENOENT : 0;
			struct sbuf sb;

			if (rc == want_rc &&
			    (rc ? pos == (size_t)-7 : pos == (size_t)want))
				continue;
			sb_open(&sb);
			dump_input(sb.f, g->r, g->n);
			dump_engine(sb.f, which, l);
			fprintf(sb.f, "query [%#" PRIx64 ", %#" PRIx64 "] class %s: "
				"engine rc %d pos %zu, scan rc %d pos %ld\n",
				a, b, cls ? "non-relaxable" : "any", rc,
				pos, want_rc, want);
			resv_index_free(ix[0]);
			resv_index_free(ix[1]);
			return sb_close(&sb);
		}
	}
	resv_index_free(ix[0]);
	resv_index_free(ix[1]);
	return NULL;
}

static void test_index_matches_scan(void **state)
{
	struct gcase g;
	size_t c, n = ncases(25000);

	(void)state;
	for (c = 0; c < n; c++) {
		struct rng r = case_rng(6, c);
		struct resv_list *in, *kv = NULL;
		const char *which;
		char *text;

		if (!case_selected(c))
			continue;
		gen_case(&r, &g);
		in = build_list(&g);
		/* unsorted input, and the kernel view (overlaps, zero length) */
		which = "input list";
		text = check_index_on(in, &r, &g, which);
		assert_int_equal(resv_list_kernel_view(&kv, in, NULL), 0);
		if (!text) {
			which = "kernel view";
			text = check_index_on(kv, &r, &g, which);
		}
		resv_list_free(kv);
		if (text) {
			resv_list_free(in);
			fail_case(text, "index", c, "answer differs", which);
		}
		resv_list_free(in);
		total_cases++;
	}
}

/* ------------------------------------------------------------------------ */
/* Hand-written: the kernel algorithm's corner cases, model and engine.      */

struct corner {
	const char *name;
	size_t n;
	struct model_region in[4];
	size_t nout;
	struct model_region out[4];	/* id unused */
	unsigned int quirks;
};

#define Z(s, t, p)	{ (s), (s) - 1, (t), (p), true, 0 }
#define G(s, l, t, p)	{ (s), (l), (t), (p), false, 0 }

static const struct corner corners[] = {
	{ "a region kept apart by the wrap absorbs a later one",
	  3, { G(10, M, 0, 1), G(20, 30, 0, 2), G(25, 40, 0, 3) },
	  2, { G(10, M, 0, 1), G(20, 40, 0, 2) }, MODEL_QUIRK_TOP_WRAP },
	{ "a later region starting at 0 still merges under the wrap",
	  2, { G(10, M, 0, 1), G(0, 9, 0, 2) },
	  1, { G(0, M, 0, 2) }, 0 },
	{ "zero length at 0 ends at UINT64_MAX and keeps others apart",
	  2, { Z(0, 2, 1), G(3, 4, 2, 2) },
	  2, { Z(0, 2, 1), G(3, 4, 2, 2) },
	  MODEL_QUIRK_TOP_WRAP | MODEL_QUIRK_ZERO_LENGTH },
	{ "zero length then a region at the same start: it sorts first",
	  2, { Z(5, 0, 1), G(5, 9, 0, 2) },
	  1, { G(5, 9, 0, 2) }, 0 },
	{ "a region then zero length at its start: the empty one grows",
	  2, { G(5, 9, 0, 2), Z(5, 0, 1) },
	  1, { G(5, 9, 0, 1) }, 0 },
	{ "zero length just past a region is touching, so absorbed",
	  2, { G(0, 9, 4, 2), Z(10, 4, 1) },
	  1, { G(0, 9, 4, 2) }, 0 },
	{ "zero length one byte further stays, printed last = start - 1",
	  2, { G(0, 8, 4, 2), Z(10, 4, 1) },
	  2, { G(0, 8, 4, 2), Z(10, 4, 1) }, MODEL_QUIRK_ZERO_LENGTH },
	{ "a region merged before the wrap stays merged (kernel is incremental)",
	  3, { G(1, 5, 0, 1), G(4, 8, 0, 2), G(2, M, 0, 3) },
	  1, { G(1, M, 0, 1) }, 0 },
	{ "the same regions in another order: the wrap keeps one apart",
	  3, { G(2, M, 0, 3), G(1, 5, 0, 1), G(4, 8, 0, 2) },
	  2, { G(1, M, 0, 1), G(4, 8, 0, 2) }, MODEL_QUIRK_TOP_WRAP },
	{ "zero length at 0 absorbing a region keeps its length 0",
	  2, { G(0, 0, 4, 1), Z(0, 4, 2) },
	  1, { Z(0, 4, 2) }, MODEL_QUIRK_ZERO_LENGTH },
	{ "zero length at UINT64_MAX",
	  1, { Z(M, 3, 0) }, 1, { Z(M, 3, 0) }, MODEL_QUIRK_ZERO_LENGTH },
};

/* Every corner is tried; the engine's disagreements are listed, then fail. */
static void test_kernel_corners(void **state)
{
	size_t i, j, bad = 0;
	const char *why;
	char *text;

	(void)state;
	for (i = 0; i < sizeof(corners) / sizeof(corners[0]); i++) {
		const struct corner *k = &corners[i];
		struct gcase g = { .n = k->n };
		struct model_list m;
		unsigned int q;

		for (j = 0; j < k->n; j++) {
			g.r[j] = k->in[j];
			g.r[j].id = (uint32_t)j;
		}
		/* the model first: these are what the kernel text says */
		assert_int_equal(kernel_list_view(&m, g.r, g.n, true, &q), 0);
		if (m.count != k->nout || q != k->quirks)
			fail_msg("model: %s: %zu regions, quirks %#x", k->name,
				 m.count, q);
		for (j = 0; j < k->nout; j++) {
			const struct model_out *o = &m.v[j];
			const struct model_region *e = &k->out[j];

			if (o->start != e->start || o->last != e->last ||
			    o->type != e->type || o->prot != e->prot ||
			    o->zero_length != e->zero_length)
				fail_msg("model: %s: region %zu", k->name, j);
		}
		model_list_free(&m);
		/* then the engine, against the model */
		text = kernel_case_story(&g, &why);
		if (text) {
			printf("corner \"%s\": %s\n%s", k->name, why, text);
			fflush(stdout);
			free(text);
			bad++;
		}
	}
	if (bad)
		fail_msg("%zu of %zu kernel corners: the engine differs from the model",
			 bad, sizeof(corners) / sizeof(corners[0]));
}

/* ------------------------------------------------------------------------ */

static int report(void **state)
{
	(void)state;
	print_message("property: seed %#" PRIx64 ", %zu random cases\n",
		      base_seed, total_cases);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_corners),
		cmocka_unit_test(test_kernel_view_matches_list_model),
		cmocka_unit_test(test_kernel_view_sorted_matches_replay),
		cmocka_unit_test(test_resolved_view_per_address),
		cmocka_unit_test(test_usable_per_address),
		cmocka_unit_test(test_complement_per_address),
		cmocka_unit_test(test_overlay_matches_qemu_model),
		cmocka_unit_test(test_index_matches_scan),
	};
	const char *s;

	s = getenv("PROPERTY_SEED");
	if (s && *s)
		base_seed = strtoull(s, NULL, 0);
	s = getenv("PROPERTY_SCALE");
	if (s && *s)
		scale = (unsigned int)strtoul(s, NULL, 10);
	s = getenv("PROPERTY_ONLY");
	if (s && *s)
		only_case = strtol(s, NULL, 10);
	return cmocka_run_group_tests(tests, NULL, report);
}
