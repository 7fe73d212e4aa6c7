// SPDX-License-Identifier: MIT
/*
 * The x86 rules real kernels taught us (issue 10, the QEMU bench): DMAR
 * scopes matched from the root bus only, with the kernel's one-element
 * workaround; a scope naming a device of the wrong kind turns VT-d off; an
 * IVMD naming the IOMMU's own ID turns AMD-Vi off; zero-length RMRRs and
 * IVMDs; reversed IVMD device ranges; IVMD segments. Tables and config
 * spaces are built here byte by byte, so each case shows what it tests.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iommu-resv.h"

struct buf {
	uint8_t b[1024];
	size_t n;
};

static void put(struct buf *t, uint64_t v, size_t bytes)
{
	assert_true(t->n + bytes <= sizeof(t->b));
	for (size_t i = 0; i < bytes; i++)
		t->b[t->n++] = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
}

/* ACPI header (36 bytes) and the 12 bytes DMAR and IVRS have after it. */
static void table_start(struct buf *t, const char *sig)
{
	t->n = 0;
	memcpy(t->b, sig, 4);
	t->n = 4;
	put(t, 0, 4);		/* length, set by table_end */
	put(t, 1, 1);		/* revision */
	put(t, 0, 1);		/* checksum */
	memcpy(t->b + t->n, "BOCHS BXPC    ", 14);
	t->n += 14;
	put(t, 2, 4);		/* OEM revision */
	put(t, 0x4c544e49, 4);	/* "INTL" */
	put(t, 1, 4);
	put(t, 38, 1);		/* DMAR: host address width - 1; IVRS: IVinfo byte 0 */
	put(t, 0, 11);
}

static void table_end(struct buf *t)
{
	uint8_t sum = 0;

	t->b[4] = (uint8_t)t->n;
	t->b[5] = (uint8_t)(t->n >> 8);
	t->b[9] = 0;
	for (size_t i = 0; i < t->n; i++)
		sum = (uint8_t)(sum + t->b[i]);
	t->b[9] = (uint8_t)-sum;
}

struct scope {
	uint8_t type, bus;
	uint8_t path[4][2];
	size_t npath;
};

static void put_scopes(struct buf *t, const struct scope *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put(t, s[i].type, 1);
		put(t, 6 + 2 * s[i].npath, 1);
		put(t, 0, 2);
		put(t, 0, 1);		/* enumeration id */
		put(t, s[i].bus, 1);
		for (size_t k = 0; k < s[i].npath; k++) {
			put(t, s[i].path[k][0], 1);
			put(t, s[i].path[k][1], 1);
		}
	}
}

static size_t scopes_len(const struct scope *s, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += 6 + 2 * s[i].npath;
	return len;
}

static void put_drhd(struct buf *t, uint8_t flags, uint64_t base, const struct scope *s, size_t n)
{
	put(t, 0, 2);
	put(t, 16 + scopes_len(s, n), 2);
	put(t, flags, 1);
	put(t, 0, 1);
	put(t, 0, 2);		/* segment */
	put(t, base, 8);
	put_scopes(t, s, n);
}

static void put_rmrr(struct buf *t, uint64_t base, uint64_t end, const struct scope *s, size_t n)
{
	put(t, 1, 2);
	put(t, 24 + scopes_len(s, n), 2);
	put(t, 0, 2);
	put(t, 0, 2);		/* segment */
	put(t, base, 8);
	put(t, end, 8);
	put_scopes(t, s, n);
}

/* IVHD type 0x10 for the IOMMU at @devid, one "all devices" entry. */
static void put_ivhd10(struct buf *t, uint16_t devid)
{
	put(t, 0x10, 1);
	put(t, 0, 1);
	put(t, 28, 2);
	put(t, devid, 2);
	put(t, 0x40, 2);	/* capability offset */
	put(t, 0xfed80000, 8);
	put(t, 0, 2);		/* segment */
	put(t, 0, 2);
	put(t, 0, 4);
	put(t, 0x01, 4);	/* IVHD_DEV_ALL */
}

static void put_ivmd(struct buf *t, uint8_t type, uint16_t devid, uint16_t aux, uint16_t segment,
		     uint64_t start, uint64_t length)
{
	put(t, type, 1);
	put(t, 0x07, 1);	/* unity, IR, IW */
	put(t, 32, 2);
	put(t, devid, 2);
	put(t, aux, 2);
	put(t, segment, 2);
	put(t, 0, 6);
	put(t, start, 8);
	put(t, length, 8);
}

/* A PCI function's first 64 config bytes. */
static void add_pci(struct resv_machine *m, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t class,
		    uint8_t header, uint8_t secondary, uint8_t subordinate)
{
	uint8_t c[64] = { 0x86, 0x80, 0x34, 0x12 };

	c[9] = (uint8_t)class;
	c[10] = (uint8_t)(class >> 8);
	c[11] = (uint8_t)(class >> 16);
	c[0x0e] = header;
	c[0x19] = secondary;
	c[0x1a] = subordinate;
	assert_int_equal(resv_machine_add_pci(m, 0, bus, dev, fn, c, sizeof(c)), 0);
}

/*
 * 00:00.0 host bridge; 00:06.0 PCI bridge to bus 5 (05:00.0 NIC); 00:1c.0
 * root port to 01-03: 01:00.0 switch upstream port to 02-03, 02:00.0
 * downstream port to 03, 03:00.0 NVMe; 00:14.0 USB; 00:1f.0 NTB-like
 * "other bridge" function (class 0x0680, normal header).
 */
static struct resv_machine *intel_machine(const struct buf *dmar)
{
	struct resv_machine *m;

	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_add_tables(m, dmar->b, dmar->n, "DMAR"), 1);
	add_pci(m, 0, 0, 0, 0x060000, 0, 0, 0);
	add_pci(m, 0, 6, 0, 0x060400, 1, 5, 5);
	add_pci(m, 5, 0, 0, 0x020000, 0, 0, 0);
	add_pci(m, 0, 0x1c, 0, 0x060400, 1, 1, 3);
	add_pci(m, 1, 0, 0, 0x060400, 1, 2, 3);
	add_pci(m, 2, 0, 0, 0x060400, 1, 3, 3);
	add_pci(m, 3, 0, 0, 0x010802, 0, 0, 0);
	add_pci(m, 0, 0x14, 0, 0x0c0330, 0, 0, 0);
	add_pci(m, 0, 0x1f, 0, 0x068000, 0, 0, 0);
	assert_int_equal(resv_machine_lint(m), 0);
	return m;
}

static size_t count_id(const struct resv_machine *m, const char *id, enum resv_severity *sev)
{
	const struct resv_diags *d = resv_machine_diags(m);
	size_t n = 0;

	for (size_t i = 0; i < resv_diags_count(d); i++)
		if (strcmp(resv_diags_get(d, i)->id, id) == 0) {
			n++;
			if (sev)
				*sev = resv_diags_get(d, i)->severity;
		}
	return n;
}

/* The kernel view of @device's predicted regions as sysfs prints it. */
static char *predicted(const struct resv_machine *m, const char *device, int *rc)
{
	struct resv_list *l, *k;
	char *text;
	size_t len;

	assert_int_equal(resv_list_new(&l), 0);
	*rc = resv_machine_predict(m, device, 0, l);
	assert_int_equal(resv_list_kernel_view(&k, l, NULL), 0);
	assert_int_equal(resv_format_sysfs(k, &text, &len), 0);
	resv_list_free(k);
	resv_list_free(l);
	return text;
}

#define MSI "0x00000000fee00000 0x00000000feefffff msi\n"

static void expect_regions(const struct resv_machine *m, const char *device, const char *want)
{
	int rc;
	char *got = predicted(m, device, &rc);

	assert_int_equal(rc, 0);
	if (strcmp(got, want) != 0)
		fail_msg("%s: predicted\n%sexpected\n%s", device, got, want);
	free(got);
}

/* dmar.c dmar_match_pci_path: paths from the root bus; the one-element workaround. */
static void test_scope_root_bus(void **state)
{
	static const struct scope fallback[] = { { 1, 3, { { 0, 0 } }, 1 } };
	static const struct scope two_from_bus1[] = { { 2, 1, { { 0, 0 }, { 0, 0 } }, 2 } };
	static const struct scope from_root[] = { { 1, 0, { { 0x1c, 0 }, { 0, 0 }, { 0, 0 },
							 { 0, 0 } }, 4 } };
	struct buf t;
	struct resv_machine *m;
	enum resv_severity sev;

	(void)state;
	table_start(&t, "DMAR");
	put_drhd(&t, 1, 0xfed90000, NULL, 0);
	/* 03:00.0 named by its own bus: the kernel's workaround matches it. */
	put_rmrr(&t, 0x7f000000, 0x7f0fffff, fallback, 1);
	/* From bus 1 (a root port's secondary bus) to 02:00.0: the kernel matches nothing. */
	put_rmrr(&t, 0x7e000000, 0x7e0fffff, two_from_bus1, 1);
	/* The same NVMe by its full path from bus 0. */
	put_rmrr(&t, 0x7d000000, 0x7d0fffff, from_root, 1);
	table_end(&t);
	m = intel_machine(&t);
	assert_null(resv_machine_iommu_off(m));
	expect_regions(m, "0000:03:00.0",
		       "0x000000007d000000 0x000000007d0fffff direct\n"
		       "0x000000007f000000 0x000000007f0fffff direct\n" MSI);
	expect_regions(m, "0000:02:00.0", MSI);
	assert_int_equal(count_id(m, "DMAR_SCOPE_FALLBACK", &sev), 1);
	assert_int_equal(sev, RESV_SEV_WARNING);
	assert_int_equal(count_id(m, "DMAR_SCOPE_NOT_ROOT_BUS", &sev), 1);
	assert_int_equal(sev, RESV_SEV_WARNING);
	assert_int_equal(count_id(m, "DMAR_SCOPE_ABSENT", NULL), 0);
	resv_machine_free(m);
}

static void expect_target(const struct resv_machine *m, size_t offset, enum resv_scope_match match,
			  const char *bdf, const char *reason_part)
{
	struct resv_scope_target t;

	assert_int_equal(resv_machine_dmar_scope(m, offset, &t), 0);
	if (t.match != match || strcmp(t.bdf, bdf) != 0 || !strstr(t.reason, reason_part))
		fail_msg("scope @0x%zx: %s \"%s\" (%s), expected %s \"%s\" (...%s...)", offset,
			 resv_scope_match_name(t.match), t.bdf, t.reason,
			 resv_scope_match_name(match), bdf, reason_part);
}

/*
 * tables shows the function each scope names: matched as dmar.c matches
 * endpoints and bridges, the source ID irq_remapping.c walks to for an
 * IOAPIC or HPET, an ACPI device's bus and devfn as given; without PCI
 * functions, what needs them is unresolved, never guessed.
 */
static void test_scope_target(void **state)
{
	static const struct scope unit[] = {
		{ 3, 0xf0, { { 0x1f, 0 } }, 1 },		/* @64: IOAPIC, one element */
		{ 4, 0, { { 0x1c, 0 }, { 0, 0 } }, 2 },		/* @72: HPET behind 00:1c.0 */
		{ 5, 0, { { 0x15, 1 } }, 1 },			/* @82: ACPI namespace device */
		{ 3, 0, { { 0x14, 0 }, { 0, 0 } }, 2 },		/* @90: "behind" a USB controller */
	};
	static const struct scope rmrr[] = {
		{ 1, 0, { { 0x1c, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } }, 4 },	/* @124 */
		{ 1, 3, { { 0, 0 } }, 1 },					/* @138 */
		{ 1, 0, { { 2, 0 } }, 1 },					/* @146 */
	};
	struct resv_scope_target t;
	struct resv_machine *m;
	struct buf b;

	(void)state;
	table_start(&b, "DMAR");
	put_drhd(&b, 1, 0xfed90000, unit, 4);
	assert_int_equal(b.n, 100);
	put_rmrr(&b, 0x7f000000, 0x7f0fffff, rmrr, 3);
	table_end(&b);

	/* The table alone. */
	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_add_tables(m, b.b, b.n, "DMAR"), 1);
	assert_int_equal(resv_machine_lint(m), 0);
	expect_target(m, 64, RESV_SCOPE_SOURCE_ID, "0000:f0:1f.0", "");
	expect_target(m, 72, RESV_SCOPE_UNRESOLVED, "", "secondary bus of 0000:00:1c.0");
	expect_target(m, 82, RESV_SCOPE_ACPI, "0000:00:15.1", "");
	expect_target(m, 124, RESV_SCOPE_UNRESOLVED, "", "no PCI functions");
	expect_target(m, 138, RESV_SCOPE_UNRESOLVED, "", "names 0000:03:00.0 if");
	assert_int_equal(resv_machine_dmar_scope(m, 66, &t), -ENOENT);
	resv_machine_free(m);

	m = intel_machine(&b);
	expect_target(m, 64, RESV_SCOPE_SOURCE_ID, "0000:f0:1f.0", "");
	expect_target(m, 72, RESV_SCOPE_SOURCE_ID, "0000:01:00.0", "");
	expect_target(m, 82, RESV_SCOPE_ACPI, "0000:00:15.1", "");
	expect_target(m, 90, RESV_SCOPE_NONE, "", "0000:00:14.0 (path element 0) is not a bridge");
	expect_target(m, 124, RESV_SCOPE_PATH, "0000:03:00.0", "");
	expect_target(m, 138, RESV_SCOPE_FALLBACK, "0000:03:00.0", "one-element workaround");
	expect_target(m, 146, RESV_SCOPE_NONE, "", "0000:00:02.0 (path element 0) does not exist");
	resv_machine_free(m);

	/* No DMAR at all. */
	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_dmar_scope(m, 64, &t), -ENOENT);
	resv_machine_free(m);
}

/* dmar.c dmar_insert_dev_scope: a scope of the wrong kind; intel_iommu_init gives up. */
static void test_scope_type_mismatch(void **state)
{
	static const struct scope endpoint_bridge[] = { { 1, 0, { { 6, 0 } }, 1 } };
	static const struct scope bridge_nic[] = { { 2, 5, { { 0, 0 } }, 1 } };
	static const struct scope bridge_ok[] = { { 2, 0, { { 6, 0 } }, 1 } };
	static const struct scope ntb[] = { { 2, 0, { { 0x1f, 0 } }, 1 }, { 1, 0, { { 0x14, 0 } }, 1 } };
	struct buf t;
	struct resv_machine *m;
	enum resv_severity sev;
	int rc;

	(void)state;
	/* An endpoint scope naming the PCI bridge 00:06.0 (the bench's case). */
	table_start(&t, "DMAR");
	put_drhd(&t, 1, 0xfed90000, NULL, 0);
	put_rmrr(&t, 0x7f000000, 0x7f0fffff, endpoint_bridge, 1);
	table_end(&t);
	m = intel_machine(&t);
	assert_non_null(resv_machine_iommu_off(m));
	assert_int_equal(count_id(m, "DMAR_SCOPE_TYPE_MISMATCH", &sev), 1);
	assert_int_equal(sev, RESV_SEV_ERROR);
	free(predicted(m, "0000:00:14.0", &rc));
	assert_int_equal(rc, 1);	/* no IOMMU: no device is behind one */
	resv_machine_free(m);

	/* A bridge scope naming a NIC, which is no bridge: off too. */
	table_start(&t, "DMAR");
	put_drhd(&t, 1, 0xfed90000, NULL, 0);
	put_rmrr(&t, 0x7f000000, 0x7f0fffff, bridge_nic, 1);
	table_end(&t);
	m = intel_machine(&t);
	assert_non_null(resv_machine_iommu_off(m));
	resv_machine_free(m);

	/* A bridge scope for a normal-header "other bridge" (NTB) is fine. */
	table_start(&t, "DMAR");
	put_drhd(&t, 1, 0xfed90000, NULL, 0);
	put_rmrr(&t, 0x7f000000, 0x7f0fffff, ntb, 2);
	table_end(&t);
	m = intel_machine(&t);
	assert_null(resv_machine_iommu_off(m));
	assert_int_equal(count_id(m, "DMAR_SCOPE_TYPE_MISMATCH", NULL), 0);
	expect_regions(m, "0000:00:14.0",
		       "0x000000007f000000 0x000000007f0fffff direct-relaxable\n" MSI);
	resv_machine_free(m);

	/*
	 * Scoped DRHDs are walked newest first (reverse table order) and the
	 * walk stops at the first scope naming the device: the second DRHD's
	 * right bridge scope hides the first one's wrong endpoint scope.
	 */
	table_start(&t, "DMAR");
	put_drhd(&t, 0, 0xfed90000, endpoint_bridge, 1);
	put_drhd(&t, 0, 0xfed91000, bridge_ok, 1);
	put_drhd(&t, 1, 0xfed92000, NULL, 0);
	table_end(&t);
	m = intel_machine(&t);
	assert_null(resv_machine_iommu_off(m));
	resv_machine_free(m);
	/* In the other order the wrong one is met first. */
	table_start(&t, "DMAR");
	put_drhd(&t, 0, 0xfed91000, bridge_ok, 1);
	put_drhd(&t, 0, 0xfed90000, endpoint_bridge, 1);
	put_drhd(&t, 1, 0xfed92000, NULL, 0);
	table_end(&t);
	m = intel_machine(&t);
	assert_non_null(resv_machine_iommu_off(m));
	resv_machine_free(m);
}

static void put_satc(struct buf *t, const struct scope *s, size_t n)
{
	put(t, 5, 2);
	put(t, 8 + scopes_len(s, n), 2);
	put(t, 1, 1);		/* ATC_REQUIRED */
	put(t, 0, 1);
	put(t, 0, 2);		/* segment */
	put_scopes(t, s, n);
}

/* dmar_iommu_notify_scope_dev walks SATC scopes from v5.12; v5.10 has no SATC. */
static void test_satc_by_version(void **state)
{
	static const struct scope endpoint_bridge[] = { { 1, 0, { { 6, 0 } }, 1 } };
	struct buf t;
	struct resv_machine *m;

	(void)state;
	table_start(&t, "DMAR");
	put_drhd(&t, 1, 0xfed90000, NULL, 0);
	put_satc(&t, endpoint_bridge, 1);
	table_end(&t);
	m = intel_machine(&t);	/* the newest rules */
	assert_non_null(resv_machine_iommu_off(m));
	resv_machine_set_kernel(m, 0x050a00);
	assert_null(resv_machine_iommu_off(m));
	resv_machine_set_kernel(m, 0x060100);
	assert_non_null(resv_machine_iommu_off(m));
	resv_machine_free(m);
}

/* A one-element scope from a non-root bus naming nothing: no workaround either. */
static void test_scope_not_root_absent(void **state)
{
	static const struct scope one[] = { { 1, 3, { { 5, 0 } }, 1 } };
	struct buf t;
	struct resv_machine *m;

	(void)state;
	table_start(&t, "DMAR");
	put_drhd(&t, 1, 0xfed90000, NULL, 0);
	put_rmrr(&t, 0x7f000000, 0x7f0fffff, one, 1);
	table_end(&t);
	m = intel_machine(&t);
	assert_int_equal(count_id(m, "DMAR_SCOPE_NOT_ROOT_BUS", NULL), 1);
	assert_int_equal(count_id(m, "DMAR_SCOPE_FALLBACK", NULL), 0);
	resv_machine_free(m);
}

/* intel/iommu.c: length = end - base + 1; end = base - 1 is zero-length. */
static void test_rmrr_zero_length(void **state)
{
	static const struct scope usb[] = { { 1, 0, { { 0x14, 0 } }, 1 } };
	struct buf t;
	struct resv_machine *m;

	(void)state;
	table_start(&t, "DMAR");
	put_drhd(&t, 1, 0xfed90000, NULL, 0);
	put_rmrr(&t, 0x7f000000, 0x7effffff, usb, 1);
	table_end(&t);
	m = intel_machine(&t);
	expect_regions(m, "0000:00:14.0",
		       "0x000000007f000000 0x000000007effffff direct-relaxable\n" MSI);
	resv_machine_free(m);
}

#define HT "0x000000fd00000000 0x000000ffffffffff reserved\n"

static struct resv_machine *amd_machine(const struct buf *ivrs, unsigned int kernel)
{
	struct resv_machine *m;

	assert_int_equal(resv_machine_new(&m), 0);
	resv_machine_set_kernel(m, kernel);
	assert_int_equal(resv_machine_add_tables(m, ivrs->b, ivrs->n, "IVRS"), 1);
	add_pci(m, 0, 0, 0, 0x060000, 0, 0, 0);
	add_pci(m, 0, 0, 2, 0x080600, 0, 0, 0);	/* the IOMMU */
	add_pci(m, 0, 3, 0, 0x020000, 0, 0, 0);
	add_pci(m, 0, 4, 0, 0x010802, 0, 0, 0);
	assert_int_equal(resv_machine_lint(m), 0);
	return m;
}

/* amd/init.c get_highest_supported_ivhd_type walks IVMDs as IVHDs. */
static void test_ivmd_iommu_id(void **state)
{
	static const uint8_t first_unknown[] = { 0x51, 0, 8, 0, 0x02, 0, 0, 0 };
	struct buf t;
	struct resv_machine *m;
	enum resv_severity sev;
	int rc;

	(void)state;
	table_start(&t, "IVRS");
	put_ivhd10(&t, 0x0002);
	put_ivmd(&t, 0x21, 0x0002, 0, 0, 0x1ffe0000, 0x1000);
	table_end(&t);
	m = amd_machine(&t, 0);
	assert_non_null(resv_machine_iommu_off(m));
	assert_int_equal(count_id(m, "IVRS_IVHD_TYPE_UNSUPPORTED", &sev), 1);
	assert_int_equal(sev, RESV_SEV_ERROR);
	free(predicted(m, "0000:00:03.0", &rc));
	assert_int_equal(rc, 1);
	resv_machine_free(m);

	/* The same IVMD for another device: AMD-Vi starts. */
	table_start(&t, "IVRS");
	put_ivhd10(&t, 0x0002);
	put_ivmd(&t, 0x21, 0x0018, 0, 0, 0x1ffe0000, 0x1000);
	table_end(&t);
	m = amd_machine(&t, 0);
	assert_null(resv_machine_iommu_off(m));
	assert_int_equal(count_id(m, "IVRS_IVHD_TYPE_UNSUPPORTED", NULL), 0);
	expect_regions(m, "0000:00:03.0", "0x000000001ffe0000 0x000000001ffe0fff direct\n" MSI HT);
	resv_machine_free(m);

	/* The first subtable's type is taken even when the walk stops there (0x51 > 0x40). */
	table_start(&t, "IVRS");
	memcpy(t.b + t.n, first_unknown, sizeof(first_unknown));
	t.n += sizeof(first_unknown);
	put_ivhd10(&t, 0x0002);
	table_end(&t);
	m = amd_machine(&t, 0);
	assert_non_null(resv_machine_iommu_off(m));
	resv_machine_free(m);
}

/*
 * The AMD aperture: the whole 64-bit space before v6.17 (dma_max_address
 * returned ~0ULL for v1, the bench's 5.10, 6.1 and 6.12 under QEMU), then
 * EFR[HATS] + 4 levels from the IVHD's EFR image; a type 10h IVHD carries
 * none, so 4 levels, 48 bits (the bench's 7.2 under QEMU).
 */
static void test_amd_aperture(void **state)
{
	static const struct {
		unsigned int kernel;
		bool known;
		uint64_t efr, last;
	} cases[] = {
		{ 0x050a00, false, 0, UINT64_MAX },
		{ 0x060c00, true, 0x800, UINT64_MAX },
		{ 0x061000, false, 0, UINT64_MAX },
		{ 0x061100, false, 0, (1ull << 48) - 1 },
		{ 0x070200, true, 0, (1ull << 48) - 1 },
		{ 0x070200, true, 0x400, (1ull << 57) - 1 },
		{ 0x070200, true, 0x206d73ef22254ade, UINT64_MAX },	/* HATS 2 */
		{ 0x070200, true, 0xc00, (1ull << 48) - 1 },	/* HATS 3: v2, 4 levels */
		{ 0, true, 0x800, UINT64_MAX },
	};
	struct resv_range r;
	const char *src;
	struct buf t;
	struct resv_machine *m;
	uint64_t efr = 1;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		src = NULL;
		assert_int_equal(resv_amd_aperture(cases[i].kernel,
						   cases[i].known ? &cases[i].efr : NULL, &r, &src), 0);
		assert_int_equal(r.start, 0);
		assert_int_equal(r.last, cases[i].last);
		assert_non_null(src);
	}
	table_start(&t, "IVRS");
	put_ivhd10(&t, 0x0002);
	table_end(&t);
	m = amd_machine(&t, 0x070200);
	assert_int_equal(resv_machine_amd_efr(m, &efr), 0);
	assert_int_equal(efr, 0);
	resv_machine_free(m);
	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_amd_efr(m, &efr), -ENODATA);
	resv_machine_free(m);
}

/* amd/init.c init_unity_map_range: PAGE_ALIGN start and length; 0 stays 0. */
static void test_ivmd_zero_length(void **state)
{
	struct buf t;
	struct resv_machine *m;

	(void)state;
	table_start(&t, "IVRS");
	put_ivhd10(&t, 0x0002);
	put_ivmd(&t, 0x21, 0x0018, 0, 0, 0x1ffe4800, 0);
	put_ivmd(&t, 0x21, 0x0020, 0, 0, 0x1ffe0001, 0x1001);
	table_end(&t);
	m = amd_machine(&t, 0);
	expect_regions(m, "0000:00:03.0", "0x000000001ffe5000 0x000000001ffe4fff direct\n" MSI HT);
	expect_regions(m, "0000:00:04.0", "0x000000001ffe1000 0x000000001ffe2fff direct\n" MSI HT);
	resv_machine_free(m);
}

/* A type 0x22 range whose last ID is below its first serves no device. */
static void test_ivmd_reversed_range(void **state)
{
	struct buf t;
	struct resv_machine *m;

	(void)state;
	table_start(&t, "IVRS");
	put_ivhd10(&t, 0x0002);
	put_ivmd(&t, 0x22, 0x0020, 0x0018, 0, 0x1ffe0000, 0x1000);
	table_end(&t);
	m = amd_machine(&t, 0);
	assert_int_equal(count_id(m, "IVRS_IVMD_REVERSED_RANGE", NULL), 1);
	assert_int_equal(count_id(m, "IVRS_IVMD_UNKNOWN_DEVICE", NULL), 0);
	expect_regions(m, "0000:00:03.0", MSI HT);
	expect_regions(m, "0000:00:04.0", MSI HT);
	resv_machine_free(m);
}

/* v6.0: an IVMD serves its own PCI segment only; v5.10 ignored the field. */
static void test_ivmd_segment(void **state)
{
	struct buf t;
	struct resv_machine *m;

	(void)state;
	table_start(&t, "IVRS");
	put_ivhd10(&t, 0x0002);
	put_ivmd(&t, 0x21, 0x0018, 0, 1, 0x1ffe0000, 0x1000);
	table_end(&t);
	m = amd_machine(&t, 0x060c00);
	expect_regions(m, "0000:00:03.0", MSI HT);
	assert_int_equal(count_id(m, "IVRS_IVMD_UNKNOWN_DEVICE", NULL), 1);
	resv_machine_free(m);
	m = amd_machine(&t, 0x050a00);
	expect_regions(m, "0000:00:03.0", "0x000000001ffe0000 0x000000001ffe0fff direct\n" MSI HT);
	assert_int_equal(count_id(m, "IVRS_IVMD_UNKNOWN_DEVICE", NULL), 0);
	resv_machine_free(m);
}

/*
 * VFIO refuses a group whose MSIs are not isolated (vfio_iommu_type1.c
 * vfio_iommu_type1_attach_group, EPERM), as real kernels did on Arm virt
 * with GICv2 (6.1, 6.12, 7.2) and on q35 with virtio-iommu (6.12).
 */
static struct resv_verdict msi_verdict(const struct resv_machine *m, const char *device,
				       unsigned int kernel)
{
	struct resv_verdict v = { .assignable = true };

	assert_int_equal(resv_machine_msi_verdict(m, &device, 1, kernel, &v), 0);
	return v;
}

/* An IORT whose root complex maps every requester ID to ITS group 0 (ITS ID 0). */
static void put_iort_its(struct buf *t)
{
	table_start(t, "IORT");
	t->n = 36;
	put(t, 2, 4);		/* node count */
	put(t, 48, 4);		/* node offset */
	put(t, 0, 4);
	/* ITS group at 48: header, ITS count 1, ITS ID 0. */
	put(t, 0, 1);
	put(t, 24, 2);
	put(t, 1, 1);
	put(t, 0, 4);		/* identifier */
	put(t, 0, 4);		/* mappings */
	put(t, 0, 4);
	put(t, 1, 4);
	put(t, 0, 4);
	/* Root complex at 72: 16 + 20 bytes, one mapping to the ITS group. */
	put(t, 2, 1);
	put(t, 56, 2);
	put(t, 3, 1);
	put(t, 1, 4);
	put(t, 1, 4);
	put(t, 36, 4);
	put(t, 0, 20);		/* memory properties, ATS, segment 0, address limit */
	put(t, 0, 4);		/* input base */
	put(t, 0xffff, 4);	/* count */
	put(t, 0, 4);		/* output base */
	put(t, 48, 4);		/* the ITS group */
	put(t, 0, 4);
	table_end(t);
}

/* A MADT: a GIC distributor of @version, then a GICv2m frame or a GIC ITS (ID 0). */
static void put_madt(struct buf *t, uint8_t version, bool its)
{
	table_start(t, "APIC");
	t->n = 44;		/* local APIC address, flags */
	put(t, 12, 1);
	put(t, 24, 1);
	put(t, 0, 18);
	put(t, version, 1);
	put(t, 0, 3);
	put(t, its ? 15 : 13, 1);
	put(t, its ? 20 : 24, 1);
	put(t, 0, its ? 18 : 22);
	table_end(t);
}

static struct resv_machine *arm_machine(const struct buf *madt, const char *cmdline)
{
	struct resv_machine *m;
	struct buf iort;

	put_iort_its(&iort);
	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_add_tables(m, iort.b, iort.n, "IORT"), 1);
	if (madt)
		assert_int_equal(resv_machine_add_tables(m, madt->b, madt->n, "APIC"), 0);
	add_pci(m, 0, 0, 0, 0x060000, 0, 0, 0);
	add_pci(m, 0, 4, 0, 0x0c0330, 0, 0, 0);
	if (cmdline)
		resv_machine_set_cmdline(m, cmdline);
	return m;
}

static void test_msi_isolation_arm(void **state)
{
	struct resv_machine *m;
	struct resv_verdict v;
	struct buf madt;

	(void)state;
	/* No MADT: QEMU's IORT names an ITS group even on GICv2; unknown. */
	m = arm_machine(NULL, NULL);
	v = msi_verdict(m, "0000:00:04.0", 0);
	assert_int_equal(v.msi, RESV_MSI_UNKNOWN);
	assert_true(v.assignable);
	resv_machine_free(m);
	/* GICv2 with a GICv2m frame: not isolated, refused on every kernel. */
	put_madt(&madt, 2, false);
	m = arm_machine(&madt, NULL);
	const unsigned int kernels[] = { 0x060100, 0x060c00, 0x070200, 0 };

	for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		v = msi_verdict(m, "0000:00:04.0", kernels[i]);
		assert_int_equal(v.msi, RESV_MSI_NOT_ISOLATED);
		assert_false(v.assignable);
		assert_non_null(strstr(v.reason, "allow_unsafe_interrupts=1"));
		assert_non_null(strstr(v.msi_reason, "GICv2m"));
	}
	/* An unknown device is an error, not a verdict. */
	const char *nodev = "0000:09:00.0";

	assert_int_equal(resv_machine_msi_verdict(m, &nodev, 1, 0, &v), -ENOENT);
	resv_machine_free(m);
	/* The command line allows unsafe interrupts: assignable, and the risk said. */
	m = arm_machine(&madt, "console=ttyAMA0 vfio_iommu_type1.allow_unsafe_interrupts=1 quiet");
	v = msi_verdict(m, "0000:00:04.0", 0);
	assert_int_equal(v.msi, RESV_MSI_NOT_ISOLATED);
	assert_true(v.assignable);
	assert_non_null(v.msi_unsafe_allowed);
	resv_machine_free(m);
	/* ...and =0 later on the line takes it back (the last one wins). */
	m = arm_machine(&madt, "vfio_iommu_type1.allow_unsafe_interrupts=1 "
			       "vfio_iommu_type1.allow_unsafe_interrupts=0");
	assert_false(msi_verdict(m, "0000:00:04.0", 0).assignable);
	resv_machine_free(m);
	/* GICv3 with the ITS the IORT names: isolated. */
	put_madt(&madt, 3, true);
	m = arm_machine(&madt, NULL);
	v = msi_verdict(m, "0000:00:04.0", 0);
	assert_int_equal(v.msi, RESV_MSI_ISOLATED);
	assert_true(v.assignable);
	resv_machine_free(m);
}

static void test_msi_isolation_intel(void **state)
{
	struct buf t;
	struct resv_machine *m;

	(void)state;
	for (int flags = 0; flags <= 1; flags++) {
		table_start(&t, "DMAR");
		t.b[37] = (uint8_t)flags;	/* bit 0: INTR_REMAP */
		put_drhd(&t, 1, 0xfed90000, NULL, 0);
		table_end(&t);
		m = intel_machine(&t);
		assert_int_equal(msi_verdict(m, "0000:05:00.0", 0).msi,
				 flags ? RESV_MSI_ISOLATED : RESV_MSI_NOT_ISOLATED);
		assert_int_equal(msi_verdict(m, "0000:05:00.0", 0x060100).assignable, flags);
		resv_machine_set_cmdline(m, "intremap=nosid,off");
		assert_int_equal(msi_verdict(m, "0000:05:00.0", 0).msi, RESV_MSI_NOT_ISOLATED);
		resv_machine_free(m);
	}
}

/*
 * virtio-iommu, QEMU 7.2 (bench virtio-x86-alias): a device behind a PCI
 * bridge fails its PROBE; 6.12 keeps the other groups, 7.2 registers none.
 */
static void test_virtio_alias_probe(void **state)
{
	struct resv_machine *m;
	struct buf t;
	uint8_t c[256] = { 0x86, 0x80, 0x34, 0x12 };

	(void)state;
	table_start(&t, "VIOT");
	t.n = 36;
	put(&t, 2, 2);		/* node count */
	put(&t, 48, 2);		/* node offset */
	put(&t, 0, 8);
	put(&t, 3, 1);		/* virtio-iommu-pci at 48: 00:01.0 */
	put(&t, 0, 1);
	put(&t, 16, 2);
	put(&t, 0, 2);
	put(&t, 0x0008, 2);
	put(&t, 0, 8);
	put(&t, 1, 1);		/* PCI range at 64: BDFs 0..0x7ff -> node 48 */
	put(&t, 0, 1);
	put(&t, 24, 2);
	put(&t, 0, 4);
	put(&t, 0, 2);
	put(&t, 0, 2);
	put(&t, 0, 2);
	put(&t, 0x7ff, 2);
	put(&t, 48, 2);
	put(&t, 0, 6);
	table_end(&t);
	assert_int_equal(resv_machine_new(&m), 0);
	assert_int_equal(resv_machine_add_tables(m, t.b, t.n, "VIOT"), 1);
	/* QEMU's Q35 host bridge (8086:29c0): a QEMU virtio-iommu. */
	uint8_t hb[64] = { 0x86, 0x80, 0xc0, 0x29, [10] = 0x00, [11] = 0x06 };

	assert_int_equal(resv_machine_add_pci(m, 0, 0, 0, 0, hb, sizeof(hb)), 0);
	add_pci(m, 0, 1, 0, 0x00ff00, 0, 0, 0);
	add_pci(m, 0, 2, 0, 0x020000, 0, 0, 0);
	resv_machine_set_kernel(m, 0x070200);
	assert_null(resv_machine_iommu_off(m));
	/* A conventional PCI bridge (256 bytes, no PCIe capability) to bus 6, a NIC behind it. */
	c[9] = 0;
	c[10] = 0x04;
	c[11] = 0x06;
	c[0x0e] = 1;
	c[0x19] = 6;
	c[0x1a] = 6;
	assert_int_equal(resv_machine_add_pci(m, 0, 0, 6, 0, c, sizeof(c)), 0);
	add_pci(m, 6, 1, 0, 0x020000, 0, 0, 0);
	assert_non_null(resv_machine_iommu_off(m));
	int rc;
	char *text = predicted(m, "0000:00:02.0", &rc);

	assert_int_equal(rc, 1);	/* no group for any device */
	free(text);
	resv_machine_set_kernel(m, 0x060c00);
	assert_null(resv_machine_iommu_off(m));
	/* 6.12: the device behind the bridge alone gets no group, and says why; the others do. */
	text = predicted(m, "0000:06:01.0", &rc);
	assert_int_equal(rc, 1);
	free(text);
	char why[512];

	assert_int_equal(resv_machine_no_group_reason(m, "0000:06:01.0", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "viommu_probe_endpoint"));
	text = predicted(m, "0000:00:02.0", &rc);
	assert_int_equal(rc, 0);
	free(text);
	/* Not a QEMU virtio-iommu: its PROBE is not known to fail. */
	resv_machine_set_kernel(m, 0x070200);
	assert_int_equal(resv_machine_assume(m, "viommu-resv", "none"), 0);
	assert_null(resv_machine_iommu_off(m));
	resv_machine_set_kernel(m, 0x060c00);
	text = predicted(m, "0000:06:01.0", &rc);
	assert_int_equal(rc, 0);
	free(text);
	assert_int_equal(resv_machine_no_group_reason(m, "0000:06:01.0", why, sizeof(why)), 0);
	resv_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_root_bus),
		cmocka_unit_test(test_scope_target),
		cmocka_unit_test(test_scope_type_mismatch),
		cmocka_unit_test(test_satc_by_version),
		cmocka_unit_test(test_scope_not_root_absent),
		cmocka_unit_test(test_rmrr_zero_length),
		cmocka_unit_test(test_ivmd_iommu_id),
		cmocka_unit_test(test_ivmd_zero_length),
		cmocka_unit_test(test_ivmd_reversed_range),
		cmocka_unit_test(test_ivmd_segment),
		cmocka_unit_test(test_amd_aperture),
		cmocka_unit_test(test_msi_isolation_arm),
		cmocka_unit_test(test_msi_isolation_intel),
		cmocka_unit_test(test_virtio_alias_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
