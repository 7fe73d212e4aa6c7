// SPDX-License-Identifier: MIT
/*
 * bench-region: the cost of the kernel view, against the kernel's own
 * algorithm and against a plain sort, and the rate of index queries.
 *
 *  (a) engine   resv_list_kernel_view(), the view build only (the
 *               resv_list_add() calls are timed apart, column "add")
 *  (b) list     tests/model/kernel_list.c: iommu.c iommu_insert_resv_region()
 *               (v5.4+) on a linked list, O(n) per region, O(n^2) in all
 *  (c) qsort    qsort() of the same region structs by (start, type): the
 *               floor any sorted view pays
 *
 * Random regions: start uniform in [0, 2^40), length uniform in
 * [2^12, 2^24], type uniform over the five, prot uniform; fixed seed.
 * Figures are the best of five batches, each batch long enough (>= 50 ms)
 * for the clock. Targets are printed as PASS/FAIL; they never change the
 * exit status: this is a measurement, not a test.
 */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <iommu-resv.h>

#include "../tests/model/model.h"

#define SEED		0xbe9c4a11d5eed001ULL
#define BATCHES		5
#define BATCH_NS	50000000.0	/* 50 ms */
#define NQUERIES	1000000
#define QUERY_SPAN	(1u << 16)	/* b = a + [0, 2^16) */


static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p) {
		fprintf(stderr, "bench-region: out of memory\n");
		exit(1);
	}
	return p;
}

static void check(int rc, const char *what)
{
	if (rc >= 0)
		return;
	fprintf(stderr, "bench-region: %s: %s\n", what, strerror(-rc));
	exit(1);
}

static struct model_region *random_regions(size_t n, uint64_t seed)
{
	struct model_region *v = xmalloc(n * sizeof(*v));
	struct rng r = { seed };
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t len = (1ULL << 12) +
			       rng_next(&r) % ((1ULL << 24) - (1ULL << 12) + 1);

		v[i].start = rng_next(&r) & ((1ULL << 40) - 1);
		v[i].last = v[i].start + len - 1;
		v[i].type = (int)(rng_next(&r) % RESV_TYPE_COUNT);
		v[i].prot = (uint32_t)(rng_next(&r) & 63);
		v[i].zero_length = false;
		v[i].id = (uint32_t)i;
	}
	return v;
}

static struct resv_list *engine_list(const struct model_region *v, size_t n)
{
	struct resv_list *l;
	size_t i;

	check(resv_list_new(&l), "resv_list_new");
	for (i = 0; i < n; i++)
		check(resv_list_add(l, v[i].start, v[i].last,
				    (enum resv_type)v[i].type, v[i].prot,
				    "bench", NULL), "resv_list_add");
	return l;
}

/*
 * One timed operation. run() does the work once and returns the time of
 * the part that counts, in ns (set-up and clean-up excluded).
 */
struct job {
	struct model_region *v;
	size_t n;
	struct resv_list *list;
	struct model_region *scratch;
};

typedef double (*run_fn)(struct job *j);

static double run_add(struct job *j)
{
	double t0 = now_ns(), t;
	struct resv_list *l = engine_list(j->v, j->n);

	t = now_ns() - t0;
	resv_list_free(l);
	return t;
}

static double run_engine(struct job *j)
{
	struct resv_list *view;
	unsigned int quirks;
	double t0 = now_ns(), t;

	check(resv_list_kernel_view(&view, j->list, &quirks),
	      "resv_list_kernel_view");
	t = now_ns() - t0;
	resv_list_free(view);
	return t;
}

static double run_kernel_list(struct job *j)
{
	struct model_list m;
	double t0 = now_ns(), t;

	check(kernel_list_view(&m, j->v, j->n, false, NULL),
	      "kernel_list_view");
	t = now_ns() - t0;
	model_list_free(&m);
	return t;
}

/* (a) and (b) compute the same thing: a cheap guard on the figures. */
static bool same_view(struct job *j)
{
	struct resv_list *view;
	struct model_list m;
	bool same;
	size_t i;

	check(resv_list_kernel_view(&view, j->list, NULL),
	      "resv_list_kernel_view");
	check(kernel_list_view(&m, j->v, j->n, false, NULL),
	      "kernel_list_view");
	same = resv_list_count(view) == m.count;
	for (i = 0; same && i < m.count; i++) {
		const struct resv_region *e = resv_list_region(view, i);

		same = e->start == m.v[i].start && e->last == m.v[i].last &&
		       (int)e->type == m.v[i].type && e->prot == m.v[i].prot;
	}
	resv_list_free(view);
	model_list_free(&m);
	return same;
}

static int cmp_start_type(const void *a, const void *b)
{
	const struct model_region *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->type > y->type) - (x->type < y->type);
}

static double run_qsort(struct job *j)
{
	double t0;

	memcpy(j->scratch, j->v, j->n * sizeof(*j->v));
	t0 = now_ns();
	qsort(j->scratch, j->n, sizeof(*j->scratch), cmp_start_type);
	return now_ns() - t0;
}

/* Best batch mean, in ns per region. */
static double measure(run_fn run, struct job *j)
{
	double best = 0, first;
	unsigned long reps, r;
	int b;

	first = run(j);		/* warm-up, and a first estimate */
	reps = first >= BATCH_NS ? 1 : (unsigned long)(BATCH_NS / (first + 1)) + 1;
	for (b = 0; b < BATCHES; b++) {
		double sum = 0;

		for (r = 0; r < reps; r++)
			sum += run(j);
		sum /= (double)reps;
		if (b == 0 || sum < best)
			best = sum;
	}
	return best / (double)j->n;
}

/* Keeps the answers alive, so the query loop cannot be dropped. */
static volatile size_t sink;

/* Queries per second of resv_index_first() on @list. */
static double query_rate(const struct resv_list *list, enum resv_class class,
			 const uint64_t *qa, const uint64_t *qb,
			 unsigned long *hits)
{
	struct resv_index *ix;
	double best = 0;
	int b;

	check(resv_index_new(&ix, list, class), "resv_index_new");
	for (b = 0; b < BATCHES; b++) {
		unsigned long found = 0;
		size_t i, pos;
		double t0 = now_ns(), t;

		for (i = 0; i < NQUERIES; i++) {
			if (resv_index_first(ix, qa[i], qb[i], &pos) == 0) {
				found++;
				sink += pos;
			}
		}
		t = now_ns() - t0;
		if (b == 0 || NQUERIES / t * 1e9 > best)
			best = NQUERIES / t * 1e9;
		*hits = found;
	}
	resv_index_free(ix);
	return best;
}

static const char *verdict(int ok)
{
	return ok ? "PASS" : "FAIL";
}

int main(void)
{
	static const size_t sizes[] = { 100, 10000, 1000000 };
	double a[3], b[3], c[3], add[3];
	double qany[2], qnon[2];
	uint64_t *qa, *qb;
	struct rng r = { SEED ^ 0x51 };
	struct resv_list *big = NULL, *view;
	bool agree = true;
	size_t k, i;

	printf("bench-region: kernel view of n random regions "
	       "(start < 2^40, length 2^12..2^24, 5 types; seed %#llx)\n\n",
	       (unsigned long long)SEED);
	printf("%9s %9s %11s %13s %10s %8s %9s\n", "n", "add", "(a) engine",
	       "(b) kern-list", "(c) qsort", "a/c", "b/a");
	printf("%9s %9s %11s %13s %10s %8s %9s\n", "", "ns/reg", "ns/reg",
	       "ns/reg", "ns/reg", "", "");
	for (k = 0; k < 3; k++) {
		size_t n = sizes[k];
		struct job j = { .n = n };
		bool skip_list = n > 100000;

		j.v = random_regions(n, SEED + k);
		j.scratch = xmalloc(n * sizeof(*j.scratch));
		add[k] = measure(run_add, &j);
		j.list = engine_list(j.v, n);
		a[k] = measure(run_engine, &j);
		c[k] = measure(run_qsort, &j);
		if (!skip_list) {
			agree &= same_view(&j);
			b[k] = measure(run_kernel_list, &j);
			printf("%9zu %9.1f %11.1f %13.1f %10.1f %8.2f %9.1f\n",
			       n, add[k], a[k], b[k], c[k], a[k] / c[k],
			       b[k] / a[k]);
		} else {
			/* O(n^2): ns per region grows linearly with n */
			b[k] = b[k - 1] * (double)n / (double)sizes[k - 1];
			printf("%9zu %9.1f %11.1f %12.0f* %10.1f %8.2f %8.0f*\n",
			       n, add[k], a[k], b[k], c[k], a[k] / c[k],
			       b[k] / a[k]);
		}
		if (n == 1000000)
			big = j.list;
		else
			resv_list_free(j.list);
		free(j.scratch);
		free(j.v);
	}
	if (!agree)
		printf("\nWARNING: (a) and (b) built different views\n");
	printf("\n* (b) not run at n = 10^6: the kernel's list insertion is "
	       "O(n) per region, O(n^2) in all;\n  estimated from n = 10^4 "
	       "as %.0f ns/region, i.e. about %.0f s for the whole list.\n",
	       b[2], b[2] * 1e6 / 1e9);

	/*
	 * Queries: on the 10^6 regions as added (unsorted, overlapping: the
	 * index has n entries), and on their kernel view.
	 */
	check(resv_list_kernel_view(&view, big, NULL), "resv_list_kernel_view");
	qa = xmalloc(NQUERIES * sizeof(*qa));
	qb = xmalloc(NQUERIES * sizeof(*qb));
	for (i = 0; i < NQUERIES; i++) {
		qa[i] = rng_next(&r) & ((1ULL << 40) - 1);
		qb[i] = qa[i] + rng_next(&r) % QUERY_SPAN;
	}
	printf("\nresv_index_first(), %d random [a, a + (0..2^16)] queries:\n",
	       NQUERIES);
	printf("  %-34s %14s %14s\n", "indexed list", "any /s",
	       "non-relax. /s");
	for (k = 0; k < 2; k++) {
		const struct resv_list *l = k ? view : big;
		unsigned long hany, hnon;

		qany[k] = query_rate(l, RESV_CLASS_ANY, qa, qb, &hany);
		qnon[k] = query_rate(l, RESV_CLASS_NON_RELAXABLE, qa, qb,
				     &hnon);
		printf("  %-20s %7zu regions %14.0f %14.0f   (hits %lu, %lu)\n",
		       k ? "kernel view," : "10^6 input regions,",
		       resv_list_count(l), qany[k], qnon[k], hany, hnon);
	}
	resv_list_free(view);
	resv_list_free(big);
	free(qa);
	free(qb);

	printf("\ntargets (reported, not enforced):\n");
	printf("  engine <= 2x qsort at 10^6:           a/c = %6.2f   %s\n",
	       a[2] / c[2], verdict(a[2] <= 2 * c[2]));
	printf("  list >= 100x engine at 10^4:          b/a = %6.1f   %s\n",
	       b[1] / a[1], verdict(b[1] >= 100 * a[1]));
	printf("  >= 10^7 queries/s at 10^6 (any):      %.3g/s   %s\n",
	       qany[0], verdict(qany[0] >= 1e7));
	printf("  >= 10^7 queries/s at 10^6 (non-rel.): %.3g/s   %s\n",
	       qnon[0], verdict(qnon[0] >= 1e7));
	return 0;
}
