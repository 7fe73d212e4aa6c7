// SPDX-License-Identifier: MIT
/*
 * Region text: the kernel's reserved_regions format (iommu.c
 * iommu_group_show_resv_regions: "0x%016llx 0x%016llx %s\n"), read strictly
 * and written byte for byte, and the looser input of the region calculator.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A sysfs attribute holds at most a page, less its NUL (fs/sysfs/file.c). */
#define SYSFS_PAGE_LIMIT 4095

/*
 * Length of the well-formed UTF-8 character at @p (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0.
 */
static size_t utf8_char(const unsigned char *p)
{
	size_t n;
	unsigned int lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, lo = p[0] == 0xe0 ? 0xa0 : 0x80, hi = p[0] == 0xed ? 0x9f : 0xbf;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, lo = p[0] == 0xf0 ? 0x90 : 0x80, hi = p[0] == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

RESV_EXPORT size_t resv_escape(char *out, size_t size, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, need = 0;
	bool full = !out || size == 0;

	while (*p) {
		size_t n = *p >= 0x20 && *p < 0x7f ? 1 : utf8_char(p);
		/* U+0080..U+009F are controls too (C1: CSI is U+009B). */
		bool raw = n > 0 && !(n == 2 && p[0] == 0xc2 && p[1] < 0xa0);
		size_t w = raw ? n : 4;

		if (!raw)
			n = 1;
		full = full || o + w >= size;
		if (!full) {
			if (raw)
				memcpy(out + o, p, n);
			else
				snprintf(out + o, 5, "\\x%02x", *p);
			o += w;
		}
		need += w;
		p += n;
	}
	if (out && size)
		out[o] = '\0';
	return need;
}

/* Printable excerpt of a bad line for messages: at most 48 bytes, escaped. */
static void excerpt(char *dst, size_t size, const char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			dst[o++] = (char)c;
		else
			o += (size_t)snprintf(dst + o, size - o, "\\x%02x", c);
	}
	if (o > size - 1)
		o = size - 1;
	dst[o] = '\0';
}

/*
 * Eight lower-case hex digits at @s, eight bytes at once (SWAR): *v gets
 * their value. Return: whether all eight are in [0-9a-f].
 */
static bool hex8(const char *s, uint32_t *v)
{
	const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
	uint64_t x, digit, alpha;

	memcpy(&x, s, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);	/* the first digit in the low byte */
#endif
	/* With bit 7 clear, c + k sets bit 7 exactly when c >= 0x80 - k. */
	digit = (x + ones * (0x80 - '0')) & ~(x + ones * (0x80 - '9' - 1));
	alpha = (x + ones * (0x80 - 'a')) & ~(x + ones * (0x80 - 'f' - 1));
	if ((x & high) || ((digit | alpha) & high) != high)
		return false;
	/* '0'..'9' is 0x30..0x39, 'a'..'f' 0x61..0x66: the low nibble, plus 9
	 * when bit 6 is set. Then the nibbles are packed, first digit highest. */
	x = (x & ones * 0x0f) + 9 * ((x >> 6) & ones);
	x = ((x << 4) + (x >> 8)) & 0x00ff00ff00ff00ffull;
	x = ((x << 8) + (x >> 16)) & 0x0000ffff0000ffffull;
	x = ((x << 16) + (x >> 32)) & 0xffffffffull;
	*v = (uint32_t)x;
	return true;
}

/* Exactly "0x" and 16 lower-case hex digits, as the kernel prints them. */
static bool parse_kernel_hex(const char *s, uint64_t *v)
{
	uint32_t hi, lo;

	if (s[0] != '0' || s[1] != 'x' || !hex8(s + 2, &hi) || !hex8(s + 10, &lo))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

/*
 * The type at @s, as the kernel ends a line (iommu_group_resv_type_string
 * and '\n'), within @rem bytes. Return: the bytes it takes with its
 * newline, or 0 when @s is not exactly one of the four such endings.
 */
static size_t kernel_type_nl(const char *s, size_t rem, enum resv_type *type)
{
	/* Constant lengths: each comparison is a load or two, not a call. */
	switch (s[0]) {
	case 'd':
		if (rem >= 7 && memcmp(s, "direct\n", 7) == 0) {
			*type = RESV_TYPE_DIRECT;
			return 7;
		}
		if (rem >= 17 && memcmp(s, "direct-relaxable\n", 17) == 0) {
			*type = RESV_TYPE_DIRECT_RELAXABLE;
			return 17;
		}
		return 0;
	case 'r':
		if (rem >= 9 && memcmp(s, "reserved\n", 9) == 0) {
			*type = RESV_TYPE_RESERVED;
			return 9;
		}
		return 0;
	case 'm':
		if (rem >= 4 && memcmp(s, "msi\n", 4) == 0) {
			*type = RESV_TYPE_MSI;
			return 4;
		}
		return 0;
	default:
		return 0;
	}
}

/* Why a kernel line is malformed, or NULL when it is well formed. */
static const char *check_sysfs_line(const char *s, size_t len, uint64_t *start,
				    uint64_t *last, enum resv_type *type)
{
	if (memchr(s, '\0', len))
		return "a NUL byte in the line";
	if (len < 39)
		return "too short for \"0x%016llx 0x%016llx TYPE\"";
	if (!parse_kernel_hex(s, start))
		return "start is not 0x followed by 16 lower-case hex digits";
	if (s[18] != ' ')
		return "expected one space after the start address";
	if (!parse_kernel_hex(s + 19, last))
		return "last is not 0x followed by 16 lower-case hex digits";
	if (s[37] != ' ')
		return "expected one space after the last address";
	/* The kernel never prints "sw-msi": SW_MSI is written as "msi". */
	if (resv_type_parse(s + 38, len - 38, type) < 0 ||
	    *type == RESV_TYPE_SW_MSI)
		return "unknown region type (expected direct, direct-relaxable, reserved or msi)";
	/*
	 * iommu.c iommu_get_group_resv_regions prints start and start +
	 * length - 1: a zero-length region (RMRR end = base - 1, IVMD length
	 * 0) comes out as last = start - 1, which is valid. Start 0 and last
	 * 2^64 - 1 is read as the whole space: the kernel's size_t length
	 * cannot hold 2^64, so that line is a length of 0 too, but VFIO
	 * (vfio_iommu_resv_exclude) computes the same end and excludes
	 * everything, and the line prints the same either way.
	 */
	if (*start > *last && *last != *start - 1)
		return "start is above last (the kernel prints that only for a zero-length region, as last = start - 1)";
	return NULL;
}

/*
 * A region read at line @lineno of @where. The lines after the first
 * (sources added since @mark, the parse's start) share its origin and
 * device: only the number differs, and no string is looked at.
 */
static int add_line(struct resv_list *list, const struct list_mark *mark, uint64_t start,
		    uint64_t last, enum resv_type type, bool zero_length, const char *where,
		    const char *device, uint64_t lineno)
{
	if (list->pool->count > mark->nsources)
		return list_add_again(list, start, last, type, RESV_PROT_UNKNOWN, zero_length,
				      lineno);
	return list_add_source(list, start, last, type, RESV_PROT_UNKNOWN, zero_length, where,
			       device, lineno);
}

RESV_EXPORT int resv_parse_sysfs(struct resv_list *list, const char *buf,
				 size_t len, const char *where,
				 const char *device, struct resv_diags *diags)
{
	uint64_t lineno = 0, prev_start = 0;
	enum resv_type prev_type = RESV_TYPE_DIRECT;
	bool have_prev = false, warned_order = false;
	int bad = 0, rc;
	char ex[200];
	struct list_mark mark = list_mark(list);
	size_t ndiags = resv_diags_count(diags);

	for (size_t off = 0; off < len;) {
		const char *s = buf + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;
		uint64_t start, last;
		enum resv_type type;
		const char *why;

		lineno++;
		off += n + (nl ? 1 : 0);
		why = check_sysfs_line(s, n, &start, &last, &type);
		if (!nl && len == SYSFS_PAGE_LIMIT) {
			/* kernel-semantics TV16: sysfs_emit_at() stops at one page. */
			rc = diags_add(diags, "SYSFS_PAGE_TRUNCATED", RESV_SEV_ERROR, where,
				       lineno, -1,
				       "the file stops mid-line at 4095 bytes: the kernel cut the list at one page, so the regions from here on are missing");
			if (rc < 0)
				goto fail;
			bad++;
			continue;
		}
		if (why) {
			excerpt(ex, sizeof(ex), s, n < 48 ? n : 48);
			rc = diags_add(diags, "SYSFS_BAD_LINE", RESV_SEV_ERROR,
				       where, lineno, -1, "%s: \"%s\"", why, ex);
			if (rc < 0)
				goto fail;
			bad++;
			continue;
		}
		/* A copy that lost its last newline: the region is whole. */
		if (!nl) {
			rc = diags_add(diags, "SYSFS_NO_NEWLINE", RESV_SEV_WARNING, where, lineno,
				       -1, "no newline at the end (the kernel ends every line "
				       "with one); the region is kept");
			if (rc < 0)
				goto fail;
		}
		/* v5.4+ lists are sorted by (start, type); older kernels not. */
		if (have_prev && !warned_order &&
		    (start < prev_start || (start == prev_start && type < prev_type))) {
			rc = diags_add(diags, "SYSFS_UNSORTED", RESV_SEV_WARNING,
				       where, lineno, -1,
				       "out of (start, type) order: written by a kernel before v5.4, or not by a kernel");
			if (rc < 0)
				goto fail;
			warned_order = true;
		}
		have_prev = true;
		prev_start = start;
		prev_type = type;
		/* start > last is last = start - 1: zero length */
		rc = add_line(list, &mark, start, last, type, start > last, where, device, lineno);
		if (rc < 0)
			goto fail;
	}
	return bad;
fail:
	/* Nothing of a failed parse stays: the caller may retry or go on. */
	list_rollback(list, &mark);
	diags_truncate(diags, ndiags);
	return rc;
}

/* A number in hex (0x/0X) or decimal, no sign, no overflow; no division. */
static const char *parse_number(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < len; i++) {
			unsigned char c = (unsigned char)s[i] | 0x20;	/* A-F as a-f */
			unsigned int d;

			if (c >= '0' && c <= '9' && s[i] == (char)c)
				d = (unsigned int)(c - '0');
			else if (c >= 'a' && c <= 'f')
				d = (unsigned int)(c - 'a' + 10);
			else
				return "is not a hex number";
			if (x >> 60)
				return "does not fit in 64 bits";
			x = x << 4 | d;
		}
		*v = x;
		return NULL;
	}
	if (i == len)
		return "is not a number";
	for (; i < len; i++) {
		unsigned int d = (unsigned int)(unsigned char)s[i] - '0';

		if (d > 9)
			return "is not a decimal number (use 0x for hex)";
		/* UINT64_MAX is 1844674407370955161 * 10 + 5. */
		if (x > UINT64_MAX / 10 || (x == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return "does not fit in 64 bits";
		x = x * 10 + d;
	}
	*v = x;
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Split a line into at most 4 blank-separated fields. */
static size_t split_fields(const char *s, size_t len, const char **f,
			   size_t *flen)
{
	size_t n = 0, i = 0;

	while (i < len) {
		while (i < len && is_blank(s[i]))
			i++;
		if (i == len)
			break;
		size_t b = i;

		while (i < len && !is_blank(s[i]))
			i++;
		if (n < 4) {
			f[n] = s + b;
			flen[n] = i - b;
		}
		n++;
	}
	return n;
}

RESV_EXPORT int resv_parse_regions(struct resv_list *list, const char *buf,
				   size_t len, const char *where,
				   struct resv_diags *diags)
{
	uint64_t lineno = 0;
	int bad = 0, rc;
	char ex[200];
	struct list_mark mark = list_mark(list);
	size_t ndiags = resv_diags_count(diags);
	/*
	 * Room for as many kernel lines (42 bytes at least) as @len holds, at
	 * once, rather than a pass to count the lines: pages reserved and not
	 * used are never touched, and shorter lines grow the arrays as usual.
	 */
	size_t lines = len / 40 + 1;

	rc = list_reserve(list, lines, lines);
	if (rc < 0)
		return rc;
	for (size_t off = 0; off < len;) {
		const char *s = buf + off;
		const char *nl, *hash;
		const char *f[4], *why = NULL;
		size_t flen[4], nf, n;
		uint64_t start = 0, last = 0;
		enum resv_type type = RESV_TYPE_DIRECT;
		int field = 0;

		lineno++;
		/* The line the kernel writes, exactly: no need to look for its end. */
		if (len - off > 38 && s[18] == ' ' && s[37] == ' ' &&
		    (n = kernel_type_nl(s + 38, len - off - 38, &type)) &&
		    parse_kernel_hex(s, &start) && parse_kernel_hex(s + 19, &last) &&
		    start <= last) {
			off += 38 + n;
			goto add;
		}
		nl = memchr(s, '\n', len - off);
		n = nl ? (size_t)(nl - s) : len - off;
		off += n + (nl ? 1 : 0);
		hash = memchr(s, '#', n);
		if (hash)
			n = (size_t)(hash - s);
		if (memchr(s, '\0', n)) {
			why = "a NUL byte in the line";
		} else {
			nf = split_fields(s, n, f, flen);
			if (nf == 0)
				continue;
			if (nf != 3)
				why = "expected three fields: START LAST TYPE";
			else if ((why = parse_number(f[0], flen[0], &start)))
				field = 1;
			else if ((why = parse_number(f[1], flen[1], &last)))
				field = 2;
			else if (resv_type_parse(f[2], flen[2], &type) < 0)
				why = "unknown TYPE (direct, direct-relaxable, reserved, msi, sw-msi)";
			else if (start > last)
				why = "START is above LAST";
		}
		if (why) {
			excerpt(ex, sizeof(ex), s, n < 60 ? n : 60);
			rc = diags_add(diags, "REGIONS_BAD_LINE", RESV_SEV_ERROR,
				       where, lineno, -1, "%s%s: \"%s\"",
				       field == 1 ? "START " : field == 2 ? "LAST " : "",
				       why, ex);
			if (rc < 0)
				goto fail;
			bad++;
			continue;
		}
add:
		rc = add_line(list, &mark, start, last, type, false, where, NULL, lineno);
		if (rc < 0)
			goto fail;
	}
	return bad;
fail:
	/* Nothing of a failed parse stays: the caller may retry or go on. */
	list_rollback(list, &mark);
	diags_truncate(diags, ndiags);
	return rc;
}

/* "0x%016llx" by hand: four bits at a time from a table. */
static char *put_hex16(char *p, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";

	p[0] = '0';
	p[1] = 'x';
	for (int i = 17; i >= 2; i--) {
		p[i] = digits[v & 15];
		v >>= 4;
	}
	return p + 18;
}

RESV_EXPORT int resv_format_sysfs(const struct resv_list *list, char **out,
				  size_t *len)
{
	/* The longest line: 2 * 18 + 2 spaces + "direct-relaxable" + '\n'. */
	size_t cap = list->count * 56 + 1;
	char *buf, *p;

	if (list->count > (SIZE_MAX - 1) / 56)
		return -ENOMEM;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	p = buf;
	for (size_t i = 0; i < list->count; i++) {
		const struct resv_region *r = &list->regions[i];
		const char *name = resv_type_sysfs_name(r->type);
		size_t nlen = strlen(name);

		/* iommu.c iommu_group_show_resv_regions: "0x%016llx 0x%016llx %s\n". */
		p = put_hex16(p, r->start);
		*p++ = ' ';
		p = put_hex16(p, r->last);
		*p++ = ' ';
		memcpy(p, name, nlen);
		p += nlen;
		*p++ = '\n';
	}
	*p = '\0';
	*out = buf;
	*len = (size_t)(p - buf);
	return 0;
}
