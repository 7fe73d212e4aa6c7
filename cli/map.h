/* SPDX-License-Identifier: MIT */
/*
 * The address-space map (--map): a model of lanes and items (map.c; what
 * each command puts in, map-commands.c), its layout (map-layout.c: a
 * piecewise axis, side-by-side slots, conflict marks; pure), and two writers
 * of the same layout, SVG (map-svg.c) and text (map-term.c).
 */
#ifndef RESV_MAP_H
#define RESV_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <iommu-resv.h>

/* What an item is; each has its own fill pattern, glyph and legend entry. */
enum map_kind {
	MAP_DIRECT,
	MAP_RELAXABLE,
	MAP_RESERVED,
	MAP_MSI,		/* msi and sw-msi */
	MAP_TRUNCATED,		/* relaxable in the kernel view, cut in the resolved view */
	MAP_RAM,		/* guest RAM */
	MAP_MMIO,		/* guest MMIO window */
	MAP_KIND_COUNT
};

struct map_item {
	uint64_t start, last;	/* inclusive */
	enum map_kind kind;
	char *label;		/* short text drawn in the cell */
	char *title;		/* the whole story: range, size, type, provenance */
	bool blocker;		/* the region that makes the group unassignable */
	/* Filled by map_layout(): */
	unsigned int slot;	/* side-by-side position in the lane */
	bool alone;		/* no other item of the lane meets it: full width */
	int conflict;		/* 0, RESV_SEV_WARNING + 1 or RESV_SEV_ERROR + 1 */
};

enum map_lane_kind { MAP_LANE_GROUP, MAP_LANE_DEVICE, MAP_LANE_GUEST };

struct map_lane {
	enum map_lane_kind kind;
	char *name;		/* "group 18", "00:14.0", "guest" */
	char *sub;		/* a second header line: devices, "suggested" */
	char *title;		/* header hover text */
	char *status;		/* "NOT assignable", "ok", ... or NULL */
	bool bad;		/* status is an error */
	struct map_item *items;
	size_t nitems;
	bool has_aperture;
	struct resv_range aperture;
	char *aperture_title;
	struct resv_range *usable;	/* usable IOVA; NULL when not drawn */
	size_t nusable;
	unsigned int nslots;	/* filled by map_layout() */
};

/* A guest range meets a region (or lies above the aperture). */
struct map_conflict {
	size_t guest, lane;	/* lane indices: the guest layout's, the group's */
	struct resv_range overlap;
	enum resv_severity severity;
	char *label;		/* short: "group 18: direct" */
	char *title;
};

struct map {
	char *title;
	char **notes;		/* lines under the title */
	size_t nnotes;
	struct map_lane *lanes;
	size_t nlanes;
	struct map_conflict *conflicts;
	size_t nconflicts;
};

/* One band of the piecewise axis: [start, last], drawn h units tall at y. */
struct map_segment {
	uint64_t start, last;
	unsigned int y, h;
	bool gap;		/* no item of any lane lies in it */
};

struct map_layout {
	struct map_segment *seg;
	size_t nseg;
	unsigned int height;	/* sum of the heights */
};

/* map-layout.c: pure computations, no output. */

/* Height of a band of [start, last]: grows with log2 of the size, never below MAP_MIN_H. */
#define MAP_MIN_H 16u
unsigned int map_band_height(uint64_t start, uint64_t last);
/*
 * The axis: a band between every two consecutive boundaries (each item's
 * start and last + 1, apertures, usable ranges, conflicts), from 0 to the
 * highest address any lane shows; then each lane's slots (items that overlap
 * sit side by side, each keeping one slot from top to bottom) and each item's
 * conflict mark. Fills the map's layout fields. Return: 0 or -ENOMEM.
 */
int map_layout(struct map *m, struct map_layout *out);
void map_layout_free(struct map_layout *l);
/* The band holding @addr (a boundary of the layout); nseg when none. */
size_t map_segment_of(const struct map_layout *l, uint64_t addr);
/* Vertical extent of [start, last] on the axis (both ends are boundaries). */
void map_span(const struct map_layout *l, uint64_t start, uint64_t last, unsigned int *y,
	      unsigned int *h);

/* map.c, map-commands.c: building a map. Strings are copied; Return: 0 or -ENOMEM. */
int map_new(struct map **out, const char *title);
void map_free(struct map *m);
int map_note(struct map *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * A lane of regions: @kview (a kernel view) drawn as its resolved view, the
 * relaxable parts the resolved view cut drawn apart; with @aperture (may be
 * NULL: unknown) the aperture top and the usable IOVA (@strict: without the
 * relaxable regions too). @blocker, a region of @kview or NULL, is marked.
 * *@lane (may be NULL) receives the lane's index.
 */
int map_add_regions(struct map *m, enum map_lane_kind kind, const char *name, const char *sub,
		    const char *title, const struct resv_list *kview,
		    const struct resv_range *aperture, const char *aperture_source, bool strict,
		    const struct resv_region *blocker, size_t *lane);
struct opts;
/* A map titled @title, noting the snapshot it reads. */
int map_begin(struct map **out, const struct opts *o, const char *title);
/* A lane for sysfs group @g: its reserved_regions, its aperture (or --aperture). */
int map_add_group(struct map *m, const struct opts *o, const struct resv_group *g,
		  size_t *lane);
/* check: the guest layouts (and the suggested one: @knobs' preset, else @relocated). */
int map_check_begin(struct map **out, const struct opts *o, const char *spec,
		    const struct resv_guest_layout *layout,
		    const struct resv_guest_config *knobs,
		    const struct resv_guest_layout *relocated, size_t errors, size_t warnings);
/* check: a group as judged; @refused the reason when it is not assignable. */
int map_check_group(struct map *m, const struct resv_group *g, const struct resv_list *kview,
		    const struct resv_list *resolved, const struct resv_range *aperture,
		    const char *aperture_source, bool strict, const char *refused,
		    const struct resv_region *blocker, bool usable_empty,
		    const struct resv_conflicts *conflicts, const struct resv_guest_layout *layout);
/*
 * explain: @name's group @g (NULL: unknown) with kernel view @kview; with
 * machine @m a lane per device; @now the verdict (NULL: judged here).
 * Writes the map to o->map. Return: 0, -ENOMEM or -EIO.
 */
int map_explain(const struct opts *o, const struct resv_machine *m, const struct resv_group *g,
		const char *name, const struct resv_list *kview, const struct resv_verdict *now);
/* The header line of a group lane: its devices. */
int map_group_sub(const struct resv_group *g, char **sub, char **title);
int map_set_status(struct map *m, size_t lane, const char *status, bool bad);
int map_add_guest(struct map *m, const char *name, const char *sub,
		  const struct resv_guest_layout *l, size_t *lane);
int map_add_conflict(struct map *m, size_t guest, size_t lane, struct resv_range overlap,
		     enum resv_severity severity, const char *label, const char *title);
/*
 * Write @m to @dest: "term" text on standard output, "-" SVG on standard
 * output, else SVG into the file @dest. Says why on standard error when it
 * fails. Return: 0, -ENOMEM, or -EIO.
 */
int map_write(struct map *m, const char *dest);
/* Does @dest replace the command's own output on standard output? */
bool map_to_stdout(const char *dest);

/* The writers (of a laid-out map). */
int map_write_svg(FILE *f, const struct map *m, const struct map_layout *l);
/* @width: columns to fit (0: no limit); @colour: ANSI colours besides the glyphs. */
int map_write_term(FILE *f, const struct map *m, const struct map_layout *l, unsigned int width,
		   bool colour);

/* Shared by the writers. */
const char *map_kind_name(enum map_kind k);
const char *map_kind_help(enum map_kind k);

#endif
