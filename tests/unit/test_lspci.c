// SPDX-License-Identifier: MIT
/*
 * The CLI's lspci dump reader (cli/lspci.c). The examples' dumps
 * (tests/data/lspci/mkdumps.py) must give back every function of the
 * example, in order, with the bytes of its sysfs config file; hand-cut
 * dumps pin down sizes, domains and every refusal with its line; and on
 * every dump of tests/data and thousands of mutations of them, it must
 * give what libpci's own dump reader (unit/lspci_libpci.c, the libpci
 * Debian ships) gives: the same functions, bytes and lengths, or both an
 * error. Read in pieces of any size, it must give the same again.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#ifdef HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include "lspci.h"
#include "lspci_libpci.h"

#define MAX_FUNCS 64

struct func {
	char addr[16];
	size_t len;
	uint8_t config[4096];
};

struct seen {
	int n;
	struct func f[MAX_FUNCS];
};

static char tmpdir[PATH_MAX];

static int collect(void *ctx, uint16_t segment, uint8_t bus, uint8_t dev,
		   uint8_t fn, const uint8_t *config, size_t len)
{
	struct seen *s = ctx;
	struct func *f;

	assert_true(s->n < MAX_FUNCS);
	assert_in_range(len, 1, 4096);
	f = &s->f[s->n++];
	snprintf(f->addr, sizeof(f->addr), "%04x:%02x:%02x.%d", segment, bus,
		 dev, fn);
	f->len = len;
	memcpy(f->config, config, len);
	return 0;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static const struct {
	const char *dump;	/* in tests/data/lspci */
	const char *example;	/* whose sysfs it must match */
} example_cases[] = {
	{ "intel-laptop.lspci", "intel-laptop" },
	{ "intel-server.lspci", "intel-server" },
	{ "amd-desktop.lspci", "amd-desktop" },
	/* plain `lspci -xxxx`: no domain on the lines, so segment 0 */
	{ "intel-laptop-nodomain.lspci", "intel-laptop" },
};

/* Same functions as sysfs, in address order, and their config bytes. */
static void test_examples_match_sysfs(void **state)
{
	for (size_t c = 0; c < sizeof(example_cases) / sizeof(example_cases[0]); c++) {
		static struct seen seen;
		char path[PATH_MAX], err[256];
		struct dirent **names;
		int n, ret;

		snprintf(path, sizeof(path), "%s/tests/data/lspci/%s", SRCDIR,
			 example_cases[c].dump);
		memset(&seen, 0, sizeof(seen));
		ret = lspci_read(path, collect, &seen, err, sizeof(err));
		if (ret < 0)
			fail_msg("%s: %d %s", path, ret, err);
		assert_int_equal(ret, seen.n);
		assert_string_equal(err, "");

		snprintf(path, sizeof(path), "%s/examples/%s/sys/bus/pci/devices",
			 SRCDIR, example_cases[c].example);
		n = scandir(path, &names, not_dot, name_cmp);
		assert_true(n > 0);
		assert_int_equal(n, seen.n);
		for (int i = 0; i < n; i++) {
			char cfg[PATH_MAX * 2];
			uint8_t want[4096];
			size_t len;
			FILE *f;

			assert_string_equal(seen.f[i].addr, names[i]->d_name);
			snprintf(cfg, sizeof(cfg), "%s/%s/config", path,
				 names[i]->d_name);
			f = fopen(cfg, "rb");
			assert_non_null(f);
			len = fread(want, 1, sizeof(want), f);
			fclose(f);
			/*
			 * lspci -xxxx as root: the whole sysfs config, 4096 bytes
			 * for PCIe functions and host bridges, 256 for the others
			 * (probe.c pci_cfg_space_size); the first 64 (-x) too.
			 */
			assert_true(len == 256 || len == 4096);
			assert_int_equal(seen.f[i].len, len);
			assert_memory_equal(seen.f[i].config, want, 64);
			assert_memory_equal(seen.f[i].config, want, len);
			free(names[i]);
		}
		free(names);
	}
}

#define ROW00 "00: 86 80 84 02 07 04 10 02 00 00 01 06 00 00 80 00\n"
#define ROW10 "10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
/* the last row of a 256-byte and of a 4096-byte config space */
#define ROWF0 "f0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01\n"
#define ROWFF0 "ff0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01\n"

/* Hand-cut dumps: their text, the result, what it must say or hold. */
static const struct {
	const char *name;
	const char *text;	/* NULL: a header line of 300 characters */
	int ret;
	const char *msg;	/* in err; "" = err empty */
	const char *first;	/* the first function's address */
	size_t len;		/* and its byte count */
	size_t size;		/* of text, when it holds a NUL; 0: strlen() */
} hand_cases[] = {
	{ "one row (a dump cut short)", "00:1f.0 ISA bridge: x\n" "00: 86 80\n", 1, "",
	  "0000:00:1f.0", 2 },
	{ "two rows, CRLF",
	  "00:1f.0 ISA bridge: x\r\n" "00: 86 80 84 02 07 04 10 02 00 00 01 06 00 00 80 00\r\n"
	  "10: 00 00\r\n", 1, "", "0000:00:1f.0", 0x12 },
	{ "domain 0001", "0001:40:00.0 Host bridge: x\n" "00: 86 80\n", 1, "", "0001:40:00.0", 2 },
	{ "skipped rows read as 0xff up to the last byte",
	  "00:00.0 Host bridge: x\n" "00: 86 80\n" ROWF0, 1, "", "0000:00:00.0", 256 },
	{ "lspci -xxxx: 4096 bytes", "00:00.0 Host bridge: x\n" ROW00 ROW10 ROWF0 ROWFF0,
	  1, "", "0000:00:00.0", 4096 },
	{ "a VMD domain is skipped, with a note",
	  "10000:e1:00.0 Non-Volatile memory controller: x\n" "00: 86 80\n\n"
	  "0000:00:0e.0 RAID bus controller: x\n" "00: 86 80 7d 46\n",
	  1, "skipped: domain past 0xffff", "0000:00:0e.0", 4 },
	{ "functions come sorted", "00:1f.0 ISA bridge: x\n" "00: 86 80\n\n"
	  "00:00.0 Host bridge: x\n" "00: 86 80 44 00\n", 2, "", "0000:00:00.0", 4 },
	{ "malformed row, with line and column", "00:1f.0 ISA bridge: x\n" "00: 86 80 zz\n",
	  -EBADMSG, "case7:2:11: \"zz\" is not a byte", NULL, 0 },
	{ "offset past 4095", "00:1f.0 ISA bridge: x\n" "1000: 86 80\n", -EBADMSG,
	  ":2:7: byte at offset 0x1000: config space ends at 0xfff", NULL, 0 },
	{ "plain lspci, no -x", "00:00.0 Host bridge: Intel Corporation Device 9b61\n"
	  "00:1f.0 ISA bridge: Intel Corporation Device 0284\n", -EBADMSG,
	  ":1: 0000:00:00.0 has no config bytes", NULL, 0 },
	{ "garbage", "this is not\na dump\n", -EBADMSG, "no PCI function", NULL, 0 },
	{ "empty file", "", -EBADMSG, "no PCI function", NULL, 0 },
	{ "one function twice", "00:1f.0 ISA bridge: x\n" "00: 86 80\n\n"
	  "00:1f.0 ISA bridge: x\n" "00: 86 80\n", -EBADMSG,
	  ":4: 0000:00:1f.0 appears twice in the dump (first at line 1)", NULL, 0 },
	{ "a line of 300 characters", NULL, -EBADMSG, ":1: a line of more than 253", NULL, 0 },
	{ "no newline at the end", "00:1f.0 ISA bridge: x\n" "00: 86 80", -EBADMSG,
	  ":2: no newline at the end", NULL, 0 },
	{ "a NUL byte in a name", "00:1f.0 ISA\0bridge: x\n" "00: 86 80\n", -EBADMSG,
	  ":1:12: a NUL byte", NULL, 0, 32 },
	{ "two spaces", "00:1f.0 ISA bridge: x\n" "00: 86  80\n", -EBADMSG,
	  ":2:8: a space where a byte should be", NULL, 0 },
	/* libpci's sscanf() made this offset negative and wrote before its buffer */
	{ "offset 0x80000000", "00:1f.0 ISA bridge: x\n" "80000000: 86 80\n", -EBADMSG,
	  ":2:11: byte at offset 0x80000000", NULL, 0 },
	{ "rows outside a function are ignored, even malformed",
	  "00: zz\n" "00:1f.0 ISA bridge: x\n" "00: 86 80\n\n" "1000: zz\n", 1, "",
	  "0000:00:1f.0", 2 },
	{ "a function digit past 7 is a function, a hex letter no header",
	  "00:1f.8 ISA bridge: x\n" "00: 86 80\n" "00:1f.a ISA bridge: x\n" "10: 00\n", 1, "",
	  "0000:00:1f.8", 0x11 },
	{ "one trailing space, an empty row", "00:1f.0 ISA bridge: x\n" "00: 86 80 \n"
	  "04: \n", 1, "", "0000:00:1f.0", 2 },
	{ "uppercase hex", "00:1F.0 ISA bridge: x\n" "00: 86 80 AB\n", 1, "", "0000:00:1f.0", 3 },
};

static void test_hand_dumps(void **state)
{
	for (size_t c = 0; c < sizeof(hand_cases) / sizeof(hand_cases[0]); c++) {
		static struct seen seen;
		char path[PATH_MAX + 16], err[256];
		FILE *f;
		int ret;

		snprintf(path, sizeof(path), "%s/case%zu", tmpdir, c);
		f = fopen(path, "w");
		assert_non_null(f);
		if (hand_cases[c].text) {
			fwrite(hand_cases[c].text, 1, hand_cases[c].size ? hand_cases[c].size :
			       strlen(hand_cases[c].text), f);
		} else {
			fputs("00:1f.0 ISA bridge: ", f);
			for (int i = 0; i < 300; i++)
				fputc('x', f);
			fputs("\n", f);
			fputs(ROW00 ROW10, f);
		}
		fclose(f);

		memset(&seen, 0, sizeof(seen));
		ret = lspci_read(path, collect, &seen, err, sizeof(err));
		unlink(path);
		if (ret != hand_cases[c].ret)
			fail_msg("%s: got %d (%s), want %d", hand_cases[c].name,
				 ret, err, hand_cases[c].ret);
		if (hand_cases[c].msg[0] ? !strstr(err, hand_cases[c].msg) : err[0] != '\0')
			fail_msg("%s: message \"%s\", want \"%s\"",
				 hand_cases[c].name, err, hand_cases[c].msg);
		if (ret < 0) {
			/* checked whole before the first call */
			assert_int_equal(seen.n, 0);
			continue;
		}
		assert_int_equal(seen.n, ret);
		assert_string_equal(seen.f[0].addr, hand_cases[c].first);
		assert_int_equal(seen.f[0].len, hand_cases[c].len);
		assert_int_equal(seen.f[0].config[0], 0x86);
		if (seen.f[0].len > 0x20) {
			/* the rows skipped, then the last byte written */
			assert_int_equal(seen.f[0].config[0x20], 0xff);
			assert_int_equal(seen.f[0].config[seen.f[0].len - 1], 0x01);
		}
	}
}

static int stop_at_second(void *ctx, uint16_t segment, uint8_t bus, uint8_t dev,
			  uint8_t fn, const uint8_t *config, size_t len)
{
	int *calls = ctx;

	return ++*calls == 2 ? -ECANCELED : 0;
}

static void test_callback_stops_the_walk(void **state)
{
	char path[PATH_MAX], err[256];
	int calls = 0;

	snprintf(path, sizeof(path), "%s/tests/data/lspci/intel-laptop.lspci", SRCDIR);
	assert_int_equal(lspci_read(path, stop_at_second, &calls, err, sizeof(err)),
			 -ECANCELED);
	assert_int_equal(calls, 2);
}

static void test_unreadable_paths(void **state)
{
	char path[PATH_MAX + 16], err[256];
	struct seen *seen = calloc(1, sizeof(*seen));

	assert_non_null(seen);
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	assert_int_equal(lspci_read(path, collect, seen, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "No such file"));
	/* fopen() takes a directory and libpci would read it as empty */
	assert_int_equal(lspci_read(tmpdir, collect, seen, err, sizeof(err)), -EISDIR);
	assert_int_equal(seen->n, 0);
	/* a short buffer is cut, not overrun */
	assert_int_equal(lspci_read(path, collect, seen, err, 8), -ENOENT);
	assert_int_equal(strlen(err), 7);
	free(seen);
}

/* ------------------------------------------------------------------------ */
/* Against libpci's reader                                                   */

/* Everything a reader gave: growing, unlike struct seen. */
struct got {
	int ret, n, cap;
	bool note;
	char err[256];
	struct func *f;
};

static int collect_all(void *ctx, uint16_t segment, uint8_t bus, uint8_t dev,
		       uint8_t fn, const uint8_t *config, size_t len)
{
	struct got *g = ctx;
	struct func *f;

	assert_in_range(len, 1, 4096);
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->f = realloc(g->f, (size_t)g->cap * sizeof(*g->f));
		assert_non_null(g->f);
	}
	f = &g->f[g->n++];
	snprintf(f->addr, sizeof(f->addr), "%04x:%02x:%02x.%d", segment, bus, dev, fn);
	f->len = len;
	memcpy(f->config, config, len);
	return 0;
}

/* One reader on @path (or on @text in @chunk pieces when @chunk). */
static void run_reader(struct got *g, int which, const char *path, const char *text,
		       size_t size, size_t chunk)
{
	memset(g, 0, sizeof(*g));
	if (which == 0)
		g->ret = libpci_dump_read(path, collect_all, g, g->err, sizeof(g->err));
	else if (which == 1)
		g->ret = lspci_read(path, collect_all, g, g->err, sizeof(g->err));
	else
		g->ret = lspci_read_text(path, text, size, chunk, collect_all, g, g->err,
					 sizeof(g->err));
	g->note = g->ret >= 0 && g->err[0];
	if (g->ret < 0) {
		/* checked whole before the first call, and says why */
		assert_int_equal(g->n, 0);
		assert_true(g->err[0]);
	}
}

/* The same functions, bytes and lengths, or both an error. */
static void same_result(const struct got *a, const struct got *b, const char *what)
{
	if ((a->ret < 0) != (b->ret < 0) || (a->ret >= 0 && a->ret != b->ret) ||
	    a->note != b->note)
		fail_msg("%s: libpci %d \"%s\", ours %d \"%s\"", what, a->ret, a->err,
			 b->ret, b->err);
	if (a->ret < 0 && a->ret != b->ret)
		fail_msg("%s: libpci %d, ours %d (%s)", what, a->ret, b->ret, b->err);
	for (int i = 0; i < a->n; i++) {
		size_t at = 0;

		while (at < a->f[i].len && a->f[i].config[at] == b->f[i].config[at])
			at++;
		if (strcmp(a->f[i].addr, b->f[i].addr) || a->f[i].len != b->f[i].len ||
		    at < a->f[i].len)
			fail_msg("%s: function %d: libpci %s (%zu bytes), ours %s (%zu bytes), "
				 "first difference at 0x%zx", what, i, a->f[i].addr, a->f[i].len,
				 b->f[i].addr, b->f[i].len, at);
	}
}

/*
 * A line libpci must not see: an offset of 8 digits from 0x80000000 on,
 * which its sscanf("%x") into an int makes negative (an out-of-bounds
 * write). Ours refuses it; the differential skips libpci there.
 */
static bool unsafe_for_libpci(const char *text, size_t size)
{
	for (size_t i = 0; i < size; ) {
		size_t k = 0;

		while (i + k < size && k < 9 && isxdigit((unsigned char)text[i + k]))
			k++;
		if (k == 8 && i + 9 < size && text[i + 8] == ':' && text[i + 9] == ' ' &&
		    strchr("89abcdefABCDEF", text[i]))
			return true;
		while (i < size && text[i] != '\n')
			i++;
		i++;
	}
	return false;
}

static void compare_on(const char *text, size_t size, const char *what, uint64_t *rng)
{
	char path[PATH_MAX + 16], name[PATH_MAX + 64];
	struct got want, got, pieces;
	size_t chunk;
	FILE *f;

	snprintf(path, sizeof(path), "%s/diff.lspci", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, size, f), size);
	fclose(f);
	snprintf(name, sizeof(name), "%s", what);

	run_reader(&got, 1, path, NULL, 0, 0);
	if (!unsafe_for_libpci(text, size)) {
		run_reader(&want, 0, path, NULL, 0, 0);
		same_result(&want, &got, name);
		free(want.f);
	} else {
		assert_int_equal(got.ret, -EBADMSG);
	}
	/* In pieces of 1 to 300 bytes: the same, message and all. */
	*rng ^= *rng << 13, *rng ^= *rng >> 7, *rng ^= *rng << 17;
	chunk = 1 + *rng % 300;
	run_reader(&pieces, 2, path, text, size, chunk);
	if (pieces.ret != got.ret || strcmp(pieces.err, got.err))
		fail_msg("%s in pieces of %zu: %d \"%s\", whole %d \"%s\"", name, chunk,
			 pieces.ret, pieces.err, got.ret, got.err);
	same_result(&got, &pieces, name);
	free(got.f);
	free(pieces.f);
	unlink(path);
}

static char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static const char *const dumps[] = {
	"lspci/intel-laptop.lspci", "lspci/intel-laptop-nodomain.lspci",
	"lspci/intel-server.lspci", "lspci/amd-desktop.lspci",
	"lspci/qemu-intel-rmrr-xxx.lspci", "lspci/malformed.lspci",
	"arm/arm.lspci", "arm/alias.lspci", "viot/q35.lspci",
};

/* Every dump of tests/data, whole. */
static void test_same_as_libpci(void **state)
{
	uint64_t rng = 0x9e3779b97f4a7c15u;

	for (size_t d = 0; d < sizeof(dumps) / sizeof(dumps[0]); d++) {
		char path[PATH_MAX];
		size_t size;
		char *text;

		snprintf(path, sizeof(path), "%s/tests/data/%s", SRCDIR, dumps[d]);
		text = slurp(path, &size);
		compare_on(text, size, dumps[d], &rng);
		free(text);
	}
}

/* Text to grow: a buffer and its length. */
struct text {
	char *s;
	size_t len, cap;
};

static void splice(struct text *t, size_t at, size_t cut, const char *in, size_t inlen)
{
	if (t->len - cut + inlen + 1 > t->cap) {
		t->cap = (t->len - cut + inlen + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	memmove(t->s + at + inlen, t->s + at + cut, t->len - at - cut);
	memcpy(t->s + at, in, inlen);
	t->len = t->len - cut + inlen;
}

static uint64_t next(uint64_t *rng)
{
	*rng ^= *rng << 13, *rng ^= *rng >> 7, *rng ^= *rng << 17;
	return *rng;
}

/* The start of a random line of @t (or its end). */
static size_t line_start(const struct text *t, uint64_t *rng)
{
	size_t at = t->len ? next(rng) % (t->len + 1) : 0;

	while (at > 0 && t->s[at - 1] != '\n')
		at--;
	return at;
}

/* One random change of the kinds a hand-cut or damaged dump has. */
static void mutate(struct text *t, uint64_t *rng)
{
	static const char alphabet[] = "0123456789abcdefABCDEFxg :.\r\n\t\x80";
	char line[320];
	size_t at, n, k;

	switch (next(rng) % 14) {
	case 0:		/* a line of garbage */
		n = next(rng) % 80;
		for (k = 0; k < n; k++)
			line[k] = (char)(0x20 + next(rng) % 95);
		line[n++] = '\n';
		splice(t, line_start(t, rng), 0, line, n);
		break;
	case 1:		/* one character changed (NUL too) */
		if (!t->len)
			break;
		at = next(rng) % t->len;
		t->s[at] = next(rng) % 8 ? alphabet[next(rng) % (sizeof(alphabet) - 1)] : '\0';
		break;
	case 2: {	/* a row at an offset near the end, or past it */
		static const unsigned int offs[] = { 0xf0, 0xff0, 0xff8, 0xffc, 0x1000, 0x4,
						     0x40, 0x123, 0xfffffff, 0x7fffffff };
		unsigned int off = offs[next(rng) % 10];
		int w = next(rng) % 2 ? 2 : (int)(next(rng) % 9) + 1;

		n = (size_t)snprintf(line, sizeof(line), "%0*x:", w, off);
		for (k = next(rng) % 18; k > 0; k--)
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %02x",
					      (unsigned int)(next(rng) % 256));
		line[n++] = '\n';
		splice(t, line_start(t, rng), 0, line, n);
		break;
	}
	case 3:		/* a long line: 250 to 256 characters */
		n = 250 + next(rng) % 7;
		memset(line, 'x', n);
		if (next(rng) % 2)
			memcpy(line, "00: 00 11", 9);
		line[n++] = '\n';
		splice(t, line_start(t, rng), 0, line, n);
		break;
	case 4: {	/* a function's header and its first rows again */
		size_t from = line_start(t, rng), len = 0;

		for (k = 0; k < 4 && from + len < t->len; len++)
			k += t->s[from + len] == '\n';
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, t->s + from, len);
		splice(t, line_start(t, rng), 0, line, len);
		break;
	}
	case 5:		/* an empty line */
		splice(t, line_start(t, rng), 0, next(rng) % 2 ? "\n" : "\r\n",
		       next(rng) % 2 ? 1 : 2);
		break;
	case 6: {	/* a header with a domain, another domain, or none */
		static const char *const heads[] = {
			"10000:e1:00.0 VMD: x\n", "0001:40:00.0 x\n", "00:1f.0 x\n",
			"ffff:ff:1f.7 x\n", "fffff:00:00.0 x\n", "00:00.9 x\n", "00:00.f x\n",
			"0000:00:00.0\n", "00:1g.0 x\n",
		};
		const char *h = heads[next(rng) % 9];

		splice(t, line_start(t, rng), 0, h, strlen(h));
		break;
	}
	case 7:		/* two lines joined */
		for (at = t->len ? next(rng) % t->len : 0; at < t->len && t->s[at] != '\n'; at++)
			;
		if (at < t->len)
			splice(t, at, 1, "", 0);
		break;
	case 8:		/* cut anywhere */
		if (t->len)
			t->len = next(rng) % t->len;
		break;
	case 9:		/* a '\r' before a '\n', or two */
		at = line_start(t, rng);
		if (at > 0)
			splice(t, at - 1, 0, next(rng) % 2 ? "\r" : "\r\r", next(rng) % 2 ? 1 : 2);
		break;
	case 10:	/* a line gone */
		at = line_start(t, rng);
		for (n = 0; at + n < t->len && t->s[at + n] != '\n'; n++)
			;
		splice(t, at, n < t->len - at ? n + 1 : n, "", 0);
		break;
	case 11:	/* a space doubled, or one gone */
		if (!t->len)
			break;
		at = next(rng) % t->len;
		while (at < t->len && t->s[at] != ' ')
			at++;
		if (at < t->len)
			splice(t, at, next(rng) % 2, "  ", 1);
		break;
	case 12:	/* a byte, or a space, at the end of a line */
		at = line_start(t, rng);
		if (at > 0)
			splice(t, at - 1, 0, " ab", next(rng) % 2 ? 3 : 1);
		break;
	default:	/* an offset (or anything) one digit wider or narrower */
		at = line_start(t, rng);
		if (at < t->len && t->s[at] != '\n')
			splice(t, at, next(rng) % 2, "0", next(rng) % 2);
		break;
	}
}

/* The first @nfuncs functions of a dump (to the empty line after them):
 * small, so that libpci is quick. */
static size_t first_functions(const char *s, size_t size, int nfuncs)
{
	for (size_t i = 1; i < size; i++)
		if (s[i] == '\n' && s[i - 1] == '\n' && --nfuncs == 0)
			return i + 1;
	return size;
}

/* Thousands of damaged dumps: libpci and ours agree on each. */
static void test_mutations_same_as_libpci(void **state)
{
	int rounds = RUNNING_ON_VALGRIND ? 30 : 300;
	uint64_t rng = 0x2545f4914f6cdd1du;

	for (size_t d = 0; d < sizeof(dumps) / sizeof(dumps[0]); d++) {
		char path[PATH_MAX], what[PATH_MAX + 64];
		size_t size, base;
		char *text;

		snprintf(path, sizeof(path), "%s/tests/data/%s", SRCDIR, dumps[d]);
		text = slurp(path, &size);
		base = first_functions(text, size, 3);
		for (int r = 0; r < rounds; r++) {
			struct text t = { 0 };
			int changes = 1 + (int)(next(&rng) % 3);

			splice(&t, 0, 0, text, base);
			for (int c = 0; c < changes; c++)
				mutate(&t, &rng);
			snprintf(what, sizeof(what), "%s, mutation %d", dumps[d], r);
			compare_on(t.s ? t.s : "", t.len, what, &rng);
			free(t.s);
		}
		free(text);
	}
}

/* ------------------------------------------------------------------------ */
/* Allocation failure                                                        */

/*
 * The reader's malloc(), realloc() and calloc() go through these (ld --wrap,
 * tests/meson.build), as in test_alloc.c: the n-th allocation fails.
 */
static unsigned long fail_at, calls;
static bool fired;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static bool inject(void)
{
	if (!fail_at || ++calls != fail_at)
		return false;
	fired = true;
	errno = ENOMEM;
	return true;
}

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

/* Each function's bytes are its own, wherever they were kept. */
static int count_checked(void *ctx, uint16_t segment, uint8_t bus, uint8_t dev,
			 uint8_t fn, const uint8_t *config, size_t len)
{
	unsigned int i = segment * 256u + bus;

	assert_int_equal(len, 4096);
	for (unsigned int k = 0; k < 4096; k++)
		if (config[k] != (uint8_t)(i + k / 16 + k % 16))
			fail_msg("%04x:%02x:%02x.%u at 0x%x: 0x%02x", segment, bus, dev, fn, k,
				 config[k]);
	++*(int *)ctx;
	return 0;
}

/*
 * Every allocation of a read fails in turn: -ENOMEM, no function given,
 * nothing leaked (LeakSanitizer, valgrind); then the read succeeds. 300
 * functions of 4096 bytes that are no rows of 0x00 or 0xff: the function
 * array grows once, the bytes kept fill a block and need another.
 */
static void test_allocation_failure(void **state)
{
	const int nfuncs = 300;
	struct text t = { 0 };
	unsigned long n;
	char line[64], err[256];
	int ret, count;

	for (int i = 0; i < nfuncs; i++) {
		size_t len = (size_t)snprintf(line, sizeof(line), "00%02x:%02x:00.0 x\n",
					      i / 256, i % 256);

		splice(&t, t.len, 0, line, len);
		for (int r = 0; r < 256; r++) {
			len = (size_t)snprintf(line, sizeof(line), "%02x:", r * 16);
			for (int k = 0; k < 16; k++)
				len += (size_t)snprintf(line + len, sizeof(line) - len, " %02x",
							(uint8_t)(i + r + k));
			line[len++] = '\n';
			splice(&t, t.len, 0, line, len);
		}
		splice(&t, t.len, 0, "\n", 1);
	}
	for (n = 1;; n++) {
		count = 0;
		fail_at = n, calls = 0, fired = false;
		ret = lspci_read_text("gen", t.s, t.len, 100, count_checked, &count, err,
				      sizeof(err));
		fail_at = 0;
		if (!fired)
			break;
		if (ret != -ENOMEM)
			fail_msg("allocation %lu failed: got %d (%s)", n, ret, err);
		assert_int_equal(count, 0);
		assert_non_null(strstr(err, strerror(ENOMEM)));
	}
	assert_int_equal(ret, nfuncs);
	assert_int_equal(count, nfuncs);
	assert_true(n > 5);	/* reader, buffer, functions twice, blocks twice */
	free(t.s);
}

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/test-lspci-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples_match_sysfs),
		cmocka_unit_test(test_hand_dumps),
		cmocka_unit_test(test_callback_stops_the_walk),
		cmocka_unit_test(test_unreadable_paths),
		cmocka_unit_test(test_same_as_libpci),
		cmocka_unit_test(test_mutations_same_as_libpci),
		cmocka_unit_test(test_allocation_failure),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
