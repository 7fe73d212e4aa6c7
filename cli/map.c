// SPDX-License-Identifier: MIT
/*
 * --map: the model the commands fill (lanes of regions, guest layouts,
 * conflicts) and where it goes (SVG to a file or standard output, or text).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "map.h"

static const struct {
	const char *name, *help;
} kinds[MAP_KIND_COUNT] = {
	[MAP_DIRECT] = { "direct", "must stay identity-mapped; never usable IOVA" },
	[MAP_RELAXABLE] = { "direct-relaxable", "identity-mapped unless the device is assigned" },
	[MAP_RESERVED] = { "reserved", "never mapped" },
	[MAP_MSI] = { "msi", "MSI doorbell window (msi, sw-msi)" },
	[MAP_TRUNCATED] = { "relaxable, cut", "relaxable in the kernel view, not in the resolved "
			    "view: a non-relaxable region overlaps it" },
	[MAP_RAM] = { "guest RAM", "DMA-mapped: must be usable IOVA" },
	[MAP_MMIO] = { "guest MMIO", "PCI hole: mapped for peer-to-peer DMA only" },
};

const char *map_kind_name(enum map_kind k)
{
	return k < MAP_KIND_COUNT ? kinds[k].name : "?";
}

const char *map_kind_help(enum map_kind k)
{
	return k < MAP_KIND_COUNT ? kinds[k].help : "?";
}

bool map_to_stdout(const char *dest)
{
	return dest && (strcmp(dest, "-") == 0 || strcmp(dest, "term") == 0);
}

int map_new(struct map **out, const char *title)
{
	struct map *m = calloc(1, sizeof(*m));

	if (!m || !(m->title = esc_dup(title))) {
		free(m);
		return -ENOMEM;
	}
	*out = m;
	return 0;
}

static void lane_free(struct map_lane *ln)
{
	for (size_t k = 0; k < ln->nitems; k++) {
		free(ln->items[k].label);
		free(ln->items[k].title);
	}
	free(ln->items);
	free(ln->name);
	free(ln->sub);
	free(ln->title);
	free(ln->status);
	free(ln->aperture_title);
	free(ln->usable);
}

void map_free(struct map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nlanes; i++)
		lane_free(&m->lanes[i]);
	for (size_t i = 0; i < m->nnotes; i++)
		free(m->notes[i]);
	for (size_t i = 0; i < m->nconflicts; i++) {
		free(m->conflicts[i].label);
		free(m->conflicts[i].title);
	}
	free(m->conflicts);
	free(m->lanes);
	free(m->notes);
	free(m->title);
	free(m);
}

/* printf into a new string made printable (esc_dup); NULL on -ENOMEM. */
static char *fmt_dup(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *fmt_dup(const char *fmt, ...)
{
	va_list ap;
	char *raw = NULL, *out;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	out = esc_dup(raw);
	free(raw);
	return out;
}

int map_note(struct map *m, const char *fmt, ...)
{
	va_list ap;
	char *raw = NULL, *line, **v;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	line = esc_dup(raw);
	free(raw);
	v = line ? realloc(m->notes, (m->nnotes + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(line);
		return -ENOMEM;
	}
	v[m->nnotes++] = line;
	m->notes = v;
	return 0;
}

static struct map_lane *lane_new(struct map *m, enum map_lane_kind kind, const char *name,
				 const char *sub, const char *title)
{
	struct map_lane *v = realloc(m->lanes, (m->nlanes + 1) * sizeof(*v)), *ln;

	if (!v)
		return NULL;
	m->lanes = v;
	ln = &v[m->nlanes];
	memset(ln, 0, sizeof(*ln));
	ln->kind = kind;
	ln->name = esc_dup(name);
	ln->sub = sub ? esc_dup(sub) : NULL;
	ln->title = title ? strdup(title) : esc_dup(name);	/* @title: printable already */
	if (!ln->name || (sub && !ln->sub) || !ln->title) {
		lane_free(ln);
		return NULL;
	}
	m->nlanes++;
	return ln;
}

/* Takes @label and @title (already printable), also on failure. */
static int item_add(struct map_lane *ln, uint64_t start, uint64_t last, enum map_kind kind,
		    char *label, char *title)
{
	struct map_item *v = label && title ?
		realloc(ln->items, (ln->nitems + 1) * sizeof(*v)) : NULL;

	if (!v) {
		free(label);
		free(title);
		return -ENOMEM;
	}
	ln->items = v;
	v[ln->nitems++] = (struct map_item){ .start = start, .last = last, .kind = kind,
					     .label = label, .title = title };
	return 0;
}

static enum map_kind kind_of(enum resv_type t)
{
	switch (t) {
	case RESV_TYPE_DIRECT: return MAP_DIRECT;
	case RESV_TYPE_DIRECT_RELAXABLE: return MAP_RELAXABLE;
	case RESV_TYPE_RESERVED: return MAP_RESERVED;
	default: return MAP_MSI;
	}
}

/* "from DMAR RMRR #0 @0x58 (device 0000:01:00.0)", a line per source. */
static char *sources_text(const struct resv_list *l, const struct resv_region *r)
{
	char *out = strdup(""), *next;

	for (size_t s = 0; out && s < r->nsources; s++) {
		const struct resv_source *src = resv_list_source(l, r->sources[s]);

		if (!src)
			continue;
		/* esc(): names from files, made printable; the newlines are ours. */
		char buf[ORIGIN_MAX];
		const char *origin = source_origin(src, buf, sizeof(buf));

		if (asprintf(&next, "%s\nfrom %s%s%s%s", out, origin && *origin ?
			     esc(origin) : "(unknown)", src->device ? " (device " : "",
			     src->device ? esc(src->device) : "", src->device ? ")" : "") < 0)
			next = NULL;
		free(out);
		out = next;
	}
	return out;
}

/* A title's first line; @what and @more are printable already (they may hold newlines). */
static char *range_title(uint64_t start, uint64_t last, const char *what, const char *more)
{
	char sz[32], *t;

	print_size(sz, sizeof(sz), start, last);
	if (asprintf(&t, "0x%016" PRIx64 "-0x%016" PRIx64 " (%s) %s%s", start, last, sz, what,
		     more ? more : "") < 0)
		return NULL;
	return t;
}

/* The parts of @r that no relaxable region of @resolved covers. */
static int add_truncated(struct map_lane *ln, const struct resv_list *kview,
			 const struct resv_region *r, const struct resv_list *resolved)
{
	size_t n = resv_list_count(resolved), k = 0;
	struct resv_range *keep = calloc(n ? n : 1, sizeof(*keep));
	struct resv_range_list *cut = NULL;
	char *src = NULL;
	int rc = -ENOMEM;

	if (!keep)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct resv_region *q = resv_list_region(resolved, i);

		if (q->type == RESV_TYPE_DIRECT_RELAXABLE && q->start <= r->last && r->start <= q->last)
			keep[k++] = (struct resv_range){ q->start, q->last };
	}
	if (resv_ranges_complement(&cut, keep, k, r->start, r->last) < 0 ||
	    !(src = sources_text(kview, r)))
		goto out;
	for (size_t i = 0; i < cut->count; i++) {
		const struct resv_range *c = &cut->ranges[i];

		rc = item_add(ln, c->start, c->last, MAP_TRUNCATED, strdup("relaxable, cut"),
			      range_title(c->start, c->last, "direct-relaxable in the kernel view "
					  "(reserved_regions), cut from the resolved view: a "
					  "non-relaxable region overlaps it, so it cannot be relaxed",
					  src));
		if (rc < 0)
			goto out;
	}
	rc = 0;
out:
	free(src);
	free(keep);
	resv_range_list_free(cut);
	return rc;
}

int map_add_regions(struct map *m, enum map_lane_kind kind, const char *name, const char *sub,
		    const char *title, const struct resv_list *kview,
		    const struct resv_range *aperture, const char *aperture_source, bool strict,
		    const struct resv_region *blocker, size_t *lane)
{
	struct resv_list *res = NULL;
	struct resv_range_list *usable = NULL;
	struct map_lane *ln;
	int rc = -ENOMEM;

	if (resv_list_resolved_view(&res, kview) < 0)
		return -ENOMEM;
	if (aperture && resv_list_usable(&usable, kview, *aperture,
					 strict ? RESV_USABLE_STRICT : 0) < 0)
		goto out;
	ln = lane_new(m, kind, name, sub, title);
	if (!ln)
		goto out;
	for (size_t i = 0; i < resv_list_count(res); i++) {
		const struct resv_region *r = resv_list_region(res, i);
		char *src = sources_text(res, r);
		const char *type = resv_type_name(r->type);

		rc = item_add(ln, r->start, r->last, kind_of(r->type), strdup(type),
			      src ? range_title(r->start, r->last, type, src) : NULL);
		free(src);
		if (rc < 0)
			goto out;
		/* The blocker is a direct region of the kernel view; its resolved self. */
		if (blocker && blocker->type == r->type && blocker->start <= r->last &&
		    r->start <= blocker->last)
			ln->items[ln->nitems - 1].blocker = true;
	}
	for (size_t i = 0; i < resv_list_count(kview); i++) {
		const struct resv_region *r = resv_list_region(kview, i);

		if (r->type == RESV_TYPE_DIRECT_RELAXABLE && !r->zero_length &&
		    (rc = add_truncated(ln, kview, r, res)) < 0)
			goto out;
	}
	if (aperture) {
		char sz[32];

		print_size(sz, sizeof(sz), aperture->start, aperture->last);
		ln->has_aperture = true;
		ln->aperture = *aperture;
		ln->aperture_title = fmt_dup("IOVA aperture 0x%" PRIx64 "-0x%" PRIx64 " (%s): %s",
					     aperture->start, aperture->last, sz,
					     aperture_source ? aperture_source :
					     "assumed, the IOMMU's width is unknown");
		ln->usable = calloc(usable->count ? usable->count : 1, sizeof(*ln->usable));
		if (!ln->aperture_title || !ln->usable) {
			rc = -ENOMEM;
			goto out;
		}
		memcpy(ln->usable, usable->ranges, usable->count * sizeof(*ln->usable));
		ln->nusable = usable->count;
	}
	if (lane)
		*lane = m->nlanes - 1;
	rc = 0;
out:
	resv_list_free(res);
	resv_range_list_free(usable);
	return rc;
}

int map_group_sub(const struct resv_group *g, char **sub, char **title)
{
	char *t = NULL, *next;

	*sub = NULL;
	if (g->ndevices == 0)
		*sub = strdup("no devices");
	else if (asprintf(sub, "%s%s", g->devices[0].name + (strncmp(g->devices[0].name,
			  "0000:", 5) == 0 ? 5 : 0), g->ndevices > 1 ? " +" : "") < 0)
		*sub = NULL;
	if (*sub && g->ndevices > 1) {
		if (asprintf(&next, "%s%zu", *sub, g->ndevices - 1) < 0)
			next = NULL;
		free(*sub);
		*sub = next;
	}
	if (asprintf(&t, "IOMMU group %ld%s%s%s", g->id, g->type ? " (" : "",
		     g->type ? esc(g->type) : "", g->type ? ")" : "") < 0)
		t = NULL;
	for (size_t k = 0; t && k < g->ndevices; k++) {
		const struct resv_device *d = &g->devices[k];

		if (d->pci) {
			if (asprintf(&next, "%s\n%s [%06" PRIx32 " %04x:%04x]", t, esc(d->name), d->class,
				     d->vendor, d->device) < 0)
				next = NULL;
		} else if (asprintf(&next, "%s\n%s", t, esc(d->name)) < 0) {
			next = NULL;
		}
		free(t);
		t = next;
	}
	if (!*sub || !t) {
		free(*sub);
		free(t);
		*sub = NULL;
		return -ENOMEM;
	}
	*title = t;
	return 0;
}

int map_set_status(struct map *m, size_t lane, const char *status, bool bad)
{
	char *s = esc_dup(status);

	if (!s)
		return -ENOMEM;
	free(m->lanes[lane].status);
	m->lanes[lane].status = s;
	m->lanes[lane].bad = bad;
	return 0;
}

int map_add_guest(struct map *m, const char *name, const char *sub,
		  const struct resv_guest_layout *l, size_t *lane)
{
	struct map_lane *ln = lane_new(m, MAP_LANE_GUEST, name, sub, NULL);

	if (!ln)
		return -ENOMEM;
	for (size_t i = 0; i < l->count; i++) {
		const struct resv_guest_range *r = &l->ranges[i];
		bool ram = r->kind == RESV_GUEST_RAM;
		char *what = fmt_dup("guest %s %s", ram ? "RAM" : "MMIO", r->name);	/* escaped */
		int rc = item_add(ln, r->start, r->last, ram ? MAP_RAM : MAP_MMIO, esc_dup(r->name),
				  what ? range_title(r->start, r->last, what,
						     ram ? "\nDMA-mapped by the VMM: every byte "
							   "must be usable IOVA" :
							   "\nmapped for peer-to-peer DMA to "
							   "BARs only") : NULL);

		free(what);
		if (rc < 0)
			return rc;
	}
	if (lane)
		*lane = m->nlanes - 1;
	return 0;
}

int map_add_conflict(struct map *m, size_t guest, size_t lane, struct resv_range overlap,
		     enum resv_severity severity, const char *label, const char *title)
{
	struct map_conflict *v;
	char *t = esc_dup(title), *l = esc_dup(label);

	v = t && l ? realloc(m->conflicts, (m->nconflicts + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(t);
		free(l);
		return -ENOMEM;
	}
	m->conflicts = v;
	v[m->nconflicts++] = (struct map_conflict){ guest, lane, overlap, severity, l, t };
	return 0;
}

/* The terminal's width for the text map: $COLUMNS, the tty's, else no limit. */
static unsigned int term_width(void)
{
	const char *c = getenv("COLUMNS");
	struct winsize ws;

	if (c && *c) {
		long v = strtol(c, NULL, 10);

		if (v > 0 && v < 100000)
			return (unsigned int)v;
	}
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	return 0;
}

int map_write(struct map *m, const char *dest)
{
	struct map_layout l = { 0 };
	FILE *f;
	int rc;

	if (map_layout(m, &l) < 0) {
		warnx_("out of memory");
		return -ENOMEM;
	}
	if (strcmp(dest, "term") == 0) {
		/* Colour only on a terminal that has it, unless NO_COLOR (no-color.org) is set. */
		const char *t = getenv("TERM");
		bool colour = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && t &&
			      strcmp(t, "dumb") != 0;

		rc = map_write_term(stdout, m, &l, term_width(), colour);
		fflush(stdout);
		map_layout_free(&l);
		return rc;
	}
	f = strcmp(dest, "-") == 0 ? stdout : fopen(dest, "w");
	if (!f) {
		warnx_("--map: cannot write %s: %s", dest, strerror(errno));
		map_layout_free(&l);
		return -EIO;
	}
	rc = map_write_svg(f, m, &l);
	if (fflush(f) != 0 || ferror(f))
		rc = -EIO;
	if (f != stdout && fclose(f) != 0)
		rc = -EIO;
	if (rc == -EIO)
		warnx_("--map: cannot write %s: %s", dest, strerror(errno));
	map_layout_free(&l);
	return rc;
}
