/* SPDX-License-Identifier: MIT */
/*
 * Reference models for the property test and the benchmark.
 *
 * They are written from the published semantics (SPEC.md §3,
 * reference/kernel-semantics.md §2.1, reference/peers.md §1.1-1.2), not from
 * the engine, and are deliberately naive: linked lists, linear scans,
 * per-address evaluation. Slow is fine; obviously right is the point.
 *
 * Types are plain ints with the values of enum resv_type; ids are whatever
 * the caller puts in model_region.id (the property test uses the input
 * list's source ids), so the models need nothing from the library.
 */
#ifndef RESV_MODEL_H
#define RESV_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODEL_TYPE_RELAXABLE 1	/* RESV_TYPE_DIRECT_RELAXABLE */

/* One input region, as resv_list_add()/resv_list_add_length() stored it. */
struct model_region {
	uint64_t start;
	uint64_t last;		/* start - 1 (wrapping) when zero_length */
	int type;
	uint32_t prot;
	bool zero_length;
	uint32_t id;
};

/* One output region: a range, a type, a prot and its contributors' ids. */
struct model_out {
	uint64_t start;
	uint64_t last;
	int type;
	uint32_t prot;
	bool zero_length;
	size_t nids;
	uint32_t *ids;		/* in the order the contributors were added */
};

struct model_list {
	size_t count;
	struct model_out *v;
};

void model_list_free(struct model_list *l);

/* Quirk bits, the same values as enum resv_kernel_quirk. */
#define MODEL_QUIRK_TOP_WRAP	(1u << 0)
#define MODEL_QUIRK_ZERO_LENGTH	(1u << 1)

/*
 * kernel_list.c: iommu.c iommu_insert_resv_region() (v5.4+) applied to
 * in[0..n) in order, on a linked list, with the kernel's u64 arithmetic
 * (start + length - 1, "end + 1" wrapping at UINT64_MAX). O(n^2).
 *
 * The result depends on the insertion order, not only on the set: a region
 * merged into a run before another region stretched that run to UINT64_MAX
 * stays merged, while the same region inserted afterwards is kept apart.
 *
 * An output region is zero_length when the kernel element that survives was
 * created by a zero-length region and its end never moved (the kernel's
 * length is still 0, so it prints last = start - 1). A zero-length region
 * at 0 ends at UINT64_MAX: it can absorb regions and stay zero-length.
 *
 * *quirks gets MODEL_QUIRK_TOP_WRAP when some same-type element was kept
 * apart only because "end + 1" wrapped (with exact arithmetic it would have
 * merged), MODEL_QUIRK_ZERO_LENGTH when a zero-length region is in the
 * output (not when one was absorbed without a trace).
 * With track_ids false, out->v[i].ids stays NULL (the benchmark).
 * Return: 0 or -ENOMEM.
 */
int kernel_list_view(struct model_list *out, const struct model_region *in,
		     size_t n, bool track_ids, unsigned int *quirks);

/*
 * qemu_list.c: QEMU util/reserved-region.c resv_region_list_insert()
 * applied to in[0..n) in order (later wins, older trimmed/split/deleted,
 * nothing merged, touching kept apart); zero-length regions skipped.
 * Each piece has exactly one id. O(n^2). Return: 0 or -ENOMEM.
 */
int qemu_list_overlay(struct model_list *out, const struct model_region *in,
		      size_t n);

/* naive.c: per-address truths. Zero-length regions never cover anything. */
bool naive_covers(const struct model_region *r, uint64_t addr);
/* Some input of @type covers @addr. */
bool naive_type_covers(const struct model_region *in, size_t n, int type,
		       uint64_t addr);
/* Some input that is not direct-relaxable covers @addr. */
bool naive_nonrelaxable_covers(const struct model_region *in, size_t n,
			       uint64_t addr);
/* The resolved view covers @addr with @type (SPEC §3.2). */
bool naive_resolved_covers(const struct model_region *in, size_t n, int type,
			   uint64_t addr);
/* @addr is usable IOVA (SPEC §3.3); strict also excludes direct-relaxable. */
bool naive_usable(const struct model_region *in, size_t n, uint64_t ap_start,
		  uint64_t ap_last, bool strict, uint64_t addr);
/* @addr is in [low, high] and in none of the ranges (starts[i], lasts[i]). */
bool naive_complement(const uint64_t *starts, const uint64_t *lasts, size_t n,
		      uint64_t low, uint64_t high, uint64_t addr);
/* Index of the last input covering @addr (QEMU overlay owner), or -1. */
long naive_overlay_owner(const struct model_region *in, size_t n,
			 uint64_t addr);

/*
 * The region a resv_index would return: lowest (start, type, position)
 * among the non-zero-length regions of the class (any, or every type but
 * direct-relaxable) meeting [a, b]. Return: its position, or -1.
 */
long naive_index_first(const struct model_region *v, size_t n,
		       bool non_relaxable, uint64_t a, uint64_t b);

/*
 * The sample universe of the property test: every range endpoint lies in
 * [0, NAIVE_WINDOW - 1] or [UINT64_MAX - NAIVE_WINDOW + 1, UINT64_MAX], so
 * membership can only change next to those windows and the addresses
 * [0, NAIVE_WINDOW + 2] and [UINT64_MAX - NAIVE_WINDOW - 2, UINT64_MAX]
 * decide every set exactly (the middle is uniform: its first and last
 * address are samples). naive_endpoint_ok() checks that an output endpoint
 * keeps that argument valid.
 */
#define NAIVE_WINDOW	64
#define NAIVE_SAMPLES	(2 * (NAIVE_WINDOW + 3))
size_t naive_samples(uint64_t *out);
bool naive_endpoint_ok(uint64_t x);

/* The tests' and the benchmark's random numbers: splitmix64 (Steele, Lea,
 * Flood 2014), seeded explicitly so every run is reproducible. */
struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
