// SPDX-License-Identifier: MIT
/*
 * The CLI's lspci dump reader (cli/lspci.c), through the libpci Debian
 * ships. The examples' dumps (tests/data/lspci/mkdumps.py) must give back
 * every function of the example, in order, with the bytes of its sysfs
 * config file; hand-cut dumps pin down sizes, domains and every refusal,
 * none of which may exit the process.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lspci.h"

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
	{ "malformed row", "00:1f.0 ISA bridge: x\n" "00: 86 80 zz\n", -EBADMSG,
	  "dump: Malformed line", NULL, 0 },
	{ "offset past 4095", "00:1f.0 ISA bridge: x\n" "1000: 86 80\n", -EBADMSG,
	  "At most 4096 bytes", NULL, 0 },
	{ "plain lspci, no -x", "00:00.0 Host bridge: Intel Corporation Device 9b61\n"
	  "00:1f.0 ISA bridge: Intel Corporation Device 0284\n", -EBADMSG,
	  "has no config bytes", NULL, 0 },
	{ "garbage", "this is not\na dump\n", -EBADMSG, "no PCI function", NULL, 0 },
	{ "empty file", "", -EBADMSG, "no PCI function", NULL, 0 },
	{ "one function twice", "00:1f.0 ISA bridge: x\n" "00: 86 80\n\n"
	  "00:1f.0 ISA bridge: x\n" "00: 86 80\n", -EBADMSG, "appears twice", NULL, 0 },
	{ "a line of 300 characters", NULL, -EBADMSG, "line too long", NULL, 0 },
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
			fputs(hand_cases[c].text, f);
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
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
