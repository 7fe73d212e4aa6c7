// SPDX-License-Identifier: MIT
/*
 * An `lspci -x/-xxx/-xxxx` dump, read by hand in one pass. It accepts
 * exactly the dumps libpci's dump access method accepts (the one
 * `lspci -F FILE` uses: pciutils lib/dump.c dump_init() and dump_read(),
 * as of the 3.9.0 Debian 12 ships) and gives the same functions and bytes;
 * tests/unit/test_lspci.c holds the two side by side on every dump of
 * tests/data and on thousands of mutated ones. libpci parsed with a
 * sscanf() per byte and exit()ed on errors: 5 s for a 223 MB dump of
 * 16,385 functions, where this takes 0.14 s (a third of it read()).
 *
 * What a dump is, line by line (a line ends at '\n'; one '\r' before it
 * is dropped):
 * - "bb:dd.f ", "dddd:bb:dd.f " or "ddddd:bb:dd.f " (hex, except f: one
 *   decimal digit, so "00:1f.8" is function 8 as libpci has it) opens a
 *   function; no domain is domain 0. The rest of the line is its name.
 * - An empty line closes the function: rows after it belong to none.
 * - While a function is open, "o: ", from 2 to 8 hex digits of offset,
 *   starts a row: bytes of two hex digits, each followed by one space or
 *   the end of the line, at o, o + 1, ... Any other text on a row is an
 *   error, as is a byte at an offset past 4095.
 * - Any other line is ignored (lspci -v's lines, a row outside a
 *   function), so a file of garbage is an empty dump.
 * - A line of 254 characters or more (fgets() into 255 bytes), a line
 *   without its '\n' at the end of the file, or a NUL byte is an error.
 * A function's byte count is its highest offset written, plus one
 * (dump_read() serves only below it); bytes the rows skipped read 0xff.
 *
 * Then, as before: functions come sorted by (domain, bus, device,
 * function), not in file order (libpci links them in reverse); one
 * function twice, a function without bytes, or no function at all is an
 * error; a domain past 0xffff (VMD's) is skipped with a note.
 *
 * Deliberately different from libpci: every error names its line and
 * column and what was there, not "Malformed line"; an 8-digit offset from
 * 0x80000000 on is refused as past 4095 where libpci's sscanf() into an
 * int made it negative and wrote before its buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lspci.h"

/* lib/dump.c dump_init(): "At most 4096 bytes of config space are supported". */
#define CONFIG_MAX 4096
/* dump_init() reads with fgets(buf, 255, f): 254 characters with the '\n'. */
#define LINE_MAX_CHARS 253
/* What one read() asks for; a line cut at the end is moved to the front. */
#define READ_CHUNK (1u << 17)
/*
 * The functions' bytes are held until the dump is checked whole, in blocks
 * of this size, by rows of 16: a row of 0x00 or of 0xff (the rows a dump
 * skipped) is a bit, the others are kept. A big host's 4096-byte config
 * spaces are 98% rows of zeros: 2 MB kept, not 67 MB; and however sparse
 * a dump's offsets, what is kept is a few times its size at most.
 */
#define BLOCK_SIZE (1u << 20)
#define ROWS_MAX (CONFIG_MAX / 16)

struct func {
	uint64_t key;		/* domain << 24 | bus << 16 | dev << 8 | fn */
	size_t line;		/* of its header */
	/*
	 * Its bytes, in a block: the bitmaps of the rows of 0x00 and of the
	 * rows of 0xff, (len + 127) / 128 bytes each, then the other rows,
	 * 16 bytes each. NULL when len is 0.
	 */
	const uint8_t *config;
	size_t len;
};

struct reader {
	const char *path;
	size_t line;		/* the line being read, from 1 */
	struct func *funcs;
	size_t n, cap;
	bool open;		/* rows go to funcs[n - 1] */
	size_t top;		/* its highest offset written, plus one */
	uint8_t **blocks;	/* where the functions' bytes are */
	size_t nblocks, block_cap, block_used;	/* of blocks[nblocks - 1] */
	char *err;
	size_t errlen;
	/* The open function's bytes: 0xff but [0, top). */
	uint8_t scratch[CONFIG_MAX];
};

/* Where the text comes from: a file, or memory in pieces (tests, fuzzing). */
struct source {
	int fd;			/* -1: text */
	const char *text;
	size_t len, pos, chunk;
};

/* 0x10 | value for hex digits, both cases; 0 for anything else. */
static const uint8_t hex[256] = {
	['0'] = 0x10, ['1'] = 0x11, ['2'] = 0x12, ['3'] = 0x13, ['4'] = 0x14,
	['5'] = 0x15, ['6'] = 0x16, ['7'] = 0x17, ['8'] = 0x18, ['9'] = 0x19,
	['a'] = 0x1a, ['b'] = 0x1b, ['c'] = 0x1c, ['d'] = 0x1d, ['e'] = 0x1e,
	['f'] = 0x1f, ['A'] = 0x1a, ['B'] = 0x1b, ['C'] = 0x1c, ['D'] = 0x1d,
	['E'] = 0x1e, ['F'] = 0x1f,
};

static void fail(struct reader *r, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct reader *r, size_t col, const char *fmt, ...)
{
	size_t o;
	va_list ap;
	int w;

	if (!r->errlen)
		return;
	if (col)
		w = snprintf(r->err, r->errlen, "%s:%zu:%zu: ", r->path, r->line, col);
	else if (r->line)
		w = snprintf(r->err, r->errlen, "%s:%zu: ", r->path, r->line);
	else
		w = snprintf(r->err, r->errlen, "%s: ", r->path);
	o = w < 0 ? 0 : (size_t)w < r->errlen ? (size_t)w : r->errlen - 1;
	va_start(ap, fmt);
	vsnprintf(r->err + o, r->errlen - o, fmt, ap);
	va_end(ap);
}

/* @s[0..len) for a message: printable ASCII as is, the rest as \xNN. */
static void excerpt(char *dst, size_t size, const uint8_t *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' && s[i] != '"')
			dst[o++] = (char)s[i];
		else
			o += (size_t)snprintf(dst + o, size - o, "\\x%02x", s[i]);
	}
	dst[o] = '\0';
}

static bool check_nul(struct reader *r, const uint8_t *s, size_t len)
{
	const uint8_t *nul = memchr(s, '\0', len);

	if (!nul)
		return true;
	fail(r, (size_t)(nul - s) + 1, "a NUL byte (not a text file?)");
	return false;
}

/* Room for @len bytes in the last block, or in a new one. */
static uint8_t *block_room(struct reader *r, size_t len)
{
	uint8_t *b;

	if (r->nblocks && r->block_used + len <= BLOCK_SIZE) {
		b = r->blocks[r->nblocks - 1] + r->block_used;
		r->block_used += len;
		return b;
	}
	if (r->nblocks == r->block_cap) {
		size_t cap = r->block_cap ? r->block_cap * 2 : 8;
		uint8_t **v = realloc(r->blocks, cap * sizeof(*v));

		if (!v)
			return NULL;
		r->blocks = v;
		r->block_cap = cap;
	}
	b = malloc(BLOCK_SIZE);
	if (!b)
		return NULL;
	r->blocks[r->nblocks++] = b;
	r->block_used = len;
	return b;
}

/* The open function's bytes into funcs[n - 1] (struct func); the scratch back to 0xff. */
static int close_func(struct reader *r)
{
	struct func *f = &r->funcs[r->n - 1];
	size_t rows = (r->top + 15) / 16, map = (rows + 7) / 8, kept = 0;
	uint8_t zero[ROWS_MAX / 8] = { 0 }, ones[ROWS_MAX / 8] = { 0 }, *b;

	r->open = false;
	f->len = r->top;
	if (!r->top)
		return 0;
	for (size_t i = 0; i < rows; i++) {
		uint64_t w[2];

		memcpy(w, r->scratch + 16 * i, 16);
		if (!(w[0] | w[1]))
			zero[i / 8] |= (uint8_t)(1u << i % 8);
		else if (!~(w[0] & w[1]))
			ones[i / 8] |= (uint8_t)(1u << i % 8);
		else
			kept++;
	}
	b = block_room(r, 2 * map + 16 * kept);
	if (!b)
		return -ENOMEM;
	f->config = b;
	memcpy(b, zero, map);
	memcpy(b + map, ones, map);
	b += 2 * map;
	for (size_t i = 0; i < rows; i++) {
		if ((zero[i / 8] | ones[i / 8]) & (1u << i % 8))
			continue;
		memcpy(b, r->scratch + 16 * i, 16);
		b += 16;
	}
	memset(r->scratch, 0xff, r->top);
	r->top = 0;
	return 0;
}

/* @f's bytes, as close_func() kept them, back into @out. */
static void expand_func(const struct func *f, uint8_t *out)
{
	size_t rows = (f->len + 15) / 16, map = (rows + 7) / 8;
	const uint8_t *zero = f->config, *ones = zero + map, *row = ones + map;

	for (size_t i = 0; i < rows; i++) {
		if (zero[i / 8] & (1u << i % 8)) {
			memset(out + 16 * i, 0, 16);
		} else if (ones[i / 8] & (1u << i % 8)) {
			memset(out + 16 * i, 0xff, 16);
		} else {
			memcpy(out + 16 * i, row, 16);
			row += 16;
		}
	}
}

static int open_func(struct reader *r, uint64_t key)
{
	int rc = r->open ? close_func(r) : 0;

	if (rc < 0)
		return rc;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct func *v = realloc(r->funcs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->funcs = v;
		r->cap = cap;
	}
	r->funcs[r->n++] = (struct func){ .key = key, .line = r->line };
	r->open = true;
	return 0;
}

/*
 * "bb:dd.f ", "dddd:bb:dd.f " or "ddddd:bb:dd.f " at @s: dump_init()'s
 * three dump_validate() patterns, then sscanf("%x:%x.%d") or
 * ("%x:%x:%x.%d"), whose %d takes a decimal digit only.
 */
static bool parse_header(const uint8_t *s, size_t len, uint64_t *key)
{
	uint32_t domain = 0;
	size_t d = 0;

	while (d < len && d < 6 && (hex[s[d]] & 0x10))
		domain = domain << 4 | (hex[s[d++]] & 0xf);
	if (d == 4 || d == 5) {
		if (s[d] != ':')	/* d < len: s[d] was looked at */
			return false;
		s += d + 1;
		len -= d + 1;
	} else if (d == 2) {
		domain = 0;
	} else {
		return false;
	}
	if (len < 8 || !(hex[s[0]] & hex[s[1]] & 0x10) || s[2] != ':' ||
	    !(hex[s[3]] & hex[s[4]] & 0x10) || s[5] != '.' ||
	    s[6] < '0' || s[6] > '9' || s[7] != ' ')
		return false;
	*key = (uint64_t)domain << 24 |
	       (uint64_t)((hex[s[0]] & 0xf) << 4 | (hex[s[1]] & 0xf)) << 16 |
	       (uint64_t)((hex[s[3]] & 0xf) << 4 | (hex[s[4]] & 0xf)) << 8 |
	       (uint64_t)(s[6] - '0');
	return true;
}

/*
 * A row's offset: 2 to 8 hex digits and ": " (dump_validate() "##: " to
 * "########: "). Return the length of that prefix, or 0.
 */
static size_t parse_offset(const uint8_t *s, size_t len, uint32_t *off)
{
	uint32_t v = 0;
	size_t k = 0;

	while (k < len && k < 9 && (hex[s[k]] & 0x10))
		v = v << 4 | (hex[s[k++]] & 0xf);
	if (k < 2 || k > 8 || k + 2 > len || s[k] != ':' || s[k + 1] != ' ')
		return 0;
	*off = v;
	return k + 2;
}

/*
 * The 16 bytes lspci writes on a row, "hh hh ... hh" and the '\n' (or '\r')
 * after it, at @p: ROW_CHARS readable bytes. In vectors (GCC's, which any
 * target lowers), not a byte at a time: a big host's dump is 4 million
 * rows. Return false for anything else: the byte loop then says why.
 */
#define ROW_CHARS 48
typedef uint8_t u8x16 __attribute__((vector_size(16)));

/* 0xff where a row of 16 bytes has a space (@i: which 16 characters). */
static const u8x16 row_space[3] = {
	{ 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0 },
	{ 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0 },
	{ 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0 },
};
/* 0xff where it has a hex digit; the last character is the line's end. */
static const u8x16 row_digit[3] = {
	{ 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff },
	{ 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff },
	{ 0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0 },
};

static bool row16(const uint8_t *p, uint8_t *out)
{
	uint8_t val[ROW_CHARS];
	u8x16 bad = { 0 };
	uint64_t w[2];

	for (int i = 0; i < 3; i++) {
		u8x16 c, lc, digit, letter;

		memcpy(&c, p + 16 * i, 16);
		lc = c | 0x20;
		digit = (u8x16)((c >= '0') & (c <= '9'));
		letter = (u8x16)((lc >= 'a') & (lc <= 'f'));
		bad |= row_digit[i] & ~(digit | letter);
		bad |= row_space[i] & ~(u8x16)(c == ' ');
		c = (digit & (c - '0')) | (letter & (lc - ('a' - 10)));
		memcpy(val + 16 * i, &c, 16);
	}
	memcpy(w, &bad, sizeof(w));
	if (w[0] | w[1])
		return false;
	for (int i = 0; i < 16; i++)
		out[i] = (uint8_t)(val[3 * i] << 4 | val[3 * i + 1]);
	return true;
}

/* A row's bytes from @p into the open function; the line is s[0..len). */
static int parse_row(struct reader *r, const uint8_t *s, size_t len,
		     const uint8_t *p, uint32_t off)
{
	const uint8_t *end = s + len;
	size_t top = r->top;

	/* The row lspci writes, 16 bytes: 48 characters checked at once. */
	if (end - p == ROW_CHARS - 1 && off <= CONFIG_MAX - 16 && row16(p, r->scratch + off)) {
		if (off + 16 > top)
			r->top = off + 16;
		return 0;
	}
	while (end - p >= 2 && (hex[p[0]] & hex[p[1]] & 0x10) &&
	       (end - p == 2 || p[2] == ' ')) {
		if (off >= CONFIG_MAX) {
			fail(r, (size_t)(p - s) + 1,
			     "byte at offset 0x%" PRIx32 ": config space ends at 0xfff "
			     "(4096 bytes)", off);
			return -EBADMSG;
		}
		r->scratch[off++] = (uint8_t)((hex[p[0]] & 0xf) << 4 | (hex[p[1]] & 0xf));
		if (off > top)
			top = off;
		p += 2;
		if (p < end)
			p++;
	}
	r->top = top;
	if (p != end) {
		const uint8_t *t = p;
		char what[64];

		if (!check_nul(r, s, len))
			return -EBADMSG;
		while (t < end && t - p < 12 && *t != ' ')
			t++;
		if (t == p) {
			fail(r, (size_t)(p - s) + 1,
			     "a space where a byte should be (bytes are two hex digits "
			     "and one space)");
		} else {
			excerpt(what, sizeof(what), p, (size_t)(t - p));
			fail(r, (size_t)(p - s) + 1,
			     "\"%s\" is not a byte (two hex digits, then one space or the "
			     "end of the line)", what);
		}
		return -EBADMSG;
	}
	return 0;
}

/* One line, without its '\n': at most LINE_MAX_CHARS. */
static int parse_line(struct reader *r, const uint8_t *s, size_t raw)
{
	size_t len = raw && s[raw - 1] == '\r' ? raw - 1 : raw;
	uint64_t key;
	uint32_t off;
	size_t k;

	if (!len)
		return r->open ? close_func(r) : 0;
	if (r->open && (k = parse_offset(s, len, &off)))
		return parse_row(r, s, len, s + k, off);
	if (!check_nul(r, s, raw))
		return -EBADMSG;
	if (parse_header(s, len, &key))
		return open_func(r, key);
	return 0;	/* not ours: ignored, the function stays open */
}

static ssize_t source_read(struct source *src, uint8_t *dst, size_t n)
{
	ssize_t got;

	if (src->fd < 0) {
		size_t k = src->len - src->pos;

		if (k > n)
			k = n;
		if (src->chunk && k > src->chunk)
			k = src->chunk;
		if (k)
			memcpy(dst, src->text + src->pos, k);
		src->pos += k;
		return (ssize_t)k;
	}
	do
		got = read(src->fd, dst, n);
	while (got < 0 && errno == EINTR);
	return got < 0 ? -errno : got;
}

/*
 * The line at @p, if it is what lspci writes, "o: " and 16 bytes: into the
 * open function at once, *@next past its '\n'. The line's end is known
 * before it is looked for: no search, no second pass. Anything else
 * (even a row of 16 bytes that ends in "\r\n") is left to parse_line().
 */
static bool full_row(struct reader *r, const uint8_t *p, size_t left, const uint8_t **next)
{
	uint32_t off;
	size_t k = parse_offset(p, left < 10 ? left : 10, &off);

	if (!k || left < k + ROW_CHARS || p[k + ROW_CHARS - 1] != '\n' ||
	    off > CONFIG_MAX - 16 || !row16(p + k, r->scratch + off))
		return false;
	if (off + 16 > r->top)
		r->top = off + 16;
	r->line++;
	*next = p + k + ROW_CHARS;
	return true;
}

/* Every line of @src into @r: 0 or a negative errno, @r->err set. */
static int read_lines(struct reader *r, struct source *src)
{
	uint8_t *buf = malloc(READ_CHUNK);
	size_t have = 0;
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t got = source_read(src, buf + have, READ_CHUNK - have);
		const uint8_t *p = buf, *end;

		if (got < 0) {
			rc = (int)got;
			r->line = 0;
			fail(r, 0, "cannot read: %s", strerror(-rc));
			break;
		}
		end = buf + have + got;
		while (p < end) {
			size_t left = (size_t)(end - p);
			const uint8_t *nl;

			if (r->open && full_row(r, p, left, &p))
				continue;
			nl = memchr(p, '\n', left < LINE_MAX_CHARS + 1 ? left : LINE_MAX_CHARS + 1);

			if (!nl && left <= LINE_MAX_CHARS)
				break;	/* the rest of the line is to come */
			r->line++;
			if (!nl) {
				fail(r, 0, "a line of more than %d characters (not an lspci dump?)",
				     LINE_MAX_CHARS);
				rc = -EBADMSG;
				goto out;
			}
			rc = parse_line(r, p, (size_t)(nl - p));
			if (rc < 0)
				goto out;
			p = nl + 1;
		}
		have = (size_t)(end - p);
		if (!got) {
			if (have) {
				r->line++;
				fail(r, 0, "no newline at the end of the file (cut short?)");
				rc = -EBADMSG;
			}
			break;
		}
		memmove(buf, p, have);
	}
out:
	free(buf);
	return rc;
}

static int cmp_func(const void *pa, const void *pb)
{
	const struct func *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static void print_addr(char *buf, size_t size, uint64_t key)
{
	snprintf(buf, size, "%04x:%02x:%02x.%u", (unsigned int)(key >> 24),
		 (unsigned int)(key >> 16 & 0xff), (unsigned int)(key >> 8 & 0xff),
		 (unsigned int)(key & 0xff));
}

/* Sorted and checked; then @fn on each. The note (if any) goes in err. */
static int walk(struct reader *r, lspci_fn fn, void *ctx)
{
	bool sorted = true, noted = false;
	char addr[32];
	int count = 0;

	r->line = 0;
	if (!r->n) {
		fail(r, 0, "no PCI function in the dump (not the output of lspci -x?)");
		return -EBADMSG;
	}
	for (size_t i = 1; i < r->n && sorted; i++)
		sorted = r->funcs[i - 1].key < r->funcs[i].key;
	if (!sorted)
		qsort(r->funcs, r->n, sizeof(*r->funcs), cmp_func);
	for (size_t i = 0; i < r->n; i++) {
		const struct func *f = &r->funcs[i];

		print_addr(addr, sizeof(addr), f->key);
		r->line = f->line;
		if (i && f[-1].key == f->key) {
			fail(r, 0, "%s appears twice in the dump (first at line %zu)", addr,
			     f[-1].line);
			return -EBADMSG;
		}
		/*
		 * Linux numbers VMD's domains from 0x10000 (drivers/pci/
		 * controller/vmd.c vmd_find_free_domain()) so that they clash
		 * with no ACPI segment; the IOMMU sees their DMA as the VMD
		 * endpoint's (pci_real_dma_dev()), which the dump also has.
		 */
		if (f->key >> 24 > 0xffff) {
			if (!noted)
				fail(r, 0, "note: %s skipped: domain past 0xffff (VMD?)", addr);
			noted = true;
			continue;
		}
		if (!f->len) {
			fail(r, 0, "%s has no config bytes (lspci without -x?)", addr);
			return -EBADMSG;
		}
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct func *f = &r->funcs[i];
		int rc;

		if (f->key >> 24 > 0xffff)
			continue;
		expand_func(f, r->scratch);
		rc = fn(ctx, (uint16_t)(f->key >> 24), (uint8_t)(f->key >> 16),
			(uint8_t)(f->key >> 8), (uint8_t)f->key, r->scratch, f->len);
		if (rc < 0) {
			if (r->errlen)
				r->err[0] = '\0';	/* the callback's error, not ours */
			return rc;
		}
		count++;
	}
	return count;
}

static int read_source(const char *name, struct source *src, lspci_fn fn, void *ctx,
		       char *err, size_t errlen)
{
	struct reader *r = malloc(sizeof(*r));
	int rc;

	if (!r) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	*r = (struct reader){ .path = name, .err = err, .errlen = errlen };
	memset(r->scratch, 0xff, sizeof(r->scratch));
	rc = read_lines(r, src);
	if (!rc && r->open)
		rc = close_func(r);
	if (!rc)
		rc = walk(r, fn, ctx);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s", strerror(ENOMEM));
	for (size_t i = 0; i < r->nblocks; i++)
		free(r->blocks[i]);
	free(r->blocks);
	free(r->funcs);
	free(r);
	return rc;
}

int lspci_read(const char *path, lspci_fn fn, void *ctx, char *err, size_t errlen)
{
	struct source src = { .fd = -1 };
	struct stat st;
	int rc;

	if (errlen)
		err[0] = '\0';
	src.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (src.fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(-rc));
		return rc;
	}
	/* A directory would fail at the first read(): say so up front. */
	rc = fstat(src.fd, &st) ? -errno : S_ISDIR(st.st_mode) ? -EISDIR : 0;
	if (rc) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
		close(src.fd);
		return rc;
	}
	rc = read_source(path, &src, fn, ctx, err, errlen);
	close(src.fd);
	return rc;
}

int lspci_read_text(const char *name, const char *text, size_t len, size_t chunk,
		    lspci_fn fn, void *ctx, char *err, size_t errlen)
{
	struct source src = { .fd = -1, .text = text, .len = len, .chunk = chunk };

	if (errlen)
		err[0] = '\0';
	return read_source(name, &src, fn, ctx, err, errlen);
}
