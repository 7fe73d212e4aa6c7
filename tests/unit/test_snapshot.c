// SPDX-License-Identifier: MIT
/*
 * resv_snapshot_write() on fake roots: what the readers read is copied with
 * its links; links out of sys/ (absolute, relative, out of the root), loops,
 * dangling links and FIFOs are reported and not copied; no byte from
 * outside reaches the copy and no link in the copy leads out of it; a file
 * that cannot be read stops the copy; a link in the destination is never
 * followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#include <iommu-resv.h>

#include "../common/tree.h"

static char base[PATH_MAX];
static char src[PATH_MAX + 8];

static const char regions[] = "0x000000007b800000 0x000000007fffffff direct-relaxable\n"
			      "0x00000000fee00000 0x00000000feefffff msi\n";

static int setup(void **state)
{
	char path[PATH_MAX + 64];

	(void)state;
	tree_new(base, "snapshot");
	snprintf(src, sizeof(src), "%s/src", base);
	tree_put(base, "outside/secret", "SECRET outside the root\n");
	tree_put(base, "outside/dev/class", "SECRET class\n");
	tree_put(src, "secret", "SECRET in the root, outside sys\n");
	tree_put(src, "secretdir/intel-iommu/cap", "SECRET cap\n");
	tree_put(src, "proc/sys/kernel/osrelease", "6.8.0-test\n");
	tree_put(src, "proc/cmdline", "intel_iommu=on iommu=pt\n");

	/* Group 1: one device, all well. */
	tree_put(src, "sys/kernel/iommu_groups/1/type", "DMA\n");
	tree_put(src, "sys/kernel/iommu_groups/1/reserved_regions", regions);
	tree_link(src, "sys/kernel/iommu_groups/1/devices/0000:00:02.0",
		  "../../../../devices/pci0000:00/0000:00:02.0");
	tree_put(src, "sys/devices/pci0000:00/0000:00:02.0/class", "0x030000\n");
	tree_put(src, "sys/devices/pci0000:00/0000:00:02.0/vendor", "0x8086\n");
	tree_put(src, "sys/devices/pci0000:00/0000:00:02.0/device", "0x9b41\n");
	tree_put(src, "sys/devices/pci0000:00/0000:00:02.0/config", "\x86\x80\x41\x9b");
	tree_put(src, "sys/devices/pci0000:00/0000:00:02.0/not-copied", "x\n");
	/* Bound to i915: the link is kept, the driver's directory made empty. */
	tree_link(src, "sys/devices/pci0000:00/0000:00:02.0/driver", "../../../bus/pci/drivers/i915");
	tree_put(src, "sys/bus/pci/drivers/i915/bind", "not copied\n");
	tree_link(src, "sys/devices/pci0000:00/0000:00:02.0/iommu_group",
		  "../../../kernel/iommu_groups/1");
	tree_link(src, "sys/devices/pci0000:00/0000:00:02.0/iommu", "../../virtual/iommu/dmar0");
	tree_put(src, "sys/devices/virtual/iommu/dmar0/intel-iommu/cap", "d2008c40660462\n");
	tree_put(src, "sys/devices/virtual/iommu/dmar0/intel-iommu/ecap", "f050da\n");
	tree_link(src, "sys/class/iommu/dmar0", "../../devices/virtual/iommu/dmar0");
	tree_link(src, "sys/bus/pci/devices/0000:00:02.0",
		  "../../../devices/pci0000:00/0000:00:02.0");
	tree_put(src, "sys/firmware/acpi/tables/DMAR", "DMAR, binary\n");
	tree_put(src, "sys/firmware/acpi/tables/FACP", "not ours\n");
	/* VIOT, and the AML searched for the PCI _DSM: DSDT, SSDT1..SSDT64. */
	tree_put(src, "sys/firmware/acpi/tables/VIOT", "VIOT, binary\n");
	/* The MADT, for MSI isolation (GIC ITS or GICv2m). */
	tree_put(src, "sys/firmware/acpi/tables/APIC", "APIC, binary\n");
	tree_put(src, "sys/firmware/acpi/tables/DSDT", "DSDT, binary\n");
	tree_put(src, "sys/firmware/acpi/tables/SSDT2", "SSDT, binary\n");
	tree_put(src, "sys/firmware/acpi/tables/SSDT65", "past the last one read\n");
	tree_put(src, "sys/firmware/memmap/0/start", "0x0\n");
	tree_put(src, "sys/firmware/memmap/0/end", "0x9fbff\n");
	tree_put(src, "sys/firmware/memmap/0/type", "System RAM\n");

	/* Everything else leads where it must not, or nowhere. */
	tree_link(src, "sys/firmware/acpi/tables/IVRS", "/etc/hostname");
	tree_link(src, "sys/firmware/acpi/tables/IORT", "../../../../secret");
	tree_link(src, "sys/kernel/iommu_groups/2/devices/0000:00:09.0",
		  "../../../../../../outside/dev");
	tree_link(src, "sys/loopA", "loopB");
	tree_link(src, "sys/loopB", "loopA");
	tree_link(src, "sys/kernel/iommu_groups/2/reserved_regions", "../../../loopA");
	tree_link(src, "sys/kernel/iommu_groups/2/type", "../../../nowhere");
	tree_link(src, "sys/bus/pci/devices/0000:00:05.0", "../../../../../outside/dev");
	tree_link(src, "sys/class/iommu/evil", "../../../secretdir");
	tree_put(src, "sys/firmware/memmap/1/start", "0x100000\n");
	tree_put(src, "sys/firmware/memmap/1/end", "0x7fffffff\n");
	snprintf(path, sizeof(path), "%s/sys/firmware/memmap/1/type", src);
	assert_int_equal(mkfifo(path, 0644), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tree_remove(base);
	return 0;
}

/* A new empty destination directory, open. */
static int new_dest(const char *name, char path[PATH_MAX + 64])
{
	int fd;

	snprintf(path, PATH_MAX + 64, "%s/%s", base, name);
	assert_int_equal(mkdir(path, 0700), 0);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	return fd;
}

static size_t count(const struct resv_diags *d, const char *id, const char *where_end)
{
	size_t n = 0;

	for (size_t i = 0; i < resv_diags_count(d); i++) {
		const struct resv_diag *g = resv_diags_get(d, i);
		size_t wl = strlen(g->where), el = where_end ? strlen(where_end) : 0;

		n += strcmp(g->id, id) == 0 && wl >= el && strcmp(g->where + wl - el,
								   where_end ? where_end : "") == 0;
	}
	return n;
}

static const char *copy_root;
static size_t bad_links;

/* Every link of the copy must resolve inside its sys/ (or proc/). */
static int check_link(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char real[PATH_MAX], sys[PATH_MAX + 8];

	(void)st;
	(void)ftw;
	if (flag != FTW_SL && flag != FTW_SLN)
		return 0;
	snprintf(sys, sizeof(sys), "%s/sys/", copy_root);
	if (!realpath(path, real) || strncmp(real, sys, strlen(sys)) != 0) {
		print_error("link %s leads to %s\n", path, real);
		bad_links++;
	}
	return 0;
}

static void assert_file(const char *dir, const char *rel, const char *text)
{
	char path[2 * PATH_MAX], buf[256] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	assert_string_equal(buf, text);
}

static void assert_absent(const char *dir, const char *rel)
{
	char path[2 * PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (lstat(path, &st) == 0)
		fail_msg("%s was copied", rel);
}

static void test_copy(void **state)
{
	char dest[PATH_MAX + 64], found[PATH_MAX];
	struct resv_diags *d;
	struct resv_system *a, *b;
	int fd, rc;

	(void)state;
	fd = new_dest("copy", dest);
	assert_int_equal(resv_diags_new(&d), 0);
	rc = resv_snapshot_write(fd, src, d);
	close(fd);
	for (size_t i = 0; i < resv_diags_count(d); i++)
		print_message("%s [%s]\n", resv_diags_get(d, i)->message, resv_diags_get(d, i)->id);
	/* 20 files, 6 links. */
	assert_int_equal(rc, 26);

	assert_int_equal(count(d, "SNAPSHOT_LINK_OUTSIDE", "/sys/firmware/acpi/tables/IVRS"), 1);
	assert_int_equal(count(d, "SNAPSHOT_LINK_OUTSIDE", "/sys/firmware/acpi/tables/IORT"), 1);
	assert_int_equal(count(d, "SNAPSHOT_LINK_OUTSIDE",
			       "/sys/kernel/iommu_groups/2/devices/0000:00:09.0"), 1);
	assert_int_equal(count(d, "SNAPSHOT_LINK_OUTSIDE", "/sys/bus/pci/devices/0000:00:05.0"), 1);
	assert_int_equal(count(d, "SNAPSHOT_LINK_OUTSIDE", "/sys/class/iommu/evil"), 1);
	assert_int_equal(count(d, "SNAPSHOT_LINK_LOOP",
			       "/sys/kernel/iommu_groups/2/reserved_regions"), 1);
	assert_int_equal(count(d, "SNAPSHOT_LINK_DANGLING", "/sys/kernel/iommu_groups/2/type"), 1);
	assert_int_equal(count(d, "SNAPSHOT_NOT_COPIED", "/sys/firmware/memmap/1/type"), 1);
	assert_int_equal(resv_diags_count(d), 8);
	assert_int_equal(resv_diags_max_severity(d), RESV_SEV_WARNING);
	/* The message shows the link and what it says. */
	assert_non_null(strstr(resv_diags_get(d, 0)->message, "-> /etc/hostname"));

	assert_false(tree_grep(dest, "SECRET", found));
	copy_root = dest;
	bad_links = 0;
	assert_int_equal(nftw(dest, check_link, 16, FTW_PHYS), 0);
	assert_int_equal(bad_links, 0);

	assert_file(dest, "proc/cmdline", "intel_iommu=on iommu=pt\n");
	assert_file(dest, "proc/sys/kernel/osrelease", "6.8.0-test\n");
	assert_file(dest, "sys/bus/pci/devices/0000:00:02.0/iommu/intel-iommu/ecap", "f050da\n");
	assert_file(dest, "sys/class/iommu/dmar0/intel-iommu/cap", "d2008c40660462\n");
	assert_file(dest, "sys/firmware/memmap/1/start", "0x100000\n");
	assert_absent(dest, "sys/firmware/acpi/tables/FACP");
	assert_file(dest, "sys/firmware/acpi/tables/VIOT", "VIOT, binary\n");
	assert_file(dest, "sys/firmware/acpi/tables/APIC", "APIC, binary\n");
	assert_file(dest, "sys/firmware/acpi/tables/DSDT", "DSDT, binary\n");
	assert_file(dest, "sys/firmware/acpi/tables/SSDT2", "SSDT, binary\n");
	assert_absent(dest, "sys/firmware/acpi/tables/SSDT65");
	assert_absent(dest, "sys/firmware/acpi/tables/IVRS");
	assert_absent(dest, "sys/devices/pci0000:00/0000:00:02.0/not-copied");
	assert_absent(dest, "sys/kernel/iommu_groups/2/type");
	assert_absent(dest, "sys/loopA");
	assert_absent(dest, "sys/bus/pci/drivers/i915/bind");
	{
		char path[2 * PATH_MAX], text[PATH_MAX];
		struct stat st;
		ssize_t n;

		snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/0000:00:02.0/driver", dest);
		n = readlink(path, text, sizeof(text) - 1);
		assert_true(n > 0);
		text[n] = '\0';
		assert_string_equal(text, "../../../bus/pci/drivers/i915");
		assert_int_equal(stat(path, &st), 0);	/* it does not dangle */
		assert_true(S_ISDIR(st.st_mode));
	}

	/* The copy reads as the source did. */
	assert_int_equal(resv_system_load(&a, src), 0);
	assert_int_equal(resv_system_load(&b, dest), 0);
	assert_int_equal(resv_system_group_count(b), 2);
	const struct resv_group *ga = resv_system_find_group(a, 1), *gb = resv_system_find_group(b, 1);

	assert_true(gb->complete);
	assert_string_equal(gb->type, ga->type);
	assert_int_equal(gb->ndevices, 1);
	assert_int_equal(gb->devices[0].class, ga->devices[0].class);
	assert_true(gb->devices[0].driver_known);
	assert_string_equal(gb->devices[0].driver, "i915");
	assert_string_equal(ga->devices[0].driver, "i915");
	assert_true(gb->aperture_known);
	assert_int_equal(gb->aperture.last, ga->aperture.last);
	assert_string_equal(gb->aperture_source, ga->aperture_source);
	assert_int_equal(resv_list_count(gb->regions), resv_list_count(ga->regions));
	assert_int_equal(resv_system_find_group(b, 2)->ndevices, 0);
	resv_system_free(a);
	resv_system_free(b);
	resv_diags_free(d);
}

/* A file that is there but cannot be read stops the copy, and says which. */
static void test_unreadable(void **state)
{
	char root[PATH_MAX + 8], dest[PATH_MAX + 64], path[2 * PATH_MAX];
	struct resv_diags *d;
	int fd;

	(void)state;
	snprintf(root, sizeof(root), "%s/big", base);
	tree_put(root, "sys/kernel/iommu_groups/0/reserved_regions", regions);
	tree_put(root, "sys/firmware/acpi/tables/DMAR", "");
	snprintf(path, sizeof(path), "%s/sys/firmware/acpi/tables/DMAR", root);
	assert_int_equal(truncate(path, 2 << 20), 0);
	fd = new_dest("big-copy", dest);
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(resv_snapshot_write(fd, root, d), -EFBIG);
	close(fd);
	assert_int_equal(count(d, "SNAPSHOT_FAILED", "/sys/firmware/acpi/tables/DMAR"), 1);
	assert_int_equal(resv_diags_max_severity(d), RESV_SEV_ERROR);
	assert_non_null(strstr(resv_diags_get(d, 0)->message, "larger than 1 MiB"));
	resv_diags_free(d);

	assert_int_equal(resv_snapshot_write(AT_FDCWD, "/nonexistent/root", NULL), -ENOENT);
}

/* A link already in the destination is not followed. */
static void test_dest_link(void **state)
{
	char dest[PATH_MAX + 64], trap[PATH_MAX + 8], path[2 * PATH_MAX], found[PATH_MAX];
	struct resv_diags *d;
	int fd, rc;

	(void)state;
	snprintf(trap, sizeof(trap), "%s/trap", base);
	tree_mkdirs(trap, "");
	fd = new_dest("trapped", dest);
	snprintf(path, sizeof(path), "%s/sys", dest);
	assert_int_equal(symlink("../trap", path), 0);
	assert_int_equal(resv_diags_new(&d), 0);
	rc = resv_snapshot_write(fd, src, d);
	close(fd);
	assert_true(rc < 0);
	assert_int_equal(count(d, "SNAPSHOT_FAILED", NULL), 1);
	assert_false(tree_grep(trap, "", found));
	snprintf(path, sizeof(path), "%s/kernel", trap);
	assert_int_equal(access(path, F_OK), -1);
	resv_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_dest_link),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
