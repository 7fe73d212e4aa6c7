// SPDX-License-Identifier: MIT
/*
 * The map as SVG: addresses run down the page (as in the tables), one column
 * per lane. Self-contained (no script, no external font or image), every
 * element's exact range, type and provenance in a <title>, text as <text>
 * (selectable), colours from the Okabe-Ito palette, each doubled by a
 * pattern and a label so the picture reads without colour and in print.
 * Integer coordinates only: the same input gives the same bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "map.h"

#define MARGIN 16
#define ADDR_W 132	/* "0x0000000000000000" at 11px monospace */
#define SIZE_W 48
#define AXIS_X (MARGIN + ADDR_W + SIZE_W)
#define LANE_X0 (AXIS_X + 14)
#define LANE_W 164
#define LANE_GAP 16
#define USABLE_W 9	/* the usable-IOVA strip on a region lane's right */
#define HEAD_H 50
#define CHAR_W 7	/* 11px monospace advances about 6.6px: round up */
#define LEGEND_ROW 20

/* Okabe & Ito's colour-blind-safe palette, with light tints for fills. */
static const struct style {
	const char *id, *fg, *bg;
} styles[MAP_KIND_COUNT] = {
	[MAP_DIRECT] = { "direct", "#D55E00", "#F6CDB2" },	/* vermillion, dense hatch */
	[MAP_RELAXABLE] = { "relaxable", "#E69F00", "#FCEBC4" },	/* orange, sparse hatch */
	[MAP_RESERVED] = { "reserved", "#000000", "#D9D9D9" },	/* black, cross-hatch */
	[MAP_MSI] = { "msi", "#0072B2", "#CCE3F0" },		/* blue, horizontal lines */
	[MAP_TRUNCATED] = { "truncated", "#E69F00", "#FFFFFF" },	/* orange dots, dashed */
	[MAP_RAM] = { "ram", "#009E73", "#BFE7DA" },		/* bluish green, solid */
	[MAP_MMIO] = { "mmio", "#56B4E9", "#E6F3FB" },		/* sky blue, vertical lines */
};

/* Text escaped for XML character data and attributes (input is printable already). */
static void xml(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* At most @max characters of @s (UTF-8 aware), with "~" when cut. */
static void xml_fit(FILE *f, const char *s, unsigned int max)
{
	size_t len = 0, chars = 0, n = strlen(s);

	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	if (chars <= max || max < 2) {
		xml(f, max < 2 ? "" : s);
		return;
	}
	for (chars = 0; len < n; len++) {
		if (((unsigned char)s[len] & 0xc0) != 0x80 && ++chars == max)
			break;
	}
	char buf[256];

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	xml(f, buf);
	fputc('~', f);
}

/*
 * @s as lines of at most @max characters, cut at spaces, from baseline @y
 * down by 14; with @f NULL only counted. Return: the number of lines.
 */
static int wrap(FILE *f, const char *s, int x, int y, size_t max)
{
	int lines = 0;

	while (*s) {
		size_t len = strlen(s), cut = len;

		if (len > max) {
			cut = max;
			while (cut > max / 2 && s[cut] != ' ')
				cut--;
			if (s[cut] != ' ')
				cut = max;
		}
		if (f) {
			char buf[512];
			size_t n = cut < sizeof(buf) ? cut : sizeof(buf) - 1;

			memcpy(buf, s, n);
			buf[n] = '\0';
			fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"n\">", x, y + 14 * lines);
			xml(f, buf);
			fputs("</text>\n", f);
		}
		lines++;
		s += cut;
		while (*s == ' ')
			s++;
	}
	return lines;
}

static void title(FILE *f, const char *t)
{
	fputs("<title>", f);
	xml(f, t);
	fputs("</title>", f);
}

static void defs(FILE *f)
{
	fputs("<defs>\n", f);
	/* direct: dense 45-degree hatch */
	fprintf(f, "<pattern id=\"p-direct\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
		"patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"%s\"/>"
		"<rect width=\"2.5\" height=\"6\" fill=\"%s\"/></pattern>\n",
		styles[MAP_DIRECT].bg, styles[MAP_DIRECT].fg);
	/* direct-relaxable: sparse hatch the other way */
	fprintf(f, "<pattern id=\"p-relaxable\" width=\"10\" height=\"10\" "
		"patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(-45)\">"
		"<rect width=\"10\" height=\"10\" fill=\"%s\"/><rect width=\"2\" height=\"10\" "
		"fill=\"%s\"/></pattern>\n", styles[MAP_RELAXABLE].bg, styles[MAP_RELAXABLE].fg);
	/* reserved: cross-hatch */
	fprintf(f, "<pattern id=\"p-reserved\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" "
		"patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"%s\"/>"
		"<rect width=\"1.5\" height=\"8\" fill=\"%s\"/><rect width=\"8\" height=\"1.5\" "
		"fill=\"%s\"/></pattern>\n", styles[MAP_RESERVED].bg, styles[MAP_RESERVED].fg,
		styles[MAP_RESERVED].fg);
	/* msi: horizontal lines */
	fprintf(f, "<pattern id=\"p-msi\" width=\"6\" height=\"5\" patternUnits=\"userSpaceOnUse\">"
		"<rect width=\"6\" height=\"5\" fill=\"%s\"/><rect width=\"6\" height=\"1.5\" "
		"fill=\"%s\"/></pattern>\n", styles[MAP_MSI].bg, styles[MAP_MSI].fg);
	/* truncated: dots on white */
	fprintf(f, "<pattern id=\"p-truncated\" width=\"6\" height=\"6\" "
		"patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"%s\"/>"
		"<circle cx=\"3\" cy=\"3\" r=\"1.2\" fill=\"%s\"/></pattern>\n",
		styles[MAP_TRUNCATED].bg, styles[MAP_TRUNCATED].fg);
	/* ram: solid */
	fprintf(f, "<pattern id=\"p-ram\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\">"
		"<rect width=\"4\" height=\"4\" fill=\"%s\"/></pattern>\n", styles[MAP_RAM].bg);
	/* mmio: vertical lines */
	fprintf(f, "<pattern id=\"p-mmio\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
		"<rect width=\"6\" height=\"6\" fill=\"%s\"/><rect width=\"1.5\" height=\"6\" "
		"fill=\"%s\"/></pattern>\n", styles[MAP_MMIO].bg, styles[MAP_MMIO].fg);
	/* above the aperture: sparse grey crosses */
	fputs("<pattern id=\"p-outside\" width=\"12\" height=\"12\" patternUnits=\"userSpaceOnUse\">"
	      "<rect width=\"12\" height=\"12\" fill=\"#F2F2F2\"/><path d=\"M3 3l6 6M9 3l-6 6\" "
	      "stroke=\"#999999\" stroke-width=\"1\"/></pattern>\n", f);
	fputs("</defs>\n", f);
}

/*
 * Where a guest range's label goes: its first band that no conflict of lane
 * @lane covers (the conflict's own band names it), else its first band.
 */
static bool label_band(const struct map *m, size_t lane, const struct map_item *it,
		       const struct map_layout *l, unsigned int *y, unsigned int *h)
{
	for (size_t b = map_segment_of(l, it->start); b < l->nseg && l->seg[b].start <= it->last;
	     b++) {
		bool covered = false;

		for (size_t c = 0; c < m->nconflicts && !covered; c++)
			covered = m->conflicts[c].guest == lane &&
				  m->conflicts[c].overlap.start <= l->seg[b].last &&
				  l->seg[b].start <= m->conflicts[c].overlap.last;
		if (!covered) {
			*y = l->seg[b].y;
			*h = l->seg[b].h;
			return true;
		}
	}
	return false;
}

/* The guest range of lane @lane holding @addr whose every band a conflict covers, or NULL. */
static const struct map_item *hidden_guest(const struct map *m, size_t lane, uint64_t addr,
					   const struct map_layout *l)
{
	const struct map_lane *ln = &m->lanes[lane];
	unsigned int y, h;

	for (size_t k = 0; k < ln->nitems; k++)
		if (ln->items[k].start <= addr && addr <= ln->items[k].last &&
		    !label_band(m, lane, &ln->items[k], l, &y, &h))
			return &ln->items[k];
	return NULL;
}

/* An item's rectangle, label and marks, in a <g> whose <title> tells all. */
static void item(FILE *f, const struct map *m, size_t lane, const struct map_item *it, int x0,
		 int y0, const struct map_layout *l)
{
	const struct map_lane *ln = &m->lanes[lane];
	unsigned int y, h, ly, lh;
	int inner = ln->has_aperture ? LANE_W - USABLE_W - 3 : LANE_W;
	int w = it->alone ? inner : inner / (int)ln->nslots;
	int x = x0 + (it->alone ? 0 : (int)it->slot * w);
	/* Guest ranges show their conflicts as overlays, exactly where they are. */
	const char *mark = ln->kind == MAP_LANE_GUEST ? NULL :
			   it->conflict == RESV_SEV_ERROR + 1 ? "error" :
			   it->conflict ? "warning" : NULL;

	map_span(l, it->start, it->last, &y, &h);
	if (!h)
		return;
	fputs("<g><title>", f);
	xml(f, it->title);
	if (it->blocker)
		fputs("\nthe region that makes the group unassignable (VFIO)", f);
	if (mark)
		fprintf(f, "\n%s: a guest range meets it (the mark on the axis says which)", mark);
	fputs("</title>", f);
	fprintf(f, "<rect x=\"%d\" y=\"%u\" width=\"%d\" height=\"%u\" fill=\"url(#p-%s)\" "
		"stroke=\"%s\" stroke-width=\"1\"%s/>", x, y0 + y, w, h, styles[it->kind].id,
		it->kind == MAP_TRUNCATED ? styles[MAP_TRUNCATED].fg : "#333333",
		it->kind == MAP_TRUNCATED ? " stroke-dasharray=\"4 2\"" : "");
	if (mark || it->blocker)
		fprintf(f, "<rect x=\"%d\" y=\"%u\" width=\"%d\" height=\"%u\" fill=\"none\" "
			"stroke=\"#000000\" stroke-width=\"3\"%s/>", x + 1, y0 + y + 1, w - 2,
			h > 2 ? h - 2 : 1,
			mark && strcmp(mark, "warning") == 0 && !it->blocker ?
			" stroke-dasharray=\"6 3\"" : "");
	/* The label on a white halo, so hatching never hides it. */
	unsigned int max = w > 6 ? (unsigned int)(w - 6) / CHAR_W : 0;

	ly = y;
	lh = h;
	if (ln->kind == MAP_LANE_GUEST)
		label_band(m, lane, it, l, &ly, &lh);
	unsigned int ty = y0 + ly + (lh < 30 ? lh / 2 + 4 : 14);

	fprintf(f, "<text x=\"%d\" y=\"%u\" class=\"l\">", x + 4, ty);
	if ((mark || it->blocker) && h < 30) {
		fprintf(f, "%s ", it->blocker ? "XX" : it->conflict == RESV_SEV_ERROR + 1 ? "!!" : "!");
		max = max > 3 ? max - 3 : 0;
	}
	xml_fit(f, it->label, max);
	fputs("</text>", f);
	if (h >= 30 && (mark || it->blocker)) {
		fprintf(f, "<text x=\"%d\" y=\"%u\" class=\"m\">", x + 4, ty + 13);
		xml_fit(f, it->blocker ? "XX BLOCKS VFIO" : strcmp(mark, "error") == 0 ?
			"!! error" : "! warning", max);
		fputs("</text>", f);
	}
	fputs("</g>\n", f);
}

/* Above the aperture (hatched grey), the aperture top, the usable strip. */
static void draw_aperture(FILE *f, const struct map_lane *ln, int x0, int y0,
		     const struct map_layout *l)
{
	int sx = x0 + LANE_W - USABLE_W;
	unsigned int y, h, top = y0 + l->height;
	uint64_t last = l->seg[l->nseg - 1].last;

	if (ln->aperture.last < last) {
		map_span(l, ln->aperture.last + 1, last, &y, &h);
		top = y0 + y;
		fputs("<g>", f);
		char *t = NULL;

		if (asprintf(&t, "above the IOVA aperture: 0x%" PRIx64 "-0x%" PRIx64
			     " is not usable for DMA\n%s", ln->aperture.last + 1, last,
			     ln->aperture_title) < 0)
			t = NULL;
		title(f, t ? t : ln->aperture_title);
		free(t);
		fprintf(f, "<rect x=\"%d\" y=\"%u\" width=\"%d\" height=\"%u\" fill=\"url(#p-outside)\" "
			"stroke=\"#999999\"/>", x0, top, LANE_W, h);
		fprintf(f, "<text x=\"%d\" y=\"%u\" class=\"l\">above aperture</text>", x0 + 4,
			top + (h < 30 ? h / 2 + 4 : 16));
		fputs("</g>\n", f);
	}
	/* The strip: an outline, usable IOVA filled. */
	fputs("<g>", f);
	title(f, ln->aperture_title);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%u\" fill=\"#FFFFFF\" "
		"stroke=\"#009E73\" stroke-width=\"1\"/>", sx, y0, USABLE_W, top - y0);
	fprintf(f, "<line x1=\"%d\" y1=\"%u\" x2=\"%d\" y2=\"%u\" stroke=\"#000000\" "
		"stroke-width=\"2.5\" stroke-dasharray=\"8 3\"/>", x0 - 4, top, x0 + LANE_W + 4, top);
	fprintf(f, "<text x=\"%d\" y=\"%u\" class=\"s\" text-anchor=\"end\">aperture top</text>",
		x0 + LANE_W - USABLE_W - 3, top - 3 < (unsigned int)y0 + 10 ? top + 11 : top - 3);
	fputs("</g>\n", f);
	for (size_t k = 0; k < ln->nusable; k++) {
		const struct resv_range *u = &ln->usable[k];
		char sz[32];

		map_span(l, u->start, u->last, &y, &h);
		print_size(sz, sizeof(sz), u->start, u->last);
		fputs("<g>", f);
		fprintf(f, "<title>usable IOVA 0x%016" PRIx64 "-0x%016" PRIx64 " (%s): what VFIO "
			"(IOVA_RANGE) and iommufd let a VMM map</title>", u->start, u->last, sz);
		fprintf(f, "<rect x=\"%d\" y=\"%u\" width=\"%d\" height=\"%u\" fill=\"#009E73\"/>",
			sx + 1, y0 + y, USABLE_W - 2, h);
		fputs("</g>\n", f);
	}
}

static void header(FILE *f, const struct map_lane *ln, int x, int y)
{
	fputs("<g>", f);
	title(f, ln->title);
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"h\">", x, y + 14);
	xml_fit(f, ln->name, LANE_W / 8);
	fputs("</text>", f);
	if (ln->sub) {
		fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"l\">", x, y + 28);
		xml_fit(f, ln->sub, LANE_W / CHAR_W);
		fputs("</text>", f);
	}
	if (ln->status) {
		fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y + 42, ln->bad ? "bad" : "l");
		xml_fit(f, ln->status, LANE_W / CHAR_W);
		fputs("</text>", f);
	}
	fputs("</g>\n", f);
}

/* Addresses of every boundary, the size of every band, breaks in the gaps. */
static void axis(FILE *f, const struct map_layout *l, int y0, int width)
{
	char sz[32];

	for (size_t i = 0; i < l->nseg; i++) {
		const struct map_segment *s = &l->seg[i];
		unsigned int y = y0 + s->y;

		fprintf(f, "<g><title>boundary: 0x%016" PRIx64 " starts a band%s</title>", s->start,
			i ? "" : " (the first address)");
		fprintf(f, "<line x1=\"%d\" y1=\"%u\" x2=\"%d\" y2=\"%u\" class=\"grid\"/>", AXIS_X - 4,
			y, width - MARGIN, y);
		fprintf(f, "<text x=\"%d\" y=\"%u\" class=\"a\">0x%016" PRIx64 "</text></g>", MARGIN,
			y + 4, s->start);
		print_size(sz, sizeof(sz), s->start, s->last);
		fprintf(f, "<g><title>0x%016" PRIx64 "-0x%016" PRIx64 " (%s)%s</title>", s->start,
			s->last, sz, s->gap ? ": nothing here in any lane" : "");
		fprintf(f, "<text x=\"%d\" y=\"%u\" class=\"s\" text-anchor=\"end\">%s</text>",
			AXIS_X - 8, y + s->h / 2 + 8, sz);
		if (s->gap && s->h >= 24) {
			/* A break in the axis: this band is drawn far smaller than it is. */
			unsigned int m = y + s->h / 2;

			fprintf(f, "<path d=\"M%d %uh0l-6 4l12 -8l-6 4\" class=\"brk\"/>", AXIS_X,
				m - 2);
		}
		fputs("</g>\n", f);
	}
	unsigned int yb = y0 + l->height;

	fprintf(f, "<g><title>0x%016" PRIx64 ": the last address shown</title>",
		l->seg[l->nseg - 1].last);
	fprintf(f, "<line x1=\"%d\" y1=\"%u\" x2=\"%d\" y2=\"%u\" class=\"grid\"/>", AXIS_X - 4, yb,
		width - MARGIN, yb);
	fprintf(f, "<text x=\"%d\" y=\"%u\" class=\"a\">0x%016" PRIx64 "</text>", MARGIN, yb + 4,
		l->seg[l->nseg - 1].last);
	fprintf(f, "<text x=\"%d\" y=\"%u\" class=\"s\">(last address)</text></g>", MARGIN, yb + 16);
	fprintf(f, "<g><title>the address axis, piecewise: not linear</title><line x1=\"%d\" "
		"y1=\"%d\" x2=\"%d\" y2=\"%u\" stroke=\"#000000\" stroke-width=\"1.5\"/></g>\n",
		AXIS_X, y0, AXIS_X, yb);
}

static void swatch(FILE *f, int x, int y, const char *fill, const char *stroke, const char *dash,
		   const char *name, const char *help)
{
	fprintf(f, "<g><rect x=\"%d\" y=\"%d\" width=\"26\" height=\"14\" fill=\"%s\" stroke=\"%s\" "
		"stroke-width=\"%s\"%s%s%s/>", x, y, fill, stroke,
		strcmp(stroke, "#000000") == 0 && strcmp(fill, "none") == 0 ? "3" : "1",
		dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"l\"><tspan font-weight=\"bold\">", x + 34, y + 11);
	xml(f, name);
	fputs("</tspan>: ", f);
	xml(f, help);
	fputs("</text></g>\n", f);
}

static int legend(FILE *f, int x, int y, bool guest, bool aperture)
{
	static const enum map_kind order[] = { MAP_DIRECT, MAP_RELAXABLE, MAP_TRUNCATED, MAP_RESERVED,
					       MAP_MSI, MAP_RAM, MAP_MMIO };

	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"h\">Legend</text>\n", x, y + 12);
	y += 20;
	for (size_t i = 0; i < ARRAY_LEN(order); i++) {
		enum map_kind k = order[i];
		char fill[32];

		if (!guest && (k == MAP_RAM || k == MAP_MMIO))
			continue;
		snprintf(fill, sizeof(fill), "url(#p-%s)", styles[k].id);
		swatch(f, x, y, fill, k == MAP_TRUNCATED ? styles[k].fg : "#333333",
		       k == MAP_TRUNCATED ? "4 2" : NULL, map_kind_name(k), map_kind_help(k));
		y += LEGEND_ROW;
	}
	if (aperture) {
		swatch(f, x, y, "#009E73", "#009E73", NULL, "usable IOVA",
		       "the strip at a lane's right: what VFIO (IOVA_RANGE) and iommufd let a VMM map");
		y += LEGEND_ROW;
		swatch(f, x, y, "url(#p-outside)", "#999999", NULL, "above aperture",
		       "beyond the IOMMU's address width (the dashed line: aperture top)");
		y += LEGEND_ROW;
	}
	if (guest) {
		swatch(f, x, y, "#D55E00", "#000000", NULL, "!! error",
		       "guest RAM meets a region the policy forbids, or lies above the aperture");
		y += LEGEND_ROW;
		swatch(f, x, y, "#F0E442", "#000000", "4 2", "! warning",
		       "guest RAM meets a relaxable region (policy relaxed), or MMIO meets a region");
		y += LEGEND_ROW;
	}
	swatch(f, x, y, "none", "#000000", NULL, "thick outline",
	       guest ? "a region in conflict (dashed: a warning); XX: the region that makes the "
		       "group unassignable" :
		       "XX: the region that makes the group unassignable");
	y += LEGEND_ROW;
	return y;
}

int map_write_svg(FILE *f, const struct map *m, const struct map_layout *l)
{
	bool guest = false, aperture = false;
	int width = LANE_X0 + (int)m->nlanes * (LANE_W + LANE_GAP) + MARGIN;
	int y = MARGIN + 16;

	for (size_t i = 0; i < m->nlanes; i++) {
		guest |= m->lanes[i].kind == MAP_LANE_GUEST;
		aperture |= m->lanes[i].has_aperture;
	}
	if (width < 900)
		width = 900;
	size_t per_line = (size_t)(width - 2 * MARGIN) / CHAR_W;
	int nlines = 0;

	for (size_t i = 0; i < m->nnotes; i++)
		nlines += wrap(NULL, m->notes[i], 0, 0, per_line);
	int y_axis = y + 14 * nlines + 22 + 15 + 10 + HEAD_H;
	int y_legend = y_axis + (int)l->height + 40;
	int legend_rows = 1 + 5 + (guest ? 4 : 0) + (aperture ? 2 : 0) + 1;
	int height = y_legend + legend_rows * LEGEND_ROW + MARGIN + 10;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\">\n", width, height, width, height);
	title(f, m->title);
	fputs("\n<style>\n"
	      "text{font-family:'DejaVu Sans Mono','Liberation Mono',Menlo,Consolas,monospace;"
	      "font-size:11px;fill:#000000}\n"
	      ".t{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;font-size:16px;"
	      "font-weight:bold}\n"
	      ".n{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;font-size:12px}\n"
	      ".h{font-size:12px;font-weight:bold}\n"
	      ".l{paint-order:stroke;stroke:#FFFFFF;stroke-width:3px;stroke-linejoin:round}\n"
	      ".m{font-weight:bold;paint-order:stroke;stroke:#FFFFFF;stroke-width:3px}\n"
	      ".bad{font-weight:bold;fill:#D55E00}\n"
	      ".s{font-size:10px;fill:#444444}\n"
	      ".a{fill:#000000}\n"
	      ".grid{stroke:#CCCCCC;stroke-width:0.5}\n"
	      ".brk{stroke:#000000;stroke-width:1.5;fill:none}\n"
	      "</style>\n", f);
	defs(f);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#FFFFFF\"/>\n", width, height);
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"t\">", MARGIN, y);
	xml(f, m->title);
	fputs("</text>\n", f);
	for (size_t i = 0; i < m->nnotes; i++)
		y += 14 * wrap(f, m->notes[i], MARGIN, y + 18, per_line);
	y += 22;
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"n\" font-style=\"italic\">The address axis is "
		"NOT linear: a band between two boundaries is as tall as the logarithm of its size"
		"</text>\n", MARGIN, y);
	y += 15;
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"n\" font-style=\"italic\">(the breaks mark "
		"empty space drawn far smaller than it is); the true address is written at every "
		"boundary, the size in every band.</text>\n", MARGIN, y);
	y += 10;
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"h\">address</text>", MARGIN, y + HEAD_H - 8);
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"h\" text-anchor=\"end\">size</text>\n",
		AXIS_X - 8, y + HEAD_H - 8);
	for (size_t i = 0; i < m->nlanes; i++)
		header(f, &m->lanes[i], LANE_X0 + (int)i * (LANE_W + LANE_GAP), y);
	axis(f, l, y_axis, width);
	for (size_t i = 0; i < m->nlanes; i++) {
		const struct map_lane *ln = &m->lanes[i];
		int x0 = LANE_X0 + (int)i * (LANE_W + LANE_GAP);

		fputs("<g>", f);
		title(f, ln->title);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%u\" fill=\"none\" "
			"stroke=\"#BBBBBB\"/></g>\n", x0, y_axis, LANE_W, l->height);
		if (ln->has_aperture)
			draw_aperture(f, ln, x0, y_axis, l);
		for (size_t k = 0; k < ln->nitems; k++)
			item(f, m, i, &ln->items[k], x0, y_axis, l);
	}
	/*
	 * Each conflict: over exactly the guest addresses in conflict, a band
	 * across the guest lane naming the group and region, and a bar at the
	 * left of the group's lane; both tell all in their <title>.
	 */
	for (size_t c = 0; c < m->nconflicts; c++) {
		const struct map_conflict *x = &m->conflicts[c];
		bool err = x->severity == RESV_SEV_ERROR;
		int gx = LANE_X0 + (int)x->guest * (LANE_W + LANE_GAP);
		int rx = LANE_X0 + (int)x->lane * (LANE_W + LANE_GAP) - 7;
		unsigned int cy, ch;

		map_span(l, x->overlap.start, x->overlap.last, &cy, &ch);
		fputs("<g><title>", f);
		fprintf(f, "%s: ", resv_severity_name(x->severity));
		xml(f, x->title);
		fputs("</title>", f);
		fprintf(f, "<rect x=\"%d\" y=\"%u\" width=\"%d\" height=\"%u\" fill=\"%s\" "
			"stroke=\"#000000\" stroke-width=\"1.5\"%s/>", gx, y_axis + cy, LANE_W, ch,
			err ? "#D55E00" : "#F0E442", err ? "" : " stroke-dasharray=\"4 2\"");
		/*
		 * "group 18: direct" on two lines when the band has room, else the
		 * type; a guest range the conflicts hide entirely is named first.
		 */
		const char *colon = strstr(x->label, ": ");
		const char *what = colon ? colon + 2 : x->label;
		const struct map_item *hidden = hidden_guest(m, x->guest, x->overlap.start, l);

		fprintf(f, "<text x=\"%d\" y=\"%u\" class=\"m\">%s ", gx + 4,
			y_axis + cy + (ch >= 30 ? ch / 2 - 2 : ch / 2 + 4), err ? "!!" : "!");
		if (ch >= 30 && hidden) {
			xml_fit(f, hidden->label, LANE_W / CHAR_W - 3);
			fprintf(f, "</text><text x=\"%d\" y=\"%u\" class=\"m\">", gx + 4,
				y_axis + cy + ch / 2 + 11);
			what = x->label;
		} else if (ch >= 30 && colon) {
			char who[64];

			snprintf(who, sizeof(who), "%.*s", (int)(colon - x->label), x->label);
			xml_fit(f, who, LANE_W / CHAR_W - 3);
			fprintf(f, "</text><text x=\"%d\" y=\"%u\" class=\"m\">", gx + 4,
				y_axis + cy + ch / 2 + 11);
		}
		xml_fit(f, what, LANE_W / CHAR_W - (what == x->label ? 1 : 3));
		fputs("</text>", f);
		fprintf(f, "<rect x=\"%d\" y=\"%u\" width=\"7\" height=\"%u\" fill=\"%s\" "
			"stroke=\"#000000\"%s/>", rx, y_axis + cy, ch, err ? "#D55E00" : "#F0E442",
			err ? "" : " stroke-dasharray=\"2 1\"");
		fputs("</g>\n", f);
	}
	legend(f, MARGIN, y_legend, guest, aperture);
	fputs("</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}
