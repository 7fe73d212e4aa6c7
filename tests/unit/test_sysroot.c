// SPDX-License-Identifier: MIT
/*
 * The sysroot walk: links are followed only while they stay inside the
 * root (or the part of it asked for), loops end, nothing but a regular file
 * is opened for reading, and every reader turns a link out of the root into
 * a diagnostic that names the path and says why.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sysroot.h"
#include "../common/tree.h"

/* base/root is the sysroot; base/outside is the host around it. */
static char base[PATH_MAX], root[PATH_MAX + 8];

static int setup(void **state)
{
	char rel[PATH_MAX + 32];

	(void)state;
	tree_new(base, "sysroot");
	snprintf(root, sizeof(root), "%s/root", base);
	tree_put(base, "outside/secret", "SECRET\n");
	tree_put(base, "root/sys/a/file", "inside\n");
	tree_put(base, "root/proc/cmdline", "quiet\n");
	tree_link(base, "root/sys/in", "a");
	tree_link(base, "root/sys/a/back", "../in/file");
	tree_link(base, "root/sys/up", "../../..");
	tree_link(base, "root/sys/sibling", "../../outside/secret");
	tree_link(base, "root/sys/abs", "/etc");
	tree_link(base, "root/sys/loop1", "loop2");
	tree_link(base, "root/sys/loop2", "loop1");
	tree_link(base, "root/sys/dangling", "a/nowhere");
	tree_link(base, "root/sys/empty-ish", "./");
	tree_link(base, "root/sys/to-proc", "../proc/cmdline");
	/* Links, a directory and a file side by side: a walk that met a link
	 * in a directory reads links there first, and still finds the rest. */
	tree_link(base, "root/sys/mixed/l1", "../a");
	tree_put(base, "root/sys/mixed/d/file", "in d\n");
	tree_put(base, "root/sys/mixed/f", "f\n");
	/* chain/l0 -> l1 -> ... -> l39 -> ../a/file: 40 links, the limit. */
	for (int i = 0; i < 40; i++) {
		char target[64];

		snprintf(rel, 64, "root/sys/chain/l%d", i);
		if (i < 39)
			snprintf(target, sizeof(target), "l%d", i + 1);
		else
			snprintf(target, sizeof(target), "../a/file");
		tree_link(base, rel, target);
	}
	tree_link(base, "root/sys/chain/m", "l0");	/* 41 */
	/* deep/k0 -> k1 -> ... -> k38 -> ../a: 39 links to a directory. */
	for (int i = 0; i < 39; i++) {
		char target[64];

		snprintf(rel, 64, "root/sys/deep/k%d", i);
		if (i < 38)
			snprintf(target, sizeof(target), "k%d", i + 1);
		else
			snprintf(target, sizeof(target), "../a");
		tree_link(base, rel, target);
	}
	snprintf(rel, sizeof(rel), "%s/sys/fifo", root);
	assert_int_equal(mkfifo(rel, 0644), 0);
	snprintf(rel, sizeof(rel), "%s/sys/big", root);
	assert_int_equal(truncate(rel, 0), -1);	/* does not exist yet */
	tree_put(root, "sys/big", "");
	assert_int_equal(truncate(rel, (1 << 20) + 1), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tree_remove(base);
	return 0;
}

static const struct walk_case {
	const char *rel;
	const char *beneath;
	enum sysroot_want want;
	int rc;			/* 0: success */
	const char *path;	/* where the walk ended or failed */
	bool in_link;
} walk_cases[] = {
	{ "sys/a/file", NULL, SYSROOT_FILE, 0, "sys/a/file", false },
	{ "sys/in/file", NULL, SYSROOT_FILE, 0, "sys/a/file", false },
	/* ".." after a link is the physical parent of where the link led. */
	{ "sys/in/../a/file", NULL, SYSROOT_FILE, 0, "sys/a/file", false },
	{ "sys/a/back", "sys", SYSROOT_FILE, 0, "sys/a/file", false },
	{ "sys/empty-ish/a/file", "sys", SYSROOT_FILE, 0, "sys/a/file", false },
	{ "sys/chain/l0", NULL, SYSROOT_FILE, 0, "sys/a/file", false },
	{ "sys/chain/m", NULL, SYSROOT_FILE, -ELOOP, "sys/chain/l39", true },
	{ "sys/loop1", NULL, SYSROOT_ANY, -ELOOP, "sys/loop1", true },	/* the 41st */
	{ "sys/up/etc/passwd", NULL, SYSROOT_FILE, -EXDEV, "", true },
	{ "sys/sibling", NULL, SYSROOT_FILE, -EXDEV, "", true },
	{ "sys/abs/passwd", NULL, SYSROOT_FILE, -EXDEV, "sys", true },
	{ "sys/../../outside/secret", NULL, SYSROOT_FILE, -EXDEV, "", false },
	{ "sys/to-proc", NULL, SYSROOT_FILE, 0, "proc/cmdline", false },
	{ "sys/to-proc", "sys", SYSROOT_FILE, -EXDEV, "proc", true },
	{ "proc/cmdline", "sys", SYSROOT_FILE, -EXDEV, "proc", false },
	{ "sys/dangling", NULL, SYSROOT_FILE, -ENOENT, "sys/a/nowhere", true },
	{ "sys/in/missing", NULL, SYSROOT_FILE, -ENOENT, "sys/a/missing", false },
	{ "sys/a/file/x", NULL, SYSROOT_FILE, -ENOTDIR, "sys/a/file", false },
	/* Neither opened: a FIFO would block, a directory is no file. */
	{ "sys/fifo", NULL, SYSROOT_FILE, -EINVAL, "sys/fifo", false },
	{ "sys/a", NULL, SYSROOT_FILE, -EINVAL, "sys/a", false },
	{ "sys/a/file", NULL, SYSROOT_DIR, -ENOTDIR, "sys/a/file", false },
	{ "sys/in", "sys", SYSROOT_DIR, 0, "sys/a", false },
	{ "sys/in/..", "sys", SYSROOT_DIR, 0, "sys", false },
	{ "sys/in/../..", "sys", SYSROOT_DIR, -EXDEV, "", false },
	{ "", NULL, SYSROOT_DIR, 0, "", false },
	/* After l1, readlink first in mixed: f, missing and d are no links. */
	{ "sys/mixed/l1/file", NULL, SYSROOT_FILE, 0, "sys/a/file", false },
	{ "sys/mixed/f/x", NULL, SYSROOT_FILE, -ENOTDIR, "sys/mixed/f", false },
	{ "sys/mixed/missing/x", NULL, SYSROOT_FILE, -ENOENT, "sys/mixed/missing", false },
	{ "sys/mixed/d/file", NULL, SYSROOT_FILE, 0, "sys/mixed/d/file", false },
	{ "sys/mixed/l1/file", NULL, SYSROOT_FILE, 0, "sys/a/file", false },
	{ "sys/fifo/x", NULL, SYSROOT_FILE, -ENOTDIR, "sys/fifo", false },
	{ "sys/mixed/d", "sys", SYSROOT_DIR, 0, "sys/mixed/d", false },
	{ "sys/mixed/l1", "sys", SYSROOT_DIR, 0, "sys/a", false },
	{ "sys/mixed/f", "sys", SYSROOT_DIR, -ENOTDIR, "sys/mixed/f", false },
	{ "sys/fifo", "sys", SYSROOT_DIR, -ENOTDIR, "sys/fifo", false },
	/* Walked, nothing opened: a FIFO is no danger there. */
	{ "sys/in", NULL, SYSROOT_PATH, 0, "sys/a", false },
	{ "sys/in/file", NULL, SYSROOT_PATH, 0, "sys/a/file", false },
	{ "sys/fifo", NULL, SYSROOT_PATH, 0, "sys/fifo", false },
	{ "sys/mixed/d", NULL, SYSROOT_PATH, 0, "sys/mixed/d", false },
	{ "sys/sibling", NULL, SYSROOT_PATH, -EXDEV, "", true },
	{ "sys/abs", NULL, SYSROOT_PATH, -EXDEV, "sys", true },
	{ "sys/to-proc", "sys", SYSROOT_PATH, -EXDEV, "proc", true },
	{ "sys/dangling", NULL, SYSROOT_PATH, -ENOENT, "sys/a/nowhere", true },
	{ "sys/loop1", NULL, SYSROOT_PATH, -ELOOP, "sys/loop1", true },
	{ "sys/chain/l0", NULL, SYSROOT_PATH, 0, "sys/a/file", false },
	{ "sys/in/..", NULL, SYSROOT_PATH, 0, "sys", false },
};

static void test_walk(void **state)
{
	struct sysroot sr;

	(void)state;
	assert_int_equal(sysroot_open(&sr, root), 0);
	for (size_t i = 0; i < sizeof(walk_cases) / sizeof(walk_cases[0]); i++) {
		const struct walk_case *c = &walk_cases[i];
		struct sysroot_walk w = { .beneath = c->beneath };
		int fd = sysroot_walk(&sr, c->rel, c->want, &w);

		if (fd >= 0 && c->want != SYSROOT_PATH)
			close(fd);
		if ((c->rc == 0 ? fd < 0 || (c->want == SYSROOT_PATH && fd != 0) : fd != c->rc) ||
		    strcmp(w.path, c->path) != 0 || w.in_link != c->in_link)
			fail_msg("%s (beneath %s): got %d at '%s' in_link %d, want %d at '%s' %d",
				 c->rel, c->beneath ? c->beneath : "-", fd, w.path, w.in_link, c->rc,
				 c->path, c->in_link);
	}
	sysroot_close(&sr);
}

static int count_link(void *arg, const char *at, const char *target)
{
	(void)at;
	(void)target;
	++*(int *)arg;
	return 0;
}

/* A walk as it ended: return code, path, last link, in_link. */
static void check_walk(const struct sysroot *sr, const char *rel, const char *beneath,
		       enum sysroot_want want, int rc, const char *path, const char *link_at,
		       bool in_link)
{
	struct sysroot_walk w = { .beneath = beneath };
	int fd = sysroot_walk(sr, rel, want, &w);

	if (fd > 0 && want != SYSROOT_PATH)
		close(fd);
	if ((rc == 0 ? fd < 0 : fd != rc) || strcmp(w.path, path) != 0 ||
	    strcmp(w.link_at, link_at) != 0 || w.in_link != in_link)
		fail_msg("%s: got %d at '%s' link '%s' in_link %d, want %d at '%s' link '%s' %d",
			 rel, fd, w.path, w.link_at, w.in_link, rc, path, link_at, in_link);
}

/*
 * A path in the directory of the path before starts from where that one
 * led (a memo): the links met on the way still count, the last one is still
 * reported, a walk beneath another directory or one reporting links walks
 * again.
 */
static void test_memo(void **state)
{
	struct sysroot_walk w = { .on_link = count_link };
	struct sysroot sr;
	int links = 0;
	char *buf;
	size_t len;

	(void)state;
	assert_int_equal(sysroot_open(&sr, root), 0);
	for (int i = 0; i < 2; i++) {	/* the second time from the memo */
		check_walk(&sr, "sys/in/file", NULL, SYSROOT_FILE, 0, "sys/a/file", "sys/in", false);
		check_walk(&sr, "sys/in/missing", NULL, SYSROOT_FILE, -ENOENT, "sys/a/missing",
			   "sys/in", false);
		check_walk(&sr, "sys/in/back", NULL, SYSROOT_PATH, 0, "sys/a/file", "sys/in", false);
		check_walk(&sr, "sys/in/file", "proc", SYSROOT_FILE, -EXDEV, "sys", "", false);
		/* 39 links to deep/k0/, then back and in: 41. */
		check_walk(&sr, "sys/deep/k0/file", NULL, SYSROOT_FILE, 0, "sys/a/file",
			   "sys/deep/k38", false);
		check_walk(&sr, "sys/deep/k0/back", NULL, SYSROOT_FILE, -ELOOP, "sys/in",
			   "sys/a/back", true);
		check_walk(&sr, "sys/deep/k0/file", "sys", SYSROOT_FILE, 0, "sys/a/file",
			   "sys/deep/k38", false);
	}
	w.arg = &links;
	assert_int_equal(sysroot_read_walk(&sr, "sys/in/file", &w, &buf, &len), 0);
	free(buf);
	assert_int_equal(links, 1);	/* reported, not skipped by the memo */
	sysroot_close(&sr);
}

static void test_read_list_resolve(void **state)
{
	struct sysroot_walk w = { .on_link = count_link };
	struct sysroot sr;
	char resolved[PATH_MAX], want[PATH_MAX + 16], **names;
	char *buf;
	size_t len, n;
	int links = 0;

	(void)state;
	w.arg = &links;
	assert_int_equal(sysroot_open(&sr, root), 0);
	assert_int_equal(sysroot_read_walk(&sr, "sys/a/back", &w, &buf, &len), 0);
	assert_string_equal(buf, "inside\n");
	assert_int_equal(len, 7);
	free(buf);
	assert_int_equal(links, 2);	/* back, then in */
	assert_string_equal(w.link_at, "sys/in");
	assert_string_equal(w.link_target, "a");
	assert_int_equal(sysroot_read(&sr, "sys/big", &buf, &len), -EFBIG);
	assert_int_equal(sysroot_read(&sr, "sys/sibling", &buf, &len), -EXDEV);
	assert_non_null(strstr(sysroot_strerror(-EXDEV), "outside the sysroot"));
	assert_non_null(strstr(sysroot_strerror(-ELOOP), "40 links"));

	assert_int_equal(sysroot_list(&sr, "sys/in", &names, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "back");
	assert_string_equal(names[1], "file");
	sysroot_free_names(names, n);
	assert_int_equal(sysroot_list(&sr, "sys/up", &names, &n), -EXDEV);

	assert_int_equal(sysroot_resolve(&sr, "sys/in", resolved), 0);
	snprintf(want, sizeof(want), "%s/sys/a", sr.root);
	assert_string_equal(resolved, want);
	sysroot_close(&sr);
	assert_int_equal(sysroot_open(&sr, "/nonexistent/root"), -ENOENT);
	sysroot_close(&sr);
}

/* From "/", an absolute link is the host's own path, and "/.." is "/". */
static void test_host_root(void **state)
{
	struct sysroot_walk w = { 0 };
	struct sysroot sr;
	char rel[PATH_MAX + 64];
	int fd;

	(void)state;
	assert_int_equal(sysroot_open(&sr, "/"), 0);
	snprintf(rel, sizeof(rel), "%s/sys/abs", root + 1);
	fd = sysroot_walk(&sr, rel, SYSROOT_DIR, &w);
	assert_true(fd >= 0);
	close(fd);
	assert_string_equal(w.path, "etc");
	snprintf(rel, sizeof(rel), "../../%s/sys/a/file", root + 1);
	fd = sysroot_walk(&sr, rel, SYSROOT_FILE, &w);
	assert_true(fd >= 0);
	close(fd);
	/* Confined below one directory, "/" too: the absolute link leaves it. */
	char beneath[PATH_MAX + 16];

	snprintf(beneath, sizeof(beneath), "%s/sys", root + 1);
	w.beneath = beneath;
	snprintf(rel, sizeof(rel), "%s/sys/abs", root + 1);
	assert_int_equal(sysroot_walk(&sr, rel, SYSROOT_DIR, &w), -EXDEV);
	assert_string_equal(w.path, "etc");
	/* Above it on the way there is fine; the object must be below it. */
	snprintf(rel, sizeof(rel), "%s/sys/a/file", root + 1);
	fd = sysroot_walk(&sr, rel, SYSROOT_FILE, &w);
	assert_true(fd >= 0);
	close(fd);
	snprintf(rel, sizeof(rel), "%s/proc/cmdline", root + 1);
	assert_int_equal(sysroot_walk(&sr, rel, SYSROOT_FILE, &w), -EXDEV);
	snprintf(rel, sizeof(rel), "%s", root + 1);
	assert_int_equal(sysroot_walk(&sr, rel, SYSROOT_DIR, &w), -EXDEV);
	sysroot_close(&sr);
}

/* ------------------------------------------------------------------------ */
/* Every reader refuses a link out of the root, and says so.                */

static bool has_diag(const struct resv_diags *d, const char *id, const char *where_end)
{
	for (size_t i = 0; i < resv_diags_count(d); i++) {
		const struct resv_diag *g = resv_diags_get(d, i);
		size_t wl = strlen(g->where), el = strlen(where_end);

		const char *at = strstr(g->message, g->where);

		/* "PATH: what is wrong", with its colon (issue 12 item 6), or the link by name. */
		if (strcmp(g->id, id) == 0 && wl >= el &&
		    strcmp(g->where + wl - el, where_end) == 0 &&
		    strstr(g->message, "outside the sysroot") && at &&
		    (at[wl] == ':' || strncmp(at + wl, " -> ", 4) == 0))
			return true;
	}
	return false;
}

/*
 * A device under sys/devices, linked from sys/bus/pci/devices; its config
 * is a link to @config_link when given.
 */
static void device(const char *r, const char *name, const char *config_link)
{
	static const char cfg[64] = { 0x86, 0x80, 0x34, 0x12 };
	char rel[PATH_MAX + 64], target[128];
	FILE *f;

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/class", name);
	tree_put(r, rel, "0x020000\n");
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/vendor", name);
	tree_put(r, rel, "0x8086\n");
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/device", name);
	tree_put(r, rel, "0x1234\n");
	if (config_link) {
		snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/config", name);
		tree_link(r, rel, config_link);
	} else {
		snprintf(rel, sizeof(rel), "%s/sys/devices/pci0000:00/%s/config", r, name);
		f = fopen(rel, "w");
		assert_non_null(f);
		assert_int_equal(fwrite(cfg, 1, sizeof(cfg), f), sizeof(cfg));
		fclose(f);
	}
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", name);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", name);
	tree_link(r, rel, target);
}

static void test_readers_files(void **state)
{
	static const char msi[] = "0x00000000fee00000 0x00000000feefffff msi\n";
	struct resv_system *sys;
	struct resv_machine *m;
	const struct resv_group *g;
	char r[PATH_MAX + 8];

	(void)state;
	snprintf(r, sizeof(r), "%s/files", base);
	tree_put(base, "outside/DMAR", "DMAR not to be read");
	tree_put(base, "outside/start", "0x0\n");
	tree_put(base, "outside/reserved_regions", msi);
	tree_put(base, "outside/intel-iommu/cap", "d2008c40660462\n");
	device(r, "0000:00:02.0", "../../../../../outside/DMAR");
	device(r, "0000:00:03.0", NULL);
	/* 1: its files lead out; 2: its device's IOMMU does; 3: its devices/. */
	tree_link(r, "sys/kernel/iommu_groups/1/type", "/etc/hostname");
	tree_link(r, "sys/kernel/iommu_groups/1/reserved_regions",
		  "../../../../../outside/reserved_regions");
	tree_link(r, "sys/kernel/iommu_groups/1/devices/0000:00:02.0",
		  "../../../../devices/pci0000:00/0000:00:02.0");
	tree_put(r, "sys/kernel/iommu_groups/2/reserved_regions", msi);
	tree_link(r, "sys/kernel/iommu_groups/2/devices/0000:00:03.0",
		  "../../../../devices/pci0000:00/0000:00:03.0");
	tree_link(r, "sys/devices/pci0000:00/0000:00:03.0/iommu", "../../../../../outside");
	tree_put(r, "sys/kernel/iommu_groups/3/reserved_regions", msi);
	tree_link(r, "sys/kernel/iommu_groups/3/devices", "../../../../../outside");
	/* A table and a memory map entry (02.0's config above). */
	tree_link(r, "sys/firmware/acpi/tables/DMAR", "../../../../../outside/DMAR");
	tree_link(r, "sys/firmware/memmap/0/start", "../../../../../outside/start");
	tree_put(r, "sys/firmware/memmap/0/end", "0xfff\n");
	tree_put(r, "sys/firmware/memmap/0/type", "Reserved\n");

	assert_int_equal(resv_system_load(&sys, r), 0);
	const struct resv_diags *d = resv_system_diags(sys);

	assert_true(has_diag(d, "SYSFS_GROUP_TYPE", "/sys/kernel/iommu_groups/1/type"));
	assert_true(has_diag(d, "SYSFS_RESERVED_REGIONS",
			     "/sys/kernel/iommu_groups/1/reserved_regions"));
	assert_true(has_diag(d, "SYSFS_IOMMU_LINK", "/sys/bus/pci/devices/0000:00:03.0/iommu"));
	assert_true(has_diag(d, "SYSFS_GROUP_DEVICES", "/sys/kernel/iommu_groups/3/devices"));
	g = resv_system_find_group(sys, 2);
	assert_false(g->complete);
	assert_false(g->aperture_known);
	assert_int_equal(resv_list_count(g->regions), 1);
	resv_system_free(sys);

	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_load(m, r, RESV_LOAD_ALL), 0);
	d = resv_machine_diags(m);
	assert_true(has_diag(d, "ACPI_TABLE_UNREADABLE", "/sys/firmware/acpi/tables/DMAR"));
	assert_true(has_diag(d, "PCI_CONFIG", "/sys/bus/pci/devices/0000:00:02.0/config"));
	assert_true(has_diag(d, "MEMMAP_BAD_ENTRY", "/sys/firmware/memmap/0/start"));
	assert_int_equal(resv_machine_table_count(m), 0);
	resv_machine_free(m);
}

/*
 * The driver behind each group, from the unit its device's iommu link
 * names, and the aperture that follows from it and the kernel: AMD's as
 * measured under QEMU (VFIO type1 IOVA ranges: 2^64 - 1 on 5.10, 6.1 and
 * 6.12; 2^48 - 1 on 7.2 with the same amd-iommu).
 */
static void test_iommu_from_sysfs(void **state)
{
	static const struct {
		const char *dev, *unit, *attr, *value;
		enum resv_iommu iommu;
		bool efr_known;
		uint64_t efr;
		unsigned int kernel;
		int known;
		uint64_t last;
	} cases[] = {
		{ "0000:00:01.0", "dmar0", "intel-iommu/cap", "d2008c40660462\n", RESV_IOMMU_INTEL,
		  false, 0, 0x050e00, 1, (1ull << 39) - 1 },	/* MGAW 39 */
		{ "0000:00:02.0", "ivhd0", "amd-iommu/features", "29d3:0\n", RESV_IOMMU_AMD,
		  true, 0x29d3, 0x060c00, 1, UINT64_MAX },
		{ "0000:00:03.0", "ivhd1", "amd-iommu/features", "29d3\n", RESV_IOMMU_AMD,
		  true, 0x29d3, 0x070200, 1, (1ull << 48) - 1 },
		{ "0000:00:04.0", "ivhd2", "amd-iommu/features", "29d3:0\n", RESV_IOMMU_AMD,
		  true, 0x29d3, 0, 1, (1ull << 48) - 1 },
		{ "0000:00:05.0", "ivhd3", "amd-iommu/features", "-1:0\n", RESV_IOMMU_AMD,
		  false, 0, 0x050a00, 1, UINT64_MAX },
		{ "0000:00:06.0", "smmu3.0x0000000009050000", NULL, NULL, RESV_IOMMU_ARM,
		  false, 0, 0, 0, 0 },
		{ "0000:00:07.0", "virtio0", NULL, NULL, RESV_IOMMU_VIRTIO, false, 0, 0, 0, 0 },
		{ "0000:00:08.0", NULL, NULL, NULL, RESV_IOMMU_NONE, false, 0, 0, 0, 0 },
	};
	struct resv_system *sys;
	char r[PATH_MAX + 8], rel[PATH_MAX], target[PATH_MAX];

	(void)state;
	snprintf(r, sizeof(r), "%s/units", base);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		device(r, cases[i].dev, NULL);
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%zu/reserved_regions", i);
		tree_put(r, rel, "");
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%zu/devices/%s", i, cases[i].dev);
		snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s", cases[i].dev);
		tree_link(r, rel, target);
		if (!cases[i].unit)
			continue;
		snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/iommu", cases[i].dev);
		snprintf(target, sizeof(target), "../../virtual/iommu/%s", cases[i].unit);
		tree_link(r, rel, target);
		if (cases[i].attr) {
			snprintf(rel, sizeof(rel), "sys/devices/virtual/iommu/%s/%s", cases[i].unit,
				 cases[i].attr);
			tree_put(r, rel, cases[i].value);
		} else {
			snprintf(rel, sizeof(rel), "sys/devices/virtual/iommu/%s/uevent", cases[i].unit);
			tree_put(r, rel, "");
		}
	}
	assert_int_equal(resv_system_load(&sys, r), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct resv_group *g = resv_system_find_group(sys, (long)i);
		struct resv_range ap = { 1, 0 };
		const char *src = NULL;

		assert_non_null(g);
		assert_int_equal(g->iommu, cases[i].iommu);
		if (cases[i].unit)
			assert_string_equal(g->iommu_unit, cases[i].unit);
		else
			assert_null(g->iommu_unit);
		assert_int_equal(g->amd_efr_known, cases[i].efr_known);
		assert_int_equal(g->amd_efr, cases[i].efr);
		assert_int_equal(resv_group_aperture(g, cases[i].kernel, &ap, &src), cases[i].known);
		if (cases[i].known) {
			assert_int_equal(ap.start, 0);
			assert_int_equal(ap.last, cases[i].last);
			assert_non_null(src);
		}
	}
	/* The malformed features: one warning naming the file. */
	const struct resv_diags *d = resv_system_diags(sys);
	size_t n = 0;

	for (size_t i = 0; i < resv_diags_count(d); i++)
		n += strcmp(resv_diags_get(d, i)->id, "SYSFS_AMD_FEATURES") == 0 &&
		     strstr(resv_diags_get(d, i)->message, "0000:00:05.0/iommu/amd-iommu/features");
	assert_int_equal(n, 1);
	assert_false(resv_system_find_group(sys, 4)->complete);
	resv_system_free(sys);

	/* Without RESV_SYSTEM_IOMMU no link is read: no unit, no warning. */
	assert_int_equal(resv_system_load_what(&sys, r, RESV_SYSTEM_REGIONS), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct resv_group *g = resv_system_find_group(sys, (long)i);

		assert_int_equal(g->iommu, RESV_IOMMU_NONE);
		assert_null(g->iommu_unit);
		assert_false(g->aperture_known);
		assert_true(g->complete);
		assert_non_null(g->regions);
	}
	assert_int_equal(resv_diags_count(resv_system_diags(sys)), 0);
	resv_system_free(sys);
}

/* The kernel's page size from the PMD size THP shows (arm64 4K/16K/64K). */
static void test_page_size(void **state)
{
	static const struct {
		const char *text;
		int rc;
		uint64_t size;
	} cases[] = {
		{ "2097152\n", 0, 4096 },
		{ "33554432\n", 0, 16384 },
		{ "536870912\n", 0, 65536 },
		{ "536870912", 0, 65536 },
		{ "1048576\n", -EBADMSG, 0 },
		{ "-2097152\n", -EBADMSG, 0 },
		{ "2097152 \n", -EBADMSG, 0 },
		{ "", -EBADMSG, 0 },
		{ NULL, -ENOENT, 0 },
	};
	char r[PATH_MAX + 16];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t size = 1;

		snprintf(r, sizeof(r), "%s/page%zu", base, i);
		tree_mkdirs(r, "sys/kernel");
		if (cases[i].text)
			tree_put(r, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
				 cases[i].text);
		assert_int_equal(resv_page_size(r, &size), cases[i].rc);
		assert_int_equal(size, cases[i].rc ? 1 : cases[i].size);
	}
}

/* Whole directories that lead out. */
static void test_readers_dirs(void **state)
{
	struct resv_system *sys;
	struct resv_machine *m;
	char r[PATH_MAX + 8];

	(void)state;
	snprintf(r, sizeof(r), "%s/dirs", base);
	tree_put(base, "outside/groups/0/reserved_regions", "");
	tree_mkdirs(base, "outside/groups/0/devices");
	tree_put(base, "outside/memmap/0/start", "0x0\n");
	tree_link(r, "sys/kernel/iommu_groups", "../../../outside/groups");
	tree_link(r, "sys/bus/pci/devices", "/sys/bus/pci/devices");
	tree_link(r, "sys/firmware/memmap", "../../../outside/memmap");
	tree_link(r, "sys/firmware/acpi/tables", "/sys/firmware/acpi/tables");

	assert_int_equal(resv_system_load(&sys, r), 0);
	assert_int_equal(resv_system_group_count(sys), 0);
	assert_true(has_diag(resv_system_diags(sys), "SYSFS_GROUPS_UNREADABLE", "/sys/kernel/iommu_groups"));
	resv_system_free(sys);

	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_load(m, r, RESV_LOAD_ALL), 0);
	assert_true(has_diag(resv_machine_diags(m), "PCI_CONFIG", "/sys/bus/pci/devices"));
	assert_true(has_diag(resv_machine_diags(m), "MEMMAP_BAD_ENTRY", "/sys/firmware/memmap"));
	assert_true(has_diag(resv_machine_diags(m), "ACPI_TABLE_UNREADABLE",
			     "/sys/firmware/acpi/tables/DMAR"));
	resv_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_read_list_resolve),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_host_root),
		cmocka_unit_test(test_readers_files),
		cmocka_unit_test(test_readers_dirs),
		cmocka_unit_test(test_iommu_from_sysfs),
		cmocka_unit_test(test_page_size),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
