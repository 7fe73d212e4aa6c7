// SPDX-License-Identifier: MIT
/*
 * Allocation failure at every allocation of every public operation that
 * allocates (issue #5, SQLite's habit): for n = 1, 2, ... the n-th allocation
 * fails, until a run completes without reaching n. Each failing run must
 * return -ENOMEM, leave its outputs untouched and its inputs unchanged, and
 * leak nothing (LeakSanitizer in the dev build, valgrind in make check); a
 * machine must still give the reference result when the call is repeated.
 *
 * The hook is the linker's --wrap (tests/meson.build): references to malloc
 * and friends from the library's objects and this file go to the __wrap_
 * functions below; cmocka's and libc's own calls do not. The library has no
 * test hook. opendir() and realpath() are wrapped too: both allocate and
 * document ENOMEM, and the library must not mistake that for a missing file.
 */
#include <dirent.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#ifdef HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include "../common/corpus.h"
#include "../common/hexfile.h"
#include "../common/tree.h"

#define EXAMPLES SRCDIR "/examples"
#define DATA SRCDIR "/tests/data"
#define GiB (1ull << 30)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------ */
/* The hook                                                                  */

/*
 * Under valgrind (the release build in make check) every run is some 40
 * times slower, so past the 50th allocation of an operation only every 10th
 * fails there: valgrind is there for uninitialised reads and leaks on the
 * error paths, and the dev build (ASan) fails every allocation.
 */
static unsigned long stride_from = ULONG_MAX, stride = 1;

static unsigned long fail_at;	/* the allocation that fails; 0: none */
static unsigned long calls;	/* allocations since armed */
static bool fired;
static unsigned long total_points;

static bool inject(void)
{
	if (!fail_at || ++calls != fail_at)
		return false;
	fired = true;
	if (getenv("ALLOC_TRACE")) {	/* where each injected failure happens */
		void *bt[16];

		backtrace_symbols_fd(bt, backtrace(bt, ARRAY_SIZE(bt)), 2);
	}
	errno = ENOMEM;
	return true;
}

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
DIR *__real_opendir(const char *path);
DIR *__real_fdopendir(int fd);
char *__real_realpath(const char *path, char *resolved);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
DIR *__wrap_opendir(const char *path);
DIR *__wrap_fdopendir(int fd);
char *__wrap_realpath(const char *path, char *resolved);

void *__wrap_malloc(size_t size)
{
	return inject() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return inject() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return inject() ? NULL : __real_realloc(p, size);
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
	return inject() ? NULL : __real_aligned_alloc(align, size);
}

char *__wrap_strdup(const char *s)
{
	return inject() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return inject() ? NULL : __real_strndup(s, n);
}

DIR *__wrap_opendir(const char *path)
{
	return inject() ? NULL : __real_opendir(path);
}

DIR *__wrap_fdopendir(int fd)
{
	if (inject())
		return NULL;	/* as glibc: errno set, the descriptor still the caller's */
	return __real_fdopendir(fd);
}

char *__wrap_realpath(const char *path, char *resolved)
{
	return inject() ? NULL : __real_realpath(path, resolved);
}

/*
 * One loop over the allocations of an operation:
 *
 *	struct inject inj = { "what" };
 *	while (inject_next(&inj)) {
 *		rc = operation();
 *		if (inject_failed(&inj, rc)) { check outputs and inputs; continue; }
 *		check the result;
 *	}
 */
struct inject {
	const char *what;
	bool none;		/* the operation allocates nothing */
	bool quiet;		/* the caller reports the count */
	unsigned long every;	/* past the first 20 points, only every this many */
	unsigned long n;	/* the allocation failing in this run */
	bool done;
	unsigned long count;	/* allocations of the run that completed */
};

static bool inject_next(struct inject *in)
{
	if (in->done)
		return false;
	if (in->every && in->n >= 20)
		in->n += in->every > stride ? in->every : stride;
	else
		in->n += in->n >= stride_from ? stride : 1;
	calls = 0;
	fired = false;
	fail_at = in->n;
	return true;
}

/* Disarm; true when the run met its failure, which it must report as -ENOMEM. */
static bool inject_failed(struct inject *in, int rc)
{
	fail_at = 0;
	if (fired) {
		total_points++;
		if (rc != -ENOMEM)
			fail_msg("%s: allocation #%lu failed, yet the call returned %d",
				 in->what, in->n, rc);
		return true;
	}
	in->done = true;
	in->count = calls;
	if (in->none ? calls != 0 : calls == 0)
		fail_msg("%s: %lu allocations", in->what, calls);
	if (!in->quiet)
		print_message("%-60s %5lu\n", in->what, calls);
	return false;
}

/* Outputs are preset to this and must keep it when a call fails. */
static char poison_byte;
#define POISON ((void *)&poison_byte)

/* ------------------------------------------------------------------------ */
/* Digests: FNV-1a over everything a caller can see                          */

static void dig_bytes(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		*h = (*h ^ b[i]) * 0x100000001b3ull;
}

static void dig_u64(uint64_t *h, uint64_t v)
{
	dig_bytes(h, &v, sizeof(v));
}

static void dig_str(uint64_t *h, const char *s)
{
	dig_u64(h, s ? strlen(s) + 1 : 0);
	if (s)
		dig_bytes(h, s, strlen(s));
}

#define DIGEST_INIT 0xcbf29ce484222325ull

/* Regions, their sources, and the whole source pool. */
static uint64_t digest_list(const struct resv_list *l)
{
	uint64_t h = DIGEST_INIT;
	const struct resv_source *s;

	dig_u64(&h, resv_list_count(l));
	for (size_t i = 0; i < resv_list_count(l); i++) {
		const struct resv_region *r = resv_list_region(l, i);

		dig_u64(&h, r->start);
		dig_u64(&h, r->last);
		dig_u64(&h, r->type);
		dig_u64(&h, r->prot);
		dig_u64(&h, r->zero_length);
		dig_u64(&h, r->nsources);
		for (size_t k = 0; k < r->nsources; k++)
			dig_u64(&h, r->sources[k]);
	}
	for (uint32_t id = 0; (s = resv_list_source(l, id)); id++) {
		dig_str(&h, s->origin);
		dig_str(&h, s->device);
		dig_u64(&h, s->line);
	}
	return h;
}

static void dig_diags(uint64_t *h, const struct resv_diags *d)
{
	dig_u64(h, resv_diags_count(d));
	for (size_t i = 0; i < resv_diags_count(d); i++) {
		const struct resv_diag *x = resv_diags_get(d, i);

		dig_str(h, x->id);
		dig_u64(h, x->severity);
		dig_str(h, x->where);
		dig_u64(h, x->line);
		dig_u64(h, (uint64_t)x->group);
		dig_str(h, x->message);
		dig_str(h, x->table);
		dig_u64(h, (uint64_t)x->offset);
	}
}

static uint64_t digest_diags(const struct resv_diags *d)
{
	uint64_t h = DIGEST_INIT;

	dig_diags(&h, d);
	return h;
}

static void dig_value(uint64_t *h, const struct resv_value *v)
{
	dig_str(h, v->key);
	dig_u64(h, v->kind);
	dig_u64(h, v->u);
	dig_str(h, v->s);
	dig_u64(h, v->n);
	for (size_t i = 0; i < v->n; i++)
		dig_value(h, &v->items[i]);
}

/*
 * Tables, devices, diagnostics, and every device's prediction: a machine
 * whose digest is unchanged looks unchanged to any caller.
 */
static uint64_t digest_machine(const struct resv_machine *m)
{
	uint64_t h = DIGEST_INIT;

	dig_u64(&h, resv_machine_iommu(m));
	dig_u64(&h, resv_machine_table_count(m));
	for (size_t i = 0; i < resv_machine_table_count(m); i++) {
		const struct resv_table *t = resv_machine_table(m, i);

		dig_str(&h, t->signature);
		dig_u64(&h, t->revision);
		dig_u64(&h, t->length);
		dig_u64(&h, t->checksum_valid);
		dig_str(&h, t->oem_id);
		dig_str(&h, t->oem_table_id);
		dig_u64(&h, t->oem_revision);
		dig_str(&h, t->creator_id);
		dig_u64(&h, t->creator_revision);
		dig_str(&h, t->where);
		dig_value(&h, t->body);
	}
	dig_u64(&h, resv_machine_device_count(m));
	for (size_t i = 0; i < resv_machine_device_count(m); i++) {
		const struct resv_device *d = resv_machine_device(m, i);
		struct resv_list *l;

		dig_str(&h, d->name);
		dig_u64(&h, d->pci);
		dig_u64(&h, d->class);
		dig_u64(&h, d->vendor);
		dig_u64(&h, d->device);
		dig_str(&h, resv_machine_relax_rule(m, d->name));
		assert_int_equal(resv_list_new(&l), 0);
		dig_u64(&h, (uint64_t)resv_machine_predict(m, d->name, 0, l));
		dig_u64(&h, digest_list(l));
		resv_list_free(l);
	}
	dig_diags(&h, resv_machine_diags(m));
	return h;
}

static uint64_t digest_system(const struct resv_system *sys)
{
	uint64_t h = DIGEST_INIT;

	dig_u64(&h, resv_system_group_count(sys));
	for (size_t i = 0; i < resv_system_group_count(sys); i++) {
		const struct resv_group *g = resv_system_group(sys, i);

		dig_u64(&h, (uint64_t)g->id);
		dig_str(&h, g->type);
		dig_u64(&h, g->ndevices);
		for (size_t k = 0; k < g->ndevices; k++) {
			dig_str(&h, g->devices[k].name);
			dig_u64(&h, g->devices[k].pci);
			dig_u64(&h, g->devices[k].class);
			dig_u64(&h, g->devices[k].vendor);
			dig_u64(&h, g->devices[k].device);
			dig_str(&h, g->devices[k].driver);
			dig_u64(&h, g->devices[k].driver_known);
			dig_u64(&h, (uint64_t)(int64_t)g->devices[k].header_type);
		}
		dig_u64(&h, g->regions ? digest_list(g->regions) : 0);
		dig_u64(&h, g->complete);
		dig_u64(&h, g->aperture_known);
		dig_u64(&h, g->aperture.start);
		dig_u64(&h, g->aperture.last);
		dig_str(&h, g->aperture_source);
		dig_u64(&h, g->iommu);
		dig_str(&h, g->iommu_unit);
		dig_u64(&h, g->amd_efr_known);
		dig_u64(&h, g->amd_efr);
	}
	dig_diags(&h, resv_system_diags(sys));
	return h;
}

static uint64_t digest_layout(const struct resv_guest_layout *l)
{
	uint64_t h = DIGEST_INIT;

	dig_u64(&h, l->count);
	dig_u64(&h, l->amd_relocated);
	for (size_t i = 0; i < l->count; i++) {
		dig_u64(&h, l->ranges[i].start);
		dig_u64(&h, l->ranges[i].last);
		dig_u64(&h, l->ranges[i].kind);
		dig_str(&h, l->ranges[i].name);
	}
	return h;
}

static uint64_t digest_ranges(const struct resv_range_list *r)
{
	uint64_t h = DIGEST_INIT;

	dig_u64(&h, r->count);
	dig_bytes(&h, r->ranges, r->count * sizeof(*r->ranges));
	return h;
}

static uint64_t digest_conflicts(const struct resv_conflicts *c)
{
	uint64_t h = DIGEST_INIT;

	dig_u64(&h, c->count);
	for (size_t i = 0; i < c->count; i++) {
		const struct resv_conflict *x = &c->items[i];

		dig_u64(&h, x->kind);
		dig_u64(&h, x->range);
		dig_u64(&h, x->region);
		dig_u64(&h, x->overlap.start);
		dig_u64(&h, x->overlap.last);
		dig_u64(&h, x->severity);
	}
	return h;
}

/* ------------------------------------------------------------------------ */
/* Fixtures                                                                  */

/* Deterministic pseudo-random numbers (a 64-bit LCG, Knuth MMIX). */
static uint64_t rng = 1;

static uint64_t next_rand(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return rng >> 17;
}

/*
 * @n regions of every type: overlapping, touching, nested, zero-length, some
 * ending at UINT64_MAX (the kernel view's wrap quirk), from a few devices,
 * plus a second list appended so that sources are remapped and shared.
 */
static struct resv_list *big_list(size_t n)
{
	static const char *const devs[] = { "0000:00:02.0", "0000:00:14.0", "0000:01:00.0", NULL };
	struct resv_list *l, *more;
	char origin[64];

	rng = 42;
	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_list_new(&more), 0);
	for (size_t i = 0; i < n; i++) {
		uint64_t start = (next_rand() % 4096) << 12;
		uint64_t len = (next_rand() % 64) << 12;
		enum resv_type type = (enum resv_type)(next_rand() % RESV_TYPE_COUNT);
		struct resv_list *to = i % 4 == 3 ? more : l;

		snprintf(origin, sizeof(origin), "fixture #%zu", i);
		if (i % 97 == 5)
			len = UINT64_MAX - start + 1;	/* ends at UINT64_MAX */
		assert_int_equal(resv_list_add_length(to, start, len, type, (uint32_t)(i % 64),
						      origin, devs[i % 4]), 0);
	}
	assert_int_equal(resv_list_append(l, more), 0);
	resv_list_free(more);
	return l;
}

/*
 * Large kernel-format text: sorted good lines, with bad ones (upper case,
 * sw-msi, short) and one line out of order among them.
 */
static char *sysfs_text(size_t lines, size_t *len)
{
	static const char *const types[] = { "direct", "direct-relaxable", "reserved", "msi" };
	size_t cap = lines * 64 + 1, n = 0;
	char *buf = malloc(cap);

	assert_non_null(buf);
	for (size_t i = 0; i < lines; i++) {
		uint64_t start = (uint64_t)(i == lines / 2 ? 1 : i + 16) << 16;

		if (i % 13 == 7)
			n += (size_t)snprintf(buf + n, cap - n, "0x%016llX 0x%016llx msi\n",
					      (unsigned long long)start,
					      (unsigned long long)start + 0xfff);
		else if (i % 29 == 3)
			n += (size_t)snprintf(buf + n, cap - n, "0x%016llx sw-msi\n",
					      (unsigned long long)start);
		else
			n += (size_t)snprintf(buf + n, cap - n, "0x%016llx 0x%016llx %s\n",
					      (unsigned long long)start,
					      (unsigned long long)start + 0xfff, types[i % 4]);
	}
	*len = n;
	return buf;
}

/* The calculator's input: hex and decimal, comments, blanks, bad lines. */
static char *regions_text(size_t lines, size_t *len)
{
	static const char *const types[] = { "direct", "direct-relaxable", "reserved", "msi",
					     "sw-msi" };
	size_t cap = lines * 80 + 1, n = 0;
	char *buf = malloc(cap);

	assert_non_null(buf);
	for (size_t i = 0; i < lines; i++) {
		unsigned long long start = (unsigned long long)i << 20;

		if (i % 11 == 4)
			n += (size_t)snprintf(buf + n, cap - n, "# a comment\n\n");
		else if (i % 17 == 9)
			n += (size_t)snprintf(buf + n, cap - n, "0x%llx 12abc direct\n", start);
		else if (i % 2)
			n += (size_t)snprintf(buf + n, cap - n, "%llu %llu %s  # decimal\n", start,
					      start + 4095, types[i % 5]);
		else
			n += (size_t)snprintf(buf + n, cap - n, "0x%llx\t0x%llx %s\n", start,
					      start + 0xffff, types[i % 5]);
	}
	*len = n;
	return buf;
}

/* The largest table @sig of the corpus, or NULL when there is no corpus. */
struct largest {
	const char *sig;
	char path[PATH_MAX];
	size_t len;
};

static void find_largest(const char *dir, void *ctx)
{
	struct largest *b = ctx;
	char path[PATH_MAX];
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, b->sig);
	buf = slurp(path, &len);
	if (buf && len > b->len) {
		b->len = len;
		snprintf(b->path, sizeof(b->path), "%s", path);
	}
	free(buf);
}

/* PCI functions of an lspci -xxx dump (tests/data/lspci) into @m. */
static void add_lspci(struct resv_machine *m, const char *path)
{
	size_t len, have = 0;
	char *text = slurp(path, &len), *save = NULL;
	uint8_t cfg[256];
	unsigned int seg = 0, bus = 0, dev = 0, fn = 0;
	bool in_dev = false;

	assert_non_null(text);
	for (char *line = strtok_r(text, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
		unsigned int s, b, d, f;
		bool header = line && strlen(line) > 12 && line[4] == ':' &&
			      sscanf(line, "%4x:%2x:%2x.%1u", &s, &b, &d, &f) == 4;
		char *p, *end;
		unsigned long off;

		if ((!line || header) && in_dev) {
			int rc = resv_machine_add_pci(m, (uint16_t)seg, (uint8_t)bus, (uint8_t)dev,
						      (uint8_t)fn, cfg, have);

			assert_int_equal(rc, 0);
		}
		if (!line)
			break;
		if (header) {
			seg = s, bus = b, dev = d, fn = f;
			in_dev = true;
			have = 0;
			continue;
		}
		/* "OO: HH HH ..." */
		off = strtoul(line, &p, 16);
		if (!in_dev || p == line || *p != ':' || off > sizeof(cfg) - 16)
			continue;
		for (int k = 0; k < 16; k++, p = end) {
			cfg[off + (unsigned long)k] = (uint8_t)strtoul(p + 1, &end, 16);
			assert_true(end != p + 1);
		}
		if (off + 16 > have)
			have = off + 16;
	}
	free(text);
}

/* ------------------------------------------------------------------------ */
/* Lists and views                                                           */

static int kernel_view(struct resv_list **out, const struct resv_list *in)
{
	static unsigned int quirks;

	return resv_list_kernel_view(out, in, &quirks);
}

static const struct {
	const char *name;
	int (*view)(struct resv_list **out, const struct resv_list *in);
} views[] = {
	{ "resv_list_kernel_view", kernel_view },
	{ "resv_list_resolved_view", resv_list_resolved_view },
	{ "resv_list_overlay", resv_list_overlay },
};

static void test_views_of(size_t n, size_t nviews);

/*
 * 3,000 regions; and 66,000 (long arrays sort with counters of their own)
 * for the two sorts: the replay's and overlay's, and the resolved view's.
 */
static void test_views(void **state)
{
	(void)state;
	test_views_of(3000, ARRAY_SIZE(views));
	test_views_of(66000, 2);
}

static void test_views_of(size_t n, size_t nviews)
{
	struct resv_list *in = big_list(n);
	uint64_t in_digest = digest_list(in);

	for (size_t v = 0; v < nviews; v++) {
		struct inject inj = { views[v].name };
		struct resv_list *ref;

		assert_int_equal(views[v].view(&ref, in), 0);
		while (inject_next(&inj)) {
			struct resv_list *out = POISON;
			int rc = views[v].view(&out, in);

			if (inject_failed(&inj, rc)) {
				assert_ptr_equal(out, POISON);
				assert_true(digest_list(in) == in_digest);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_true(digest_list(out) == digest_list(ref));
			resv_list_free(out);
		}
		resv_list_free(ref);
	}
	assert_true(digest_list(in) == in_digest);
	resv_list_free(in);
}

static void test_usable_and_ranges(void **state)
{
	static const struct resv_range aperture = { 0x1000, (1ull << 48) - 1 };
	struct resv_list *in = big_list(3000);
	uint64_t in_digest = digest_list(in);
	struct resv_range raw[500];

	(void)state;
	for (unsigned int flags = 0; flags <= RESV_USABLE_STRICT; flags++) {
		struct inject inj = { flags ? "resv_list_usable strict" : "resv_list_usable" };
		struct resv_range_list *ref;

		assert_int_equal(resv_list_usable(&ref, in, aperture, flags), 0);
		while (inject_next(&inj)) {
			struct resv_range_list *out = POISON;
			int rc = resv_list_usable(&out, in, aperture, flags);

			if (inject_failed(&inj, rc)) {
				assert_ptr_equal(out, POISON);
				assert_true(digest_list(in) == in_digest);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_true(digest_ranges(out) == digest_ranges(ref));
			resv_range_list_free(out);
		}
		resv_range_list_free(ref);
	}

	rng = 7;
	for (size_t i = 0; i < ARRAY_SIZE(raw); i++) {
		raw[i].start = next_rand() % (1u << 30);
		raw[i].last = raw[i].start + next_rand() % (1u << 20);
	}
	struct resv_range copy[ARRAY_SIZE(raw)];
	struct resv_range_list *ref;
	struct inject inj = { "resv_ranges_complement" };

	memcpy(copy, raw, sizeof(raw));
	assert_int_equal(resv_ranges_complement(&ref, raw, ARRAY_SIZE(raw), 0, UINT64_MAX), 0);
	while (inject_next(&inj)) {
		struct resv_range_list *out = POISON;
		int rc = resv_ranges_complement(&out, raw, ARRAY_SIZE(raw), 0, UINT64_MAX);

		if (inject_failed(&inj, rc)) {
			assert_ptr_equal(out, POISON);
			assert_memory_equal(raw, copy, sizeof(raw));
			continue;
		}
		assert_int_equal(rc, 0);
		assert_true(digest_ranges(out) == digest_ranges(ref));
		resv_range_list_free(out);
	}
	resv_range_list_free(ref);
	resv_list_free(in);
}

/* Which region first meets [a, b], for a few windows: the index's answers. */
static uint64_t digest_queries(const struct resv_index *ix)
{
	uint64_t h = DIGEST_INIT;

	for (uint64_t a = 0; a < (1ull << 24); a += 0x3f000) {
		size_t pos = SIZE_MAX;

		dig_u64(&h, (uint64_t)resv_index_first(ix, a, a + 0x2fff, &pos));
		dig_u64(&h, pos);
	}
	return h;
}

static void test_index(void **state)
{
	/* 110,000 regions make a leaf array of 2 MiB: the aligned_alloc path. */
	static const size_t sizes[] = { 3000, 110000 };

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		struct resv_list *in = big_list(sizes[s]);
		uint64_t in_digest = digest_list(in);

		for (int class = RESV_CLASS_ANY; class <= RESV_CLASS_NON_RELAXABLE; class++) {
			char what[80];
			struct inject inj = { what };
			struct resv_index *ref;

			snprintf(what, sizeof(what), "resv_index_new %zu regions, class %d",
				 resv_list_count(in), class);
			assert_int_equal(resv_index_new(&ref, in, (enum resv_class)class), 0);
			while (inject_next(&inj)) {
				struct resv_index *out = POISON;
				int rc = resv_index_new(&out, in, (enum resv_class)class);

				if (inject_failed(&inj, rc)) {
					assert_ptr_equal(out, POISON);
					assert_true(digest_list(in) == in_digest);
					continue;
				}
				assert_int_equal(rc, 0);
				assert_true(digest_queries(out) == digest_queries(ref));
				resv_index_free(out);
			}
			resv_index_free(ref);
		}
		resv_list_free(in);
	}
}

/* A list to append @src to: a view of it (one pool), or a list of its own. */
static struct resv_list *append_target(const struct resv_list *src, bool shared)
{
	struct resv_list *l;

	if (!shared)
		return big_list(50);
	assert_int_equal(resv_list_kernel_view(&l, src, NULL), 0);
	return l;
}

/* Building lists: a failed add or append leaves the list as it was. */
static void test_list_building(void **state)
{
	struct resv_list *src = big_list(300), *dst;
	uint64_t src_digest = digest_list(src), before;

	(void)state;
	/* Adding to a list until every growth step has failed once. */
	{
		struct inject inj = { "resv_list_add, resv_list_add_length x 40" };

		assert_int_equal(resv_list_new(&dst), 0);
		while (inject_next(&inj)) {
			int rc = 0;

			for (unsigned int i = 0; i < 40 && rc == 0; i++) {
				before = digest_list(dst);
				rc = i % 2 ? resv_list_add(dst, i << 12, (i << 12) + 0xfff,
							   RESV_TYPE_RESERVED, 0, "add", "dev") :
					     resv_list_add_length(dst, i << 12, 0x1000,
								  RESV_TYPE_DIRECT, 0, "len", NULL);
			}
			if (inject_failed(&inj, rc)) {
				assert_true(digest_list(dst) == before);
				resv_list_free(dst);
				assert_int_equal(resv_list_new(&dst), 0);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_int_equal(resv_list_count(dst), 40);
		}
		resv_list_free(dst);
	}
	/* Append from another pool (sources copied) and within one (shared). */
	for (int shared = 0; shared <= 1; shared++) {
		struct inject inj = { shared ? "resv_list_append, shared pool" :
					       "resv_list_append, other pool" };
		uint64_t ref;

		dst = append_target(src, shared);
		assert_int_equal(resv_list_append(dst, src), 0);
		ref = digest_list(dst);
		resv_list_free(dst);
		while (inject_next(&inj)) {
			int rc;

			fail_at = 0;
			dst = append_target(src, shared);
			before = digest_list(dst);
			fail_at = inj.n;
			rc = resv_list_append(dst, src);
			if (inject_failed(&inj, rc)) {
				assert_true(digest_list(dst) == before);
			} else {
				assert_int_equal(rc, 0);
				assert_true(digest_list(dst) == ref);
			}
			assert_true(digest_list(src) == src_digest);
			resv_list_free(dst);
		}
	}
	assert_true(digest_list(src) == src_digest);
	resv_list_free(src);
}

/* ------------------------------------------------------------------------ */
/* Text                                                                      */

static int parse_sysfs(struct resv_list *l, const char *buf, size_t len, struct resv_diags *d)
{
	return resv_parse_sysfs(l, buf, len, "big.sysfs", "0000:00:02.0", d);
}

static int parse_regions(struct resv_list *l, const char *buf, size_t len, struct resv_diags *d)
{
	return resv_parse_regions(l, buf, len, "big.txt", d);
}

static void test_text(void **state)
{
	static const struct {
		const char *name;
		char *(*text)(size_t lines, size_t *len);
		int (*parse)(struct resv_list *l, const char *buf, size_t len,
			     struct resv_diags *d);
	} parsers[] = {
		{ "resv_parse_sysfs", sysfs_text, parse_sysfs },
		{ "resv_parse_regions", regions_text, parse_regions },
	};

	(void)state;
	for (size_t p = 0; p < ARRAY_SIZE(parsers); p++) {
		size_t len;
		char *buf = parsers[p].text(800, &len), *copy = malloc(len);
		char what[80];
		struct inject inj = { what };
		struct resv_list *l, *ref;
		struct resv_diags *d, *refd;
		int ref_rc;

		assert_non_null(copy);
		memcpy(copy, buf, len);
		/* Appending to a list and diagnostics that already hold something. */
		assert_int_equal(resv_list_new(&ref), 0);
		assert_int_equal(resv_list_add(ref, 0, 0xfff, RESV_TYPE_MSI, 0, "first", NULL), 0);
		assert_int_equal(resv_diags_new(&refd), 0);
		assert_int_equal(parsers[p].parse(ref, "bad\n", 4, refd), 1);
		assert_int_equal(resv_list_new(&l), 0);
		assert_int_equal(resv_list_append(l, ref), 0);
		assert_int_equal(resv_diags_new(&d), 0);
		assert_int_equal(parsers[p].parse(l, "bad\n", 4, d), 1);
		uint64_t before = digest_list(l), before_d = digest_diags(d);

		ref_rc = parsers[p].parse(ref, buf, len, refd);
		assert_true(ref_rc > 0);
		snprintf(what, sizeof(what), "%s, %zu bytes", parsers[p].name, len);
		while (inject_next(&inj)) {
			int rc = parsers[p].parse(l, buf, len, d);

			if (inject_failed(&inj, rc)) {
				assert_true(digest_list(l) == before);
				assert_true(digest_diags(d) == before_d);
				assert_memory_equal(buf, copy, len);
				continue;
			}
			assert_int_equal(rc, ref_rc);
			assert_true(digest_list(l) == digest_list(ref));
			assert_true(digest_diags(d) == digest_diags(refd));
		}
		resv_list_free(l);
		resv_list_free(ref);
		resv_diags_free(d);
		resv_diags_free(refd);
		free(buf);
		free(copy);
	}

	struct resv_list *in = big_list(3000);
	uint64_t in_digest = digest_list(in);
	struct inject inj = { "resv_format_sysfs" };
	char *ref;
	size_t ref_len;

	assert_int_equal(resv_format_sysfs(in, &ref, &ref_len), 0);
	while (inject_next(&inj)) {
		char *out = POISON;
		size_t len = 12345;
		int rc = resv_format_sysfs(in, &out, &len);

		if (inject_failed(&inj, rc)) {
			assert_ptr_equal(out, POISON);
			assert_int_equal(len, 12345);
			assert_true(digest_list(in) == in_digest);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(len, ref_len);
		assert_memory_equal(out, ref, len + 1);
		free(out);
	}
	free(ref);
	resv_list_free(in);
}

/*
 * A constructor fails with -ENOMEM and *out untouched, or gives an object.
 */
#define CHECK_CONSTRUCTOR(type, new_fn, free_fn)				\
	do {									\
		struct inject inj = { #new_fn };				\
										\
		while (inject_next(&inj)) {					\
			type *out = POISON;					\
			int rc = new_fn(&out);					\
										\
			if (inject_failed(&inj, rc)) {				\
				assert_ptr_equal(out, POISON);			\
				continue;					\
			}							\
			assert_int_equal(rc, 0);				\
			free_fn(out);						\
		}								\
	} while (0)

static void test_constructors(void **state)
{
	(void)state;
	CHECK_CONSTRUCTOR(struct resv_list, resv_list_new, resv_list_free);
	CHECK_CONSTRUCTOR(struct resv_diags, resv_diags_new, resv_diags_free);
	CHECK_CONSTRUCTOR(struct resv_machine, resv_machine_new, resv_machine_free);
	CHECK_CONSTRUCTOR(struct resv_guest_layout, resv_guest_layout_new, resv_guest_layout_free);
}

/* ------------------------------------------------------------------------ */
/* Systems (groups from a sysroot)                                           */

static void test_system(void **state)
{
	static const char *const roots[] = {
		EXAMPLES "/intel-server", EXAMPLES "/amd-desktop", EXAMPLES "/intel-laptop",
		SRCDIR "/tests/golden/inputs/arm-smmu", SRCDIR "/tests/data",	/* no groups */
		SRCDIR "/tests/golden/inputs/vfio-drivers",	/* driver links */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		char what[PATH_MAX];
		struct inject inj = { what };
		struct resv_system *ref;

		snprintf(what, sizeof(what), "resv_system_load %s", roots[i] + strlen(SRCDIR) + 1);
		assert_int_equal(resv_system_load(&ref, roots[i]), 0);
		while (inject_next(&inj)) {
			struct resv_system *out = POISON;
			int rc = resv_system_load(&out, roots[i]);

			if (inject_failed(&inj, rc)) {
				assert_ptr_equal(out, POISON);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_true(digest_system(out) == digest_system(ref));
			resv_system_free(out);
		}
		resv_system_free(ref);
	}
}

/* The root's kernel version: one small read. */
static void test_kernel_version(void **state)
{
	const char *root = SRCDIR "/tests/golden/inputs/kernel-6.1";
	struct inject inj = { "resv_kernel_version" };

	(void)state;
	while (inject_next(&inj)) {
		unsigned int v = 0xdead;
		int rc = resv_kernel_version(root, &v);

		if (inject_failed(&inj, rc)) {
			assert_int_equal(v, 0xdead);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(v, 0x060100);
	}
}

/*
 * A snapshot of an example into an empty directory: a failure is -ENOMEM
 * with no finding added (the caller removes the partial copy, as the CLI
 * does); the run that completes writes as many files as the reference.
 * Each run copies a whole tree, so past the first 20 allocations only
 * every 50th fails: the copy loop repeats one pattern per file.
 */
static void test_snapshot(void **state)
{
	static const char *const roots[] = { EXAMPLES "/intel-laptop", EXAMPLES "/amd-desktop" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		char what[PATH_MAX], dir[PATH_MAX];
		struct inject inj = { what, .every = 50 };
		struct resv_diags *d;
		int ref, fd;

		snprintf(what, sizeof(what), "resv_snapshot_write %s", roots[i] + strlen(SRCDIR) + 1);
		tree_new(dir, "alloc-snapshot");
		assert_int_equal(resv_diags_new(&d), 0);
		fd = open(dir, O_RDONLY | O_DIRECTORY);
		assert_true(fd >= 0);
		ref = resv_snapshot_write(fd, roots[i], d);
		assert_true(ref > 0);
		close(fd);
		while (inject_next(&inj)) {
			size_t before = resv_diags_count(d);
			int rc;

			tree_remove(dir);
			assert_int_equal(mkdir(dir, 0700), 0);
			fd = open(dir, O_RDONLY | O_DIRECTORY);
			assert_true(fd >= 0);
			rc = resv_snapshot_write(fd, roots[i], d);
			close(fd);
			if (inject_failed(&inj, rc)) {
				assert_int_equal(resv_diags_count(d), before);
				continue;
			}
			assert_int_equal(rc, ref);
		}
		tree_remove(dir);
		resv_diags_free(d);
	}
}

/* ------------------------------------------------------------------------ */
/* Machines                                                                  */

/*
 * An operation on a machine: set-up brings a new machine to the state before
 * the call (unarmed), run is the call.
 */
struct machine_op {
	char what[PATH_MAX];
	void (*setup)(struct resv_machine *m, const struct machine_op *op);
	int (*run)(struct resv_machine *m, const struct machine_op *op);
	const void *buf;	/* tables */
	size_t len;
	const char *path;	/* a file, a sysroot, or a device */
	unsigned int flags;
	const char *pre_tables;	/* set-up: a table file to add first */
	const char *pre_lspci;	/* set-up: an lspci dump to add first */
	const char *pre_root;	/* set-up: a sysroot to load first */
	/*
	 * After a failure, lint instead of repeating the call: the memory map
	 * shows only in lint's findings.
	 */
	bool lint_after;
};

static struct resv_machine *setup_machine(const struct machine_op *op)
{
	struct resv_machine *m;

	assert_int_equal(resv_machine_new(&m), 0);
	if (op->pre_tables) {
		size_t len;
		char *buf = slurp(op->pre_tables, &len);

		assert_non_null(buf);
		assert_true(resv_machine_add_tables(m, buf, len, op->pre_tables) >= 0);
		free(buf);
	}
	if (op->pre_lspci)
		add_lspci(m, op->pre_lspci);
	if (op->pre_root)
		assert_int_equal(resv_machine_load(m, op->pre_root, RESV_LOAD_ALL), 0);
	if (op->setup)
		op->setup(m, op);
	return m;
}

static int run_add_tables(struct resv_machine *m, const struct machine_op *op)
{
	return resv_machine_add_tables(m, op->buf, op->len, op->path);
}

static int run_load(struct resv_machine *m, const struct machine_op *op)
{
	return resv_machine_load(m, op->path, op->flags);
}

static int run_lint(struct resv_machine *m, const struct machine_op *op)
{
	return resv_machine_lint(m);
}

static int run_add_pci(struct resv_machine *m, const struct machine_op *op)
{
	return resv_machine_add_pci(m, 0, 0x42, 3, 1, op->buf, op->len);
}

/*
 * Each failing run leaves the machine as it was (its digest), and the same
 * call, repeated without a failure, then gives the reference result.
 */
static void inject_machine(const struct machine_op *op)
{
	struct inject inj = { op->what };
	struct resv_machine *m = setup_machine(op);
	uint64_t before = digest_machine(m), after, linted = 0;
	void *copy = NULL;
	int ref_rc;

	if (op->lint_after) {
		assert_int_equal(resv_machine_lint(m), 0);
		linted = digest_machine(m);
		resv_machine_free(m);
		m = setup_machine(op);
	}
	ref_rc = op->run(m, op);
	after = digest_machine(m);
	resv_machine_free(m);
	if (op->len) {
		copy = malloc(op->len);
		assert_non_null(copy);
		memcpy(copy, op->buf, op->len);
	}
	while (inject_next(&inj)) {
		int rc;

		fail_at = 0;
		m = setup_machine(op);
		fail_at = inj.n;
		rc = op->run(m, op);
		if (inject_failed(&inj, rc)) {
			if (digest_machine(m) != before)
				fail_msg("%s: allocation #%lu failed and changed the machine",
					 op->what, inj.n);
			if (op->len)
				assert_memory_equal(op->buf, copy, op->len);
			if (op->lint_after) {
				assert_int_equal(resv_machine_lint(m), 0);
				if (digest_machine(m) != linted)
					fail_msg("%s: allocation #%lu failed and changed lint",
						 op->what, inj.n);
				resv_machine_free(m);
				continue;
			}
			assert_int_equal(op->run(m, op), ref_rc);
		} else {
			assert_int_equal(rc, ref_rc);
		}
		if (digest_machine(m) != after)
			fail_msg("%s: allocation #%lu: not the reference result", op->what, inj.n);
		resv_machine_free(m);
	}
	free(copy);
}

/* A table file as a machine_op; false when it cannot be read. */
static bool table_op(struct machine_op *op, const char *path, char **buf)
{
	size_t len;

	*op = (struct machine_op){ .run = run_add_tables, .path = path };
	if (strstr(path, ".hex")) {
		struct fixture_field *fields;
		size_t nfields;

		*buf = (char *)hexfile_load(path, &len, &fields, &nfields);
		if (*buf)
			free(fields);
	} else {
		*buf = slurp(path, &len);
	}
	if (!*buf)
		return false;
	op->buf = *buf;
	op->len = len;
	snprintf(op->what, sizeof(op->what), "resv_machine_add_tables %s, %zu bytes",
		 strncmp(path, SRCDIR "/", strlen(SRCDIR) + 1) == 0 ?
			 path + strlen(SRCDIR) + 1 : path, len);
	return true;
}

static void test_machine_tables(void **state)
{
	static const char *const files[] = {
		DATA "/dmar.aml", DATA "/ivrs.aml", DATA "/iort.aml", DATA "/dmar-soc.hex",
		DATA "/ivrs-ivhd40.hex", DATA "/iort-rmr.hex", DATA "/arm/IORT",
		DATA "/viot-qemu.hex", DATA "/viot-bad.hex",
		EXAMPLES "/intel-server/sys/firmware/acpi/tables/DMAR",
		EXAMPLES "/amd-desktop/sys/firmware/acpi/tables/IVRS",
	};
	struct machine_op op;
	char *buf;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		assert_true(table_op(&op, files[i], &buf));
		inject_machine(&op);
		free(buf);
	}
	/* acpidump text (DMAR, IVRS) over a machine that has an IVRS: one added, one duplicate. */
	assert_true(table_op(&op, SRCDIR "/tests/golden/inputs/two-tables.acpidump", &buf));
	op.pre_tables = EXAMPLES "/amd-desktop/sys/firmware/acpi/tables/IVRS";
	inject_machine(&op);
	free(buf);
}

static void test_machine_corpus(void **state)
{
	static const char *const sigs[] = { "DMAR", "IVRS", "IORT" };
	size_t found = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		struct largest b = { .sig = sigs[i] };
		struct machine_op op;
		char *buf;

		if (!corpus_foreach(find_largest, &b) || !b.len)
			continue;
		assert_true(table_op(&op, b.path, &buf));
		inject_machine(&op);
		free(buf);
		found++;
	}
	if (!found)
		skip();
}

/* The IVRS of amd-desktop with its IVMD at 0xd0 moved to device 01:00.0, which no IVHD lists. */
static void setup_ivmd_unknown(struct resv_machine *m, const struct machine_op *op)
{
	size_t len;
	uint8_t *ivrs;

	ivrs = (uint8_t *)slurp(EXAMPLES "/amd-desktop/sys/firmware/acpi/tables/IVRS", &len);

	assert_non_null(ivrs);
	assert_int_equal(ivrs[0xd0], 0x21);
	ivrs[0xd4] = 0x01;
	ivrs[0xd5] = 0x00;
	assert_int_equal(resv_machine_add_tables(m, ivrs, len, "IVRS"), 1);
	free(ivrs);
}

static void test_machine_load(void **state)
{
	static const struct {
		const char *root;
		const char *lspci;	/* given before the load */
		bool again;		/* the root was loaded before */
	} cases[] = {
		{ EXAMPLES "/intel-server", NULL, false },
		{ EXAMPLES "/amd-desktop", NULL, false },
		{ EXAMPLES "/intel-laptop", DATA "/lspci/intel-laptop.lspci", false },
		{ SRCDIR "/tests/golden/inputs/arm-smmu", NULL, false },
		{ EXAMPLES "/intel-server", NULL, true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct machine_op op = { .run = run_load, .path = cases[i].root,
					 .flags = RESV_LOAD_ALL, .pre_lspci = cases[i].lspci,
					 .pre_root = cases[i].again ? cases[i].root : NULL,
					 .lint_after = cases[i].again };

		snprintf(op.what, sizeof(op.what), "resv_machine_load %s%s",
			 cases[i].root + strlen(SRCDIR) + 1,
			 cases[i].lspci ? " over lspci" : cases[i].again ? " again" : "");
		inject_machine(&op);
	}
	/* Machines with findings for every check of lint. */
	static const struct {
		const char *root, *tables, *lspci;
	} lints[] = {
		{ EXAMPLES "/intel-server", NULL, NULL },
		{ EXAMPLES "/intel-laptop", NULL, NULL },
		{ NULL, DATA "/dmar.aml", DATA "/lspci/intel-server.lspci" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(lints); i++) {
		struct machine_op op = { .run = run_lint, .pre_root = lints[i].root,
					 .pre_tables = lints[i].tables,
					 .pre_lspci = lints[i].lspci };
		const char *what = lints[i].root ? lints[i].root : lints[i].tables;

		snprintf(op.what, sizeof(op.what), "resv_machine_lint %s%s",
			 what + strlen(SRCDIR) + 1, lints[i].lspci ? " with lspci" : "");
		inject_machine(&op);
	}
	{
		struct machine_op op = { .run = run_lint, .setup = setup_ivmd_unknown };

		snprintf(op.what, sizeof(op.what), "resv_machine_lint IVMD for an unknown device");
		inject_machine(&op);
	}
	for (int empty = 0; empty <= 1; empty++) {
		static uint8_t cfg[64] = { 0x86, 0x80, 0x34, 0x12 };
		struct machine_op op = { .run = run_add_pci, .buf = cfg, .len = sizeof(cfg),
					 .pre_root = empty ? NULL : EXAMPLES "/intel-server" };

		snprintf(op.what, sizeof(op.what), "resv_machine_add_pci %s",
			 empty ? "to an empty machine" : "to examples/intel-server");
		inject_machine(&op);
	}
}

/* Every device's prediction, appended to a list that holds a region already. */
static void inject_predictions(struct resv_machine *m, const char *what)
{
	unsigned long points = 0;

	for (size_t i = 0; i < resv_machine_device_count(m); i++) {
		const char *dev = resv_machine_device(m, i)->name;
		struct inject inj = { dev, .quiet = true };
		struct resv_list *l, *ref;
		uint64_t before;
		int ref_rc;

		assert_int_equal(resv_list_new(&ref), 0);
		assert_int_equal(resv_list_add(ref, 0, 0, RESV_TYPE_RESERVED, 0, "first", NULL), 0);
		assert_int_equal(resv_list_new(&l), 0);
		assert_int_equal(resv_list_append(l, ref), 0);
		before = digest_list(l);
		ref_rc = resv_machine_predict(m, dev, 0, ref);
		assert_true(ref_rc >= 0);
		/* Behind no IOMMU: nothing to add; refused by the driver: it looked. */
		inj.none = ref_rc == 1 &&
			   resv_machine_no_group_reason(m, dev, NULL, 0) == 0;
		while (inject_next(&inj)) {
			int rc = resv_machine_predict(m, dev, 0, l);

			if (inject_failed(&inj, rc)) {
				assert_true(digest_list(l) == before);
				continue;
			}
			assert_int_equal(rc, ref_rc);
			assert_true(digest_list(l) == digest_list(ref));
		}
		points += inj.count;
		resv_list_free(l);
		resv_list_free(ref);
	}
	print_message("%-60s %5lu\n", what, points);
}

/*
 * Two conventional functions behind a PCIe-to-PCI bridge (tests/data/arm/
 * IORT: both reach stream 0x1000), so the second is refused: the
 * predictions, the reason and whether an assumption matters, under
 * injection; a failed call returns -ENOMEM and the repeat the reference.
 */
static void inject_arm_aliases(void)
{
	static const struct { uint8_t bus, dev; bool bridge; } fns[] = {
		{ 0, 2, true }, { 1, 0, false }, { 1, 1, false },
	};
	struct resv_machine *m;
	uint8_t c[256];
	char why[512], ref_why[512];
	size_t len;
	char *buf;

	assert_int_equal(resv_machine_new(&m), 0);
	buf = slurp(DATA "/arm/IORT", &len);
	assert_non_null(buf);
	assert_int_equal(resv_machine_add_tables(m, buf, len, "IORT"), 1);
	free(buf);
	for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
		memset(c, 0, sizeof(c));
		c[0] = 0xe5, c[1] = 0x19;
		if (fns[i].bridge) {
			c[0x0b] = 0x06, c[0x0a] = 0x04, c[0x0e] = 1, c[0x19] = 1, c[0x1a] = 1;
			c[0x06] = 0x10, c[0x34] = 0x40, c[0x40] = 0x10, c[0x42] = 0x72;
		}
		assert_int_equal(resv_machine_add_pci(m, 0, fns[i].bus, fns[i].dev, 0, c, sizeof(c)),
				 0);
	}
	inject_predictions(m, "resv_machine_predict, stream ID aliases");
	for (size_t i = 0; i < resv_machine_device_count(m); i++) {
		const char *dev = resv_machine_device(m, i)->name;
		struct inject inj = { dev, .quiet = true };
		int ref = resv_machine_no_group_reason(m, dev, ref_why, sizeof(ref_why));
		int ref_matters = resv_machine_assumption_matters(m, dev, "preserve-config");

		assert_true(ref >= 0 && ref_matters >= 0);
		while (inject_next(&inj)) {
			int rc = resv_machine_no_group_reason(m, dev, why, sizeof(why));

			if (inject_failed(&inj, rc))
				continue;
			assert_int_equal(rc, ref);
			if (rc == 1)
				assert_string_equal(why, ref_why);
		}
		inj = (struct inject){ dev, .quiet = true };
		while (inject_next(&inj)) {
			int rc = resv_machine_assumption_matters(m, dev, "preserve-config");

			if (inject_failed(&inj, rc))
				continue;
			assert_int_equal(rc, ref_matters);
		}
	}
	resv_machine_free(m);
}

static void test_machine_predict(void **state)
{
	static const char *const roots[] = {
		EXAMPLES "/intel-server", EXAMPLES "/amd-desktop", EXAMPLES "/intel-laptop",
	};
	struct resv_machine *m;
	char what[PATH_MAX];
	size_t len;
	char *buf;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		assert_int_equal(resv_machine_new(&m), 0);
		assert_int_equal(resv_machine_load(m, roots[i], RESV_LOAD_ALL), 0);
		snprintf(what, sizeof(what), "resv_machine_predict, every device of %s",
			 roots[i] + strlen(SRCDIR) + 1);
		inject_predictions(m, what);
		resv_machine_free(m);
	}
	/* The Arm machine, offline: its IORT and its lspci dump. */
	assert_int_equal(resv_machine_new(&m), 0);
	buf = slurp(DATA "/arm/IORT", &len);
	assert_non_null(buf);
	assert_int_equal(resv_machine_add_tables(m, buf, len, "IORT"), 1);
	free(buf);
	add_lspci(m, DATA "/arm/arm.lspci");
	inject_predictions(m, "resv_machine_predict, every device of tests/data/arm");
	assert_int_equal(resv_machine_assume(m, "preserve-config", "no"), 0);
	inject_predictions(m, "resv_machine_predict, tests/data/arm, preserve-config=no");
	resv_machine_free(m);
	inject_arm_aliases();
	/* A q35 guest behind a virtio-iommu (VIOT). */
	assert_int_equal(resv_machine_new(&m), 0);
	buf = slurp(DATA "/viot/VIOT", &len);
	assert_non_null(buf);
	assert_int_equal(resv_machine_add_tables(m, buf, len, "VIOT"), 1);
	free(buf);
	add_lspci(m, DATA "/viot/q35.lspci");
	inject_predictions(m, "resv_machine_predict, every device of tests/data/viot");
	resv_machine_free(m);
}

/* ------------------------------------------------------------------------ */
/* IOMMU groups predicted from config space                                  */

/* A prediction's partition as text: "a b|c" per bound, and the undecided. */
static char *partition_text(const struct resv_group_prediction *p)
{
	size_t cap = 1 << 16, at = 0;
	char *t = __real_malloc(cap);
	const char *const *u;
	size_t nu = resv_group_prediction_undecided(p, &u);

	assert_non_null(t);
	t[0] = 0;
	for (int b = 0; b < 2; b++) {
		for (size_t i = 0; i < resv_group_prediction_count(p, b); i++) {
			const struct resv_pgroup *g = resv_group_prediction_group(p, b, i);

			for (size_t k = 0; k < g->n && at < cap - 64; k++)
				at += (size_t)snprintf(t + at, cap - at, "%s%s", k ? " " : "|",
						       g->devices[k]);
			for (size_t k = 0; k < g->nlinks && at < cap - 600; k++)
				at += (size_t)snprintf(t + at, cap - at, ";%s", g->links[k].detail);
		}
		at += (size_t)snprintf(t + at, cap - at, "#");
	}
	for (size_t i = 0; i < nu && at < cap - 64; i++)
		at += (size_t)snprintf(t + at, cap - at, " %s", u[i]);
	return t;
}

static void inject_groups(struct resv_machine *m, const char *what)
{
	struct inject inj = { what };
	struct resv_group_prediction *ref, *p;
	char *want;

	assert_int_equal(resv_machine_predict_groups(m, &ref), 0);
	want = partition_text(ref);
	resv_group_prediction_free(ref);
	while (inject_next(&inj)) {
		int rc = resv_machine_predict_groups(m, &p);

		if (inject_failed(&inj, rc)) {
			assert_null(p);
			continue;
		}
		assert_int_equal(rc, 0);
		{
			char *got = partition_text(p);

			assert_string_equal(got, want);
			free(got);
		}
		resv_group_prediction_free(p);
	}
	free(want);
	print_message("%-60s %5lu\n", what, inj.count);
}

static void test_group_prediction(void **state)
{
	static const char *const roots[] = {
		EXAMPLES "/qemu-intel-rmrr", EXAMPLES "/qemu-amd-ivmd", EXAMPLES "/qemu-arm-rmr",
		EXAMPLES "/qemu-virtio-x86", EXAMPLES "/intel-server",
	};
	struct resv_machine *m;
	char what[PATH_MAX];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		assert_int_equal(resv_machine_new(&m), 0);
		assert_int_equal(resv_machine_load(m, roots[i], RESV_LOAD_ALL), 0);
		snprintf(what, sizeof(what), "resv_machine_predict_groups, %s",
			 roots[i] + strlen(SRCDIR) + 1);
		inject_groups(m, what);
		/* and with the command line's ACS knobs */
		resv_machine_set_cmdline(m, "pci=disable_acs_redir=0000:00:04.0;pci:8086:10d3,"
					    "config_acs=xx0xx@0000:00:05.0 pcie_acs_override=downstream");
		snprintf(what, sizeof(what), "resv_machine_predict_groups, %s, pci=",
			 roots[i] + strlen(SRCDIR) + 1);
		inject_groups(m, what);
		resv_machine_free(m);
	}
	/* qemu-intel-rmrr with 256 bytes of config space: bounds and deciding ports */
	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_load(m, EXAMPLES "/qemu-intel-rmrr", RESV_LOAD_TABLES), 0);
	{
		static const char *const devs[] = {
			"0000:00:00.0", "0000:00:03.0", "0000:00:04.0", "0000:00:05.0",
			"0000:00:06.0", "0000:00:1f.0", "0000:00:1f.2", "0000:00:1f.3",
			"0000:01:00.0", "0000:02:00.0", "0000:03:00.0", "0000:04:00.0",
			"0000:05:00.0", "0000:06:01.0", "0000:07:00.0", "0000:07:00.1",
		};
		unsigned int bus, dev, fn;

		for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
			char path[PATH_MAX];
			size_t len;
			char *cfg;

			snprintf(path, sizeof(path), EXAMPLES "/qemu-intel-rmrr/sys/bus/pci/devices/%s/config",
				 devs[i]);
			cfg = slurp(path, &len);
			assert_non_null(cfg);
			assert_int_equal(sscanf(devs[i] + 5, "%x:%x.%x", &bus, &dev, &fn), 3);
			assert_int_equal(resv_machine_add_pci(m, 0, (uint8_t)bus, (uint8_t)dev,
							      (uint8_t)fn, (uint8_t *)cfg,
							      len < 256 ? len : 256), 0);
			free(cfg);
		}
	}
	inject_groups(m, "resv_machine_predict_groups, qemu-intel-rmrr, 256 bytes");
	resv_machine_free(m);
}

/* ------------------------------------------------------------------------ */
/* Guests                                                                    */

/* A group's regions: relaxable and direct RMRRs in low RAM, MSI, the HT hole. */
static struct resv_list *guest_regions(void)
{
	struct resv_list *l;

	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_list_add(l, 0xe8000, 0xe8fff, RESV_TYPE_DIRECT_RELAXABLE, 3,
				       "rmrr 0", "0000:00:02.0"), 0);
	assert_int_equal(resv_list_add(l, 0x7e000000, 0x7e3fffff, RESV_TYPE_DIRECT, 3,
				       "rmrr 1", "0000:00:14.0"), 0);
	assert_int_equal(resv_list_add(l, 0x40000000, 0x4000ffff, RESV_TYPE_DIRECT_RELAXABLE, 3,
				       "rmrr 2", "0000:00:14.0"), 0);
	assert_int_equal(resv_list_add(l, 0xfee00000, 0xfeefffff, RESV_TYPE_MSI, 0, "msi", NULL),
			 0);
	assert_int_equal(resv_list_add(l, 0xfd00000000, 0xffffffffff, RESV_TYPE_RESERVED, 0,
				       "ht", "0000:00:14.0"), 0);
	return l;
}

static const struct resv_device_policy policies[] = {
	{ "0000:00:02.0", false }, { "0000:00:14.0", true },
};

static const struct resv_range guest_aperture = { 0, (1ull << 48) - 1 };

/* Field by field: the structs have padding. */
static bool same_config(const struct resv_guest_config *a, const struct resv_guest_config *b)
{
	return a->vmm == b->vmm && a->ram_size == b->ram_size &&
	       a->max_ram_below_4g == b->max_ram_below_4g && a->amd == b->amd;
}

static void test_guest_layouts(void **state)
{
	(void)state;
	{
		struct inject inj = { "resv_guest_layout_add x 10" };
		struct resv_guest_layout *l;

		assert_int_equal(resv_guest_layout_new(&l), 0);
		while (inject_next(&inj)) {
			uint64_t before = 0;
			int rc = 0;

			for (unsigned int i = 0; i < 10 && rc == 0; i++) {
				before = digest_layout(l);
				rc = resv_guest_layout_add(l, i * GiB, i * GiB + 0xfff,
							   i % 2 ? RESV_GUEST_MMIO : RESV_GUEST_RAM,
							   i % 3 ? "named" : NULL);
			}
			if (inject_failed(&inj, rc)) {
				assert_true(digest_layout(l) == before);
				resv_guest_layout_free(l);
				assert_int_equal(resv_guest_layout_new(&l), 0);
				continue;
			}
			assert_int_equal(l->count, 10);
		}
		resv_guest_layout_free(l);
	}
	for (unsigned int vmm = 0; vmm < RESV_GUEST_VMM_COUNT; vmm++) {
		const struct resv_guest_config cfg = { (enum resv_guest_vmm)vmm, 1100 * GiB, 0,
						       vmm == RESV_GUEST_Q35 };
		const struct resv_guest_config copy = cfg;
		char what[80];
		struct inject inj = { what };
		struct resv_guest_layout *ref;

		snprintf(what, sizeof(what), "resv_guest_layout_preset %s",
			 resv_guest_vmm_name(cfg.vmm));
		assert_int_equal(resv_guest_layout_preset(&ref, &cfg), 0);
		while (inject_next(&inj)) {
			struct resv_guest_layout *out = POISON;
			int rc = resv_guest_layout_preset(&out, &cfg);

			if (inject_failed(&inj, rc)) {
				assert_ptr_equal(out, POISON);
				assert_true(same_config(&cfg, &copy));
				continue;
			}
			assert_int_equal(rc, 0);
			assert_true(digest_layout(out) == digest_layout(ref));
			resv_guest_layout_free(out);
		}
		resv_guest_layout_free(ref);
	}
}

static void test_guest_check(void **state)
{
	const struct resv_guest_config q35 = { RESV_GUEST_Q35, 16 * GiB, 0, false };
	const struct resv_guest_config big = { RESV_GUEST_Q35, 1100 * GiB, 0, false };
	struct resv_list *regions = guest_regions();
	uint64_t regions_digest = digest_list(regions), layout_digest;
	struct resv_guest_layout *layout;

	(void)state;
	assert_int_equal(resv_guest_layout_preset(&layout, &q35), 0);
	layout_digest = digest_layout(layout);
	for (unsigned int flags = 0; flags <= RESV_CHECK_STRICT; flags++) {
		struct inject inj = { flags ? "resv_guest_check strict" : "resv_guest_check" };
		struct resv_conflicts *ref;

		assert_int_equal(resv_guest_check(&ref, layout, regions, guest_aperture, flags,
						  policies, ARRAY_SIZE(policies)), 0);
		assert_true(ref->count > 0);
		while (inject_next(&inj)) {
			struct resv_conflicts *out = POISON;
			int rc = resv_guest_check(&out, layout, regions, guest_aperture, flags,
						  policies, ARRAY_SIZE(policies));

			if (inject_failed(&inj, rc)) {
				assert_ptr_equal(out, POISON);
				assert_true(digest_layout(layout) == layout_digest);
				assert_true(digest_list(regions) == regions_digest);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_true(digest_conflicts(out) == digest_conflicts(ref));
			resv_conflicts_free(out);
		}
		resv_conflicts_free(ref);
	}
	{
		struct inject inj = { "resv_guest_relocate" };
		struct resv_guest_layout *ref;

		assert_int_equal(resv_guest_relocate(&ref, layout, regions, guest_aperture, 0,
						     policies, ARRAY_SIZE(policies)), 0);
		while (inject_next(&inj)) {
			struct resv_guest_layout *out = POISON;
			int rc = resv_guest_relocate(&out, layout, regions, guest_aperture, 0,
						     policies, ARRAY_SIZE(policies));

			if (inject_failed(&inj, rc)) {
				assert_ptr_equal(out, POISON);
				assert_true(digest_layout(layout) == layout_digest);
				assert_true(digest_list(regions) == regions_digest);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_true(digest_layout(out) == digest_layout(ref));
			resv_guest_layout_free(out);
		}
		resv_guest_layout_free(ref);
	}
	for (int b = 0; b <= 1; b++) {
		const struct resv_guest_config *cfg = b ? &big : &q35;
		char what[80];
		struct inject inj = { what };
		uint64_t ref;

		snprintf(what, sizeof(what), "resv_guest_fit_ram q35 %llu GiB",
			 (unsigned long long)(cfg->ram_size / GiB));
		assert_int_equal(resv_guest_fit_ram(&ref, cfg, regions, guest_aperture, 0, NULL, 0),
				 0);
		while (inject_next(&inj)) {
			uint64_t out = 12345;
			int rc = resv_guest_fit_ram(&out, cfg, regions, guest_aperture, 0, NULL, 0);

			if (inject_failed(&inj, rc)) {
				assert_int_equal(out, 12345);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_int_equal(out, ref);
		}
	}
	for (int b = 0; b <= 1; b++) {
		const struct resv_guest_config *cfg = b ? &big : &q35;
		char what[80];
		struct inject inj = { what };
		struct resv_guest_config ref;

		snprintf(what, sizeof(what), "resv_guest_suggest q35 %llu GiB",
			 (unsigned long long)(cfg->ram_size / GiB));
		assert_int_equal(resv_guest_suggest(&ref, cfg, regions, guest_aperture, 0, NULL, 0),
				 0);
		while (inject_next(&inj)) {
			struct resv_guest_config out = { .ram_size = 12345 };
			int rc = resv_guest_suggest(&out, cfg, regions, guest_aperture, 0, NULL, 0);

			if (inject_failed(&inj, rc)) {
				assert_int_equal(out.ram_size, 12345);
				continue;
			}
			assert_int_equal(rc, 0);
			assert_true(same_config(&out, &ref));
		}
	}
	{
		struct inject inj = { "resv_assign_verdict", .none = true };

		while (inject_next(&inj)) {
			struct resv_verdict v;
			int rc = resv_assign_verdict(regions, RESV_IOMMU_INTEL, 0, &v);

			if (inject_failed(&inj, rc))
				continue;
			assert_int_equal(rc, 0);
			assert_false(v.assignable);
		}
	}
	resv_guest_layout_free(layout);
	resv_list_free(regions);
}

/* A test that failed with allocation failure armed must not leave it armed. */
static int disarm(void **state)
{
	(void)state;
	fail_at = 0;
	return 0;
}

static int report_total(void **state)
{
	(void)state;
	print_message("%-60s %5lu\n", "allocations made to fail, in all", total_points);
	return 0;
}

int main(void)
{
	if (RUNNING_ON_VALGRIND) {
		stride_from = 50;
		stride = 10;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_views, disarm),
		cmocka_unit_test_setup(test_usable_and_ranges, disarm),
		cmocka_unit_test_setup(test_index, disarm),
		cmocka_unit_test_setup(test_list_building, disarm),
		cmocka_unit_test_setup(test_text, disarm),
		cmocka_unit_test_setup(test_constructors, disarm),
		cmocka_unit_test_setup(test_system, disarm),
		cmocka_unit_test_setup(test_kernel_version, disarm),
		cmocka_unit_test_setup(test_snapshot, disarm),
		cmocka_unit_test_setup(test_machine_tables, disarm),
		cmocka_unit_test_setup(test_machine_corpus, disarm),
		cmocka_unit_test_setup(test_machine_load, disarm),
		cmocka_unit_test_setup(test_machine_predict, disarm),
		cmocka_unit_test_setup(test_group_prediction, disarm),
		cmocka_unit_test_setup(test_guest_layouts, disarm),
		cmocka_unit_test_setup(test_guest_check, disarm),
	};

	return cmocka_run_group_tests(tests, NULL, report_total);
}
