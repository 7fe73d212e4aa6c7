// SPDX-License-Identifier: MIT
/*
 * The Arm rules that need the whole machine: IORT RMRs reach a PCI device
 * only when its host bridge preserves the firmware's configuration (an
 * assumption, stated), and two devices that share a stream ID through a
 * PCIe-to-PCI bridge's DMA alias: arm-smmu-v3 takes the first and refuses
 * the second. On tests/data/arm/IORT (the table of test_predict_arm.c):
 * requester ID 0x0100 goes to stream 0x1000, which RMR A names; 0x0108 to
 * stream 0x1008, which no RMR names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <iommu-resv.h>

#include "../common/corpus.h"

#define HOST_BRIDGE	0x060000
#define PCI_BRIDGE	0x060400

/*
 * A 256-byte config space: a type 1 header when @secondary, a PCI Express
 * capability of port type @pcie_type at 0x40 unless it is negative (a
 * conventional PCI function: no capability list).
 */
static void config(uint8_t c[256], uint32_t class, int pcie_type, int secondary)
{
	memset(c, 0, 256);
	c[0] = 0xe5, c[1] = 0x19, c[2] = 0x00, c[3] = 0xa0;	/* 19e5:a000 */
	c[9] = (uint8_t)class, c[10] = (uint8_t)(class >> 8), c[11] = (uint8_t)(class >> 16);
	if (secondary >= 0) {
		c[0x0e] = 1;
		c[0x19] = (uint8_t)secondary;
		c[0x1a] = (uint8_t)secondary;
	}
	if (pcie_type >= 0) {
		c[0x06] = 0x10;			/* status: capability list */
		c[0x34] = 0x40;
		c[0x40] = 0x10;			/* PCI_CAP_ID_EXP, last in the list */
		c[0x42] = (uint8_t)(pcie_type << 4 | 2);
	}
}

/*
 * 00:02.0, a PCIe-to-PCI bridge (type 7) to bus 1, where two conventional
 * functions sit: 01:00.0 (its own ID is the alias, 0x0100) and 01:01.0
 * (0x0108, alias 0x0100). Bus 4 holds 04:1f.7, alone (stream 0x20ff, RMR C).
 */
static struct resv_machine *arm_machine(void)
{
	struct resv_machine *m;
	uint8_t c[256];
	char *buf;
	size_t len;

	assert_int_equal(resv_machine_new(&m), 0);
	buf = slurp(SRCDIR "/tests/data/arm/IORT", &len);
	assert_non_null(buf);
	assert_int_equal(resv_machine_add_tables(m, buf, len, "IORT"), 1);
	free(buf);
	config(c, PCI_BRIDGE, 7, 1);
	assert_int_equal(resv_machine_add_pci(m, 0, 0, 2, 0, c, sizeof(c)), 0);
	config(c, 0x020000, -1, -1);
	assert_int_equal(resv_machine_add_pci(m, 0, 1, 0, 0, c, sizeof(c)), 0);
	config(c, 0x0c0330, -1, -1);
	assert_int_equal(resv_machine_add_pci(m, 0, 1, 1, 0, c, sizeof(c)), 0);
	config(c, 0x088000, 0, -1);	/* a PCIe endpoint */
	assert_int_equal(resv_machine_add_pci(m, 0, 4, 0x1f, 7, c, sizeof(c)), 0);
	return m;
}

struct want {
	size_t n;
	struct { uint64_t start, last; enum resv_type type; } r[4];
};

static void predicts(const struct resv_machine *m, const char *dev, int rc, const struct want *w)
{
	struct resv_list *l;
	int got;

	assert_int_equal(resv_list_new(&l), 0);
	got = resv_machine_predict(m, dev, 0, l);
	if (got != rc)
		fail_msg("%s: resv_machine_predict gave %d, not %d", dev, got, rc);
	if (resv_list_count(l) != w->n)
		fail_msg("%s: %zu regions, not %zu", dev, resv_list_count(l), w->n);
	for (size_t i = 0; i < w->n; i++) {
		const struct resv_region *r = resv_list_region(l, i);

		if (r->start != w->r[i].start || r->last != w->r[i].last || r->type != w->r[i].type)
			fail_msg("%s: region %zu is [0x%llx, 0x%llx] type %d", dev, i,
				 (unsigned long long)r->start, (unsigned long long)r->last, r->type);
	}
	resv_list_free(l);
}

#define SW_MSI { 0x8000000, 0x80fffff, RESV_TYPE_SW_MSI }
#define RMR_A { 0x80000000, 0x800fffff, RESV_TYPE_DIRECT_RELAXABLE }, \
	      { 0x90000000, 0x90001fff, RESV_TYPE_DIRECT_RELAXABLE }
#define RMR_C { 0xc0000000, 0xc001ffff, RESV_TYPE_DIRECT }

/* iort.c iort_rmr_has_dev: no preserve_config, no RMR for a PCI device. */
static void test_preserve_config(void **state)
{
	static const struct want with = { 3, { SW_MSI, RMR_A } }, without = { 1, { SW_MSI } };
	static const struct want c_with = { 2, { SW_MSI, RMR_C } };
	struct resv_machine *m = arm_machine();
	const char *why = NULL;

	(void)state;
	assert_string_equal(resv_machine_assumption(m, "preserve-config", &why), "yes");
	assert_non_null(strstr(why, "default"));
	predicts(m, "0000:01:00.0", 0, &with);
	predicts(m, "0000:04:1f.7", 0, &c_with);
	assert_int_equal(resv_machine_assumption_matters(m, "0000:01:00.0", "preserve-config"), 1);
	assert_int_equal(resv_machine_assumption_matters(m, "0000:04:1f.7", "preserve-config"), 1);
	/* A device no RMR names, and the bridge (stream 0x0010, RMR B's: it is named). */
	assert_int_equal(resv_machine_assumption_matters(m, "0000:00:02.0", "preserve-config"), 1);
	assert_int_equal(resv_machine_assumption_matters(m, "0000:01:01.0", "preserve-config"), 0);

	assert_int_equal(resv_machine_assume(m, "preserve-config", "no"), 0);
	assert_string_equal(resv_machine_assumption(m, "preserve-config", &why), "no");
	assert_string_equal(why, "given");
	predicts(m, "0000:01:00.0", 0, &without);
	predicts(m, "0000:04:1f.7", 0, &without);
	assert_int_equal(resv_machine_assumption_matters(m, "0000:01:00.0", "preserve-config"), 1);

	assert_int_equal(resv_machine_assume(m, "preserve-config", ""), 0);
	assert_string_equal(resv_machine_assumption(m, "preserve-config", NULL), "yes");
	assert_int_equal(resv_machine_assume(m, "preserve-config", "maybe"), -EINVAL);
	assert_int_equal(resv_machine_assume(m, "no-such-thing", "yes"), -EINVAL);
	assert_null(resv_machine_assumption(m, "no-such-thing", NULL));
	assert_int_equal(resv_machine_assumption_matters(m, "0000:01:00.0", "x"), -EINVAL);
	assert_int_equal(resv_machine_assumption_matters(m, "0000:09:00.0", "preserve-config"),
			 -ENOENT);
	resv_machine_free(m);
}

/*
 * pci_for_each_dma_alias: 01:01.0's DMA also carries (bus 1, devfn 0), the
 * bridge's alias, which is 01:00.0's own ID. arm_smmu_insert_master refuses
 * the second device with a stream already in the tree; the first keeps its
 * own duplicate (v6.15 fix). Before the tree (v5.10) both probe (and the
 * kernel reads no RMR yet).
 */
static void test_stream_alias(void **state)
{
	static const struct want first = { 3, { SW_MSI, RMR_A } }, none = { 0 };
	static const struct want msi_only = { 1, { SW_MSI } };
	struct resv_machine *m = arm_machine();
	char why[512];

	(void)state;
	predicts(m, "0000:01:00.0", 0, &first);
	predicts(m, "0000:01:01.0", 1, &none);
	assert_int_equal(resv_machine_no_group_reason(m, "0000:01:00.0", why, sizeof(why)), 0);
	assert_int_equal(resv_machine_no_group_reason(m, "0000:01:01.0", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "stream ID 0x1000 (4096)"));
	assert_non_null(strstr(why, "PCIe-to-PCI bridge 0000:00:02.0"));
	assert_non_null(strstr(why, "also 0000:01:00.0's"));
	assert_non_null(strstr(why, "stream 4096 already in tree"));
	assert_int_equal(resv_machine_no_group_reason(m, "0000:09:00.0", why, sizeof(why)),
			 -ENOENT);

	/* v5.10: no stream tree, so both probe; and no RMR support at all. */
	resv_machine_set_kernel(m, 5 << 16 | 10 << 8);
	predicts(m, "0000:01:00.0", 0, &msi_only);
	predicts(m, "0000:01:01.0", 0, &msi_only);
	assert_int_equal(resv_machine_no_group_reason(m, "0000:01:01.0", why, sizeof(why)), 0);
	resv_machine_free(m);
}

/*
 * iort_node_get_rmr_info skipped ID mappings of one ID (count 0) from v6.0
 * to v6.4; RMR A is one. 6.1 got the fix in its stable series (6.1.42).
 */
static void test_rmr_single_id_mapping(void **state)
{
	static const struct want with = { 3, { SW_MSI, RMR_A } }, without = { 1, { SW_MSI } };
	static const struct { unsigned int kernel; const struct want *w; } cases[] = {
		{ 0, &with }, { 5 << 16 | 15 << 8, &without }, { 6 << 16, &without },
		{ 6 << 16 | 1 << 8, &with }, { 6 << 16 | 2 << 8, &without },
		{ 6 << 16 | 4 << 8, &without }, { 6 << 16 | 5 << 8, &with },
		{ 6 << 16 | 12 << 8, &with },
	};
	struct resv_machine *m = arm_machine();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		resv_machine_set_kernel(m, cases[i].kernel);
		predicts(m, "0000:01:00.0", 0, cases[i].w);
	}
	resv_machine_free(m);
}

/* A DSDT of @len bytes, with the PCI _DSM's ToUUID buffer at 0x40 when @dsm. */
static void aml(uint8_t *t, size_t len, const char *sig, bool dsm)
{
	static const uint8_t uuid[16] = { 0xd0, 0x37, 0xc9, 0xe5, 0x53, 0x35, 0x7a, 0x4d,
					  0x91, 0x17, 0xea, 0x4d, 0x19, 0xc3, 0x43, 0x4d };

	memset(t, 0, len);
	memcpy(t, sig, 4);
	put32(t + 4, (uint32_t)len);
	if (dsm)
		memcpy(t + 0x40, uuid, sizeof(uuid));
}

/*
 * The AML cannot be evaluated, but a DSDT and SSDTs without the PCI _DSM's
 * UUID cannot answer function 5: preserve_config is off, a fact.
 */
static void test_preserve_config_from_aml(void **state)
{
	static const struct want with = { 3, { SW_MSI, RMR_A } }, without = { 1, { SW_MSI } };
	struct resv_machine *m = arm_machine();
	uint8_t t[0x80];
	const char *why;

	(void)state;
	aml(t, sizeof(t), "DSDT", false);
	assert_int_equal(resv_machine_add_tables(m, t, sizeof(t), "DSDT"), 0);
	assert_string_equal(resv_machine_assumption(m, "preserve-config", &why), "no");
	assert_non_null(strstr(why, "hold no PCI _DSM"));
	predicts(m, "0000:01:00.0", 0, &without);
	/* An SSDT with the UUID: a _DSM exists, function 5 is assumed to say keep. */
	aml(t, sizeof(t), "SSDT", true);
	assert_int_equal(resv_machine_add_tables(m, t, sizeof(t), "SSDT1"), 0);
	assert_string_equal(resv_machine_assumption(m, "preserve-config", &why), "yes");
	assert_non_null(strstr(why, "SSDT1 holds the PCI _DSM UUID"));
	predicts(m, "0000:01:00.0", 0, &with);
	/* Given, it wins over what the AML suggests. */
	assert_int_equal(resv_machine_assume(m, "preserve-config", "no"), 0);
	predicts(m, "0000:01:00.0", 0, &without);
	resv_machine_free(m);
}

/*
 * A host bridge _DSM that is a tree of constants is read, not run (lib/firmware/aml.c).
 * QEMU 7.2's arm virt (hw/pci-host/gpex-acpi.c) answers function 0 with 0x01
 * and everything else with Buffer {0}: function 5 is not Integer 0, and
 * 6.1, 6.12 and 7.2 gave PCI devices no RMR region (bench arm-rmr-nodsm).
 */
static void put_dsm(uint8_t *t, size_t len, const uint8_t *body, size_t blen)
{
	static const uint8_t head[] = { 0x14, 0, '_', 'D', 'S', 'M', 0x04 };

	memset(t, 0, len);
	memcpy(t, "DSDT", 4);
	put32(t + 4, (uint32_t)len);
	assert_true(0x24 + sizeof(head) + blen <= len);
	memcpy(t + 0x24, head, sizeof(head));
	t[0x25] = (uint8_t)(1 + 4 + 1 + blen);	/* PkgLength, one byte */
	memcpy(t + 0x24 + sizeof(head), body, blen);
}

#define PCI_UUID 0xd0, 0x37, 0xc9, 0xe5, 0x53, 0x35, 0x7a, 0x4d, \
		 0x91, 0x17, 0xea, 0x4d, 0x19, 0xc3, 0x43, 0x4d

static void test_preserve_config_dsm_read(void **state)
{
	/* If (Arg0 == ToUUID) { If (Arg2 == 0) { Return (Buffer {0x01}) } } Return (Buffer {0}) */
	static const uint8_t qemu72[] = {
		0xa0, 0x21, 0x93, 0x68, 0x11, 0x13, 0x0a, 0x10, PCI_UUID,
		0xa0, 0x09, 0x93, 0x6a, 0x00, 0xa4, 0x11, 0x03, 0x01, 0x01,
		0xa4, 0x11, 0x03, 0x01, 0x00,
	};
	/* The same, function 0 lists 0 and 5 (0x21), and If (Arg2 == 5) { Return (Zero) }. */
	static const uint8_t keeps[] = {
		0xa0, 0x29, 0x93, 0x68, 0x11, 0x13, 0x0a, 0x10, PCI_UUID,
		0xa0, 0x09, 0x93, 0x6a, 0x00, 0xa4, 0x11, 0x03, 0x01, 0x21,
		0xa0, 0x07, 0x93, 0x6a, 0x0a, 0x05, 0xa4, 0x00,
		0xa4, 0x11, 0x03, 0x01, 0x00,
	};
	/* Function 5 returns Local0 (0x60): computed, not read; stays assumed. */
	static const uint8_t computed[] = {
		0xa0, 0x19, 0x93, 0x68, 0x11, 0x13, 0x0a, 0x10, PCI_UUID,
		0xa4, 0x60,
	};
	static const struct {
		const uint8_t *body;
		size_t len;
		const char *value, *why;
	} cases[] = {
		{ qemu72, sizeof(qemu72), "no", "function 5 returns a 1-byte Buffer" },
		{ keeps, sizeof(keeps), "yes", "function 5 returns Integer 0x0" },
		{ computed, sizeof(computed), "yes", "is not read here" },
	};
	uint8_t t[0x80];
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resv_machine *m = arm_machine();

		put_dsm(t, sizeof(t), cases[i].body, cases[i].len);
		assert_int_equal(resv_machine_add_tables(m, t, sizeof(t), "DSDT"), 0);
		assert_string_equal(resv_machine_assumption(m, "preserve-config", &why),
				    cases[i].value);
		assert_non_null(strstr(why, cases[i].why));
		/* Every cut of the table is read without reading past it. */
		for (size_t cut = 0x24; cut < 0x24 + 7 + cases[i].len; cut++) {
			struct resv_machine *c = arm_machine();

			put32(t + 4, (uint32_t)cut);
			resv_machine_add_tables(c, t, cut, "DSDT");
			resv_machine_free(c);
		}
		resv_machine_free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preserve_config),
		cmocka_unit_test(test_stream_alias),
		cmocka_unit_test(test_preserve_config_dsm_read),
		cmocka_unit_test(test_preserve_config_from_aml),
		cmocka_unit_test(test_rmr_single_id_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
