// SPDX-License-Identifier: MIT
/*
 * Guest layouts (the VMMs' own rules, at the sizes where they change) and
 * the guest check: severities by policy, the aperture, and the suggestions.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <iommu-resv.h>

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define TiB (1ull << 40)

struct want {
	uint64_t start, last;
	enum resv_guest_kind kind;
	const char *name;
};

struct preset_case {
	const char *name;
	struct resv_guest_config cfg;
	bool relocated;
	struct want want[4];	/* name NULL ends */
};

#define RAM RESV_GUEST_RAM
#define MMIO RESV_GUEST_MMIO

static const struct preset_case presets[] = {
	/* pc_q35_init: below 0xb0000000 (2816 MiB) all RAM stays low */
	{ "q35 2815M fits below 0xb0000000", { RESV_GUEST_Q35, 2815 * MiB, 0, false }, false,
	  { { 0, 2815 * MiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 36 * GiB - 1, MMIO, "pci-hole64" } } },
	{ "q35 2816M splits at 2G", { RESV_GUEST_Q35, 2816 * MiB, 0, false }, false,
	  { { 0, 2 * GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 4 * GiB + 768 * MiB - 1, RAM, "ram-above-4g" },
	    { 5 * GiB, 37 * GiB - 1, MMIO, "pci-hole64" } } },
	{ "q35 16G", { RESV_GUEST_Q35, 16 * GiB, 0, false }, false,
	  { { 0, 2 * GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 18 * GiB - 1, RAM, "ram-above-4g" },
	    { 18 * GiB, 50 * GiB - 1, MMIO, "pci-hole64" } } },
	{ "q35 max-ram-below-4g lowers the split", { RESV_GUEST_Q35, 2 * GiB, GiB, false }, false,
	  { { 0, GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 5 * GiB - 1, RAM, "ram-above-4g" },
	    { 5 * GiB, 37 * GiB - 1, MMIO, "pci-hole64" } } },
	{ "q35 max-ram-below-4g above the default changes nothing",
	  { RESV_GUEST_Q35, 2815 * MiB, 4 * GiB, false }, false,
	  { { 0, 2815 * MiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 36 * GiB - 1, MMIO, "pci-hole64" } } },
	/* pc_init1: below 3.5G all low, from 3.5G split at 3G */
	{ "pc 3583M fits below 3.5G", { RESV_GUEST_PC, 3583 * MiB, 0, false }, false,
	  { { 0, 3583 * MiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 6 * GiB - 1, MMIO, "pci-hole64" } } },
	{ "pc 3584M splits at 3G", { RESV_GUEST_PC, 3584 * MiB, 0, false }, false,
	  { { 0, 3 * GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 4 * GiB + 512 * MiB - 1, RAM, "ram-above-4g" },
	    { 5 * GiB, 7 * GiB - 1, MMIO, "pci-hole64" } } },
	/* pc_memory_init: the hole64 end reaching 0xfd00000000 moves RAM to 1T */
	{ "q35 978G amd: the hole64 ends just below the HT hole", { RESV_GUEST_Q35, 978 * GiB, 0, true },
	  false,
	  { { 0, 2 * GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 980 * GiB - 1, RAM, "ram-above-4g" },
	    { 980 * GiB, 0xfd00000000 - 1, MMIO, "pci-hole64" } } },
	{ "q35 978G+1M amd: relocated to 1T", { RESV_GUEST_Q35, 978 * GiB + MiB, 0, true }, true,
	  { { 0, 2 * GiB - 1, RAM, "ram-below-4g" },
	    { TiB, TiB + 976 * GiB + MiB - 1, RAM, "ram-above-4g" },
	    { TiB + 977 * GiB, TiB + 1009 * GiB - 1, MMIO, "pci-hole64" } } },
	{ "q35 1T without amd stays at 4G", { RESV_GUEST_Q35, TiB, 0, false }, false,
	  { { 0, 2 * GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, TiB + 2 * GiB - 1, RAM, "ram-above-4g" },
	    { TiB + 2 * GiB, TiB + 34 * GiB - 1, MMIO, "pci-hole64" } } },
	{ "virt: RAM from 1G", { RESV_GUEST_VIRT, 8 * GiB, 0, false }, false,
	  { { GiB, 9 * GiB - 1, RAM, "ram" } } },
	/* arch_memory_regions: RAM [0, 3G), then from 4G */
	{ "cloud-hypervisor 3G fits", { RESV_GUEST_CLOUD_HYPERVISOR, 3 * GiB, 0, false }, false,
	  { { 0, 3 * GiB - 1, RAM, "ram-below-4g" } } },
	{ "cloud-hypervisor 3G+1M splits at 3G",
	  { RESV_GUEST_CLOUD_HYPERVISOR, 3 * GiB + MiB, 0, false }, false,
	  { { 0, 3 * GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 4 * GiB + MiB - 1, RAM, "ram-above-4g" } } },
	{ "cloud-hypervisor 1T stays contiguous above 4G", { RESV_GUEST_CLOUD_HYPERVISOR, TiB, 0, false },
	  false,
	  { { 0, 3 * GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, TiB + GiB - 1, RAM, "ram-above-4g" } } },
	/* arch_memory_regions: gaps [3G, 4G) and [256G, 512G) */
	{ "firecracker 3G fits", { RESV_GUEST_FIRECRACKER, 3 * GiB, 0, false }, false,
	  { { 0, 3 * GiB - 1, RAM, "ram-below-4g" } } },
	{ "firecracker 3G+1M splits below the 1G gap",
	  { RESV_GUEST_FIRECRACKER, 3 * GiB + MiB, 0, false }, false,
	  { { 0, 3 * GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 4 * GiB + MiB - 1, RAM, "ram-above-4g" } } },
	{ "firecracker 255G ends at the 64-bit MMIO gap", { RESV_GUEST_FIRECRACKER, 255 * GiB, 0, false },
	  false,
	  { { 0, 3 * GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 256 * GiB - 1, RAM, "ram-above-4g" } } },
	{ "firecracker 255G+1M resumes at 512G",
	  { RESV_GUEST_FIRECRACKER, 255 * GiB + MiB, 0, false }, false,
	  { { 0, 3 * GiB - 1, RAM, "ram-below-4g" },
	    { 4 * GiB, 256 * GiB - 1, RAM, "ram-above-4g" },
	    { 512 * GiB, 512 * GiB + MiB - 1, RAM, "ram-above-512g" } } },
};

static void test_presets(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(presets) / sizeof(presets[0]); c++) {
		const struct preset_case *p = &presets[c];
		struct resv_guest_layout *l;
		size_t n = 0;

		print_message("%s\n", p->name);
		assert_int_equal(resv_guest_layout_preset(&l, &p->cfg), 0);
		while (n < 4 && p->want[n].name)
			n++;
		assert_int_equal(l->count, n);
		assert_int_equal(l->amd_relocated, p->relocated);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(l->ranges[i].start, p->want[i].start);
			assert_int_equal(l->ranges[i].last, p->want[i].last);
			assert_int_equal(l->ranges[i].kind, p->want[i].kind);
			assert_string_equal(l->ranges[i].name, p->want[i].name);
		}
		resv_guest_layout_free(l);
	}
}

static void test_preset_errors(void **state)
{
	struct resv_guest_layout *l = NULL;
	struct resv_guest_config zero = { RESV_GUEST_Q35, 0, 0, false };
	struct resv_guest_config big = { RESV_GUEST_Q35, GiB, 5 * GiB, false };
	struct resv_guest_config wrap = { RESV_GUEST_VIRT, UINT64_MAX, 0, false };
	struct resv_guest_config fc_wrap = { RESV_GUEST_FIRECRACKER, UINT64_MAX, 0, false };
	enum resv_guest_vmm v;

	(void)state;
	assert_int_equal(resv_guest_layout_preset(&l, &zero), -EINVAL);
	assert_int_equal(resv_guest_layout_preset(&l, &big), -EINVAL);
	assert_int_equal(resv_guest_layout_preset(&l, &wrap), -EINVAL);
	assert_int_equal(resv_guest_layout_preset(&l, &fc_wrap), -EINVAL);
	assert_null(l);
	assert_int_equal(resv_guest_vmm_parse("cloud-hypervisor", 16, &v), 0);
	assert_int_equal(v, RESV_GUEST_CLOUD_HYPERVISOR);
	assert_int_equal(resv_guest_vmm_parse("q3", 2, &v), -EINVAL);
	assert_string_equal(resv_guest_vmm_name(RESV_GUEST_FIRECRACKER), "firecracker");
	assert_null(resv_guest_vmm_name(RESV_GUEST_VMM_COUNT));
}

struct overlap_case {
	const char *name;
	struct resv_range r[4];	/* last 0 ends (every test range has last > 0) */
	int want;
	size_t first, second;
};

static const struct overlap_case overlaps[] = {
	{ "one range", { { 0, 0xfff } }, 0, 0, 0 },
	{ "touching ranges do not overlap", { { 0, 0xfff }, { 0x1000, 0x1fff } }, 0, 0, 0 },
	{ "a shared byte", { { 0, 0x1000 }, { 0x1000, 0x1fff } }, 1, 0, 1 },
	{ "found out of order, indices in layout order", { { 0x5000, 0x5fff }, { 0, 0x5000 } }, 1,
	  0, 1 },
	{ "one inside another", { { 0, 0xffff }, { 0x20000, 0x2ffff }, { 0x100, 0x1ff } }, 1, 0, 2 },
	{ "the lowest overlap wins", { { 0x9000, 0x9fff }, { 0x9800, 0xa7ff }, { 0, 0x7fff },
				       { 0x7000, 0x7fff } }, 1, 2, 3 },
	{ "a long range reaches past a short one", { { 0, 0xffff }, { 0x100, 0x1ff }, { 0x8000, 0x8fff } },
	  1, 0, 1 },
	{ "up to the top of the space", { { 0xfff, UINT64_MAX }, { UINT64_MAX, UINT64_MAX } }, 1, 0, 1 },
};

static void test_layout_overlap(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(overlaps) / sizeof(overlaps[0]); c++) {
		const struct overlap_case *o = &overlaps[c];
		struct resv_guest_layout *l;
		size_t a = 99, b = 99;

		print_message("%s\n", o->name);
		assert_int_equal(resv_guest_layout_new(&l), 0);
		for (size_t i = 0; i < 4 && o->r[i].last; i++)
			assert_int_equal(resv_guest_layout_add(l, o->r[i].start, o->r[i].last,
							       i % 2 ? MMIO : RAM, NULL), 0);
		assert_int_equal(resv_guest_layout_overlap(l, &a, &b), o->want);
		if (o->want) {
			assert_int_equal(a, o->first);
			assert_int_equal(b, o->second);
		} else {
			assert_int_equal(a, 99);
		}
		resv_guest_layout_free(l);
	}
}

/* xl.cfg(5) rdm_mem_boundary example: two IGD RMRRs, memory=2800. */
static struct resv_list *xen_regions(void)
{
	struct resv_list *l;

	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(resv_list_add(l, 0xac6d3000, 0xac6e6fff, RESV_TYPE_DIRECT_RELAXABLE, 3,
				       "DMAR RMRR #0", "0000:00:02.0"), 0);
	assert_int_equal(resv_list_add(l, 0xad800000, 0xafffffff, RESV_TYPE_DIRECT_RELAXABLE, 3,
				       "DMAR RMRR #1", "0000:00:02.0"), 0);
	assert_int_equal(resv_list_add(l, 0xfee00000, 0xfeefffff, RESV_TYPE_MSI, 0,
				       "x86 MSI window", "0000:00:02.0"), 0);
	return l;
}

static const struct resv_range ap48 = { 0, (1ull << 48) - 1 };

struct check_case {
	const char *name;
	unsigned int flags;
	struct resv_device_policy policy;	/* device NULL: none */
	enum resv_severity sev;
};

static const struct check_case checks[] = {
	{ "relaxed: relaxable conflicts warn", 0, { NULL, false }, RESV_SEV_WARNING },
	{ "strict: relaxable conflicts are errors", RESV_CHECK_STRICT, { NULL, false },
	  RESV_SEV_ERROR },
	{ "the device's strict overrides a relaxed global", 0, { "0000:00:02.0", true },
	  RESV_SEV_ERROR },
	{ "the device's relaxed overrides a strict global", RESV_CHECK_STRICT,
	  { "0000:00:02.0", false }, RESV_SEV_WARNING },
	{ "another device's policy does not apply", RESV_CHECK_STRICT, { "0000:00:14.0", false },
	  RESV_SEV_ERROR },
};

static void test_check_policy(void **state)
{
	struct resv_list *regs = xen_regions();
	struct resv_guest_layout *l;

	(void)state;
	assert_int_equal(resv_guest_layout_new(&l), 0);
	assert_int_equal(resv_guest_layout_add(l, 0, 2800 * MiB - 1, RAM, NULL), 0);
	for (size_t c = 0; c < sizeof(checks) / sizeof(checks[0]); c++) {
		struct resv_conflicts *k;

		print_message("%s\n", checks[c].name);
		assert_int_equal(resv_guest_check(&k, l, regs, ap48, checks[c].flags,
						  &checks[c].policy, checks[c].policy.device ? 1 : 0),
				 0);
		assert_int_equal(k->count, 2);
		assert_int_equal(k->items[0].kind, RESV_CONFLICT_REGION);
		assert_int_equal(k->items[0].region, 0);
		assert_int_equal(k->items[0].overlap.start, 0xac6d3000);
		assert_int_equal(k->items[0].overlap.last, 0xac6e6fff);
		assert_int_equal(k->items[1].overlap.start, 0xad800000);
		assert_int_equal(k->items[1].overlap.last, 2800 * MiB - 1);
		assert_int_equal(k->items[0].severity, checks[c].sev);
		assert_int_equal(k->items[1].severity, checks[c].sev);
		resv_conflicts_free(k);
	}
	resv_guest_layout_free(l);
	resv_list_free(regs);
}

static void test_check_kinds(void **state)
{
	struct resv_list *regs;
	struct resv_guest_layout *l;
	struct resv_conflicts *k;
	const struct resv_range ap39 = { 0, (1ull << 39) - 1 };

	(void)state;
	assert_int_equal(resv_list_new(&regs), 0);
	assert_int_equal(resv_list_add(regs, 0x8000000, 0x80fffff, RESV_TYPE_SW_MSI, 0x1a, "SMMU",
				       NULL), 0);
	assert_int_equal(resv_list_add_length(regs, 0x9000000, 0, RESV_TYPE_RESERVED, 0, "z",
					      NULL), 0);
	assert_int_equal(resv_guest_layout_new(&l), 0);
	assert_int_equal(resv_guest_layout_add(l, 0, 1ull << 40, RAM, "ram"), 0);
	assert_int_equal(resv_guest_layout_add(l, 0x8000000, 0x8000fff, MMIO, "bar"), 0);
	assert_int_equal(resv_guest_check(&k, l, regs, ap39, 0, NULL, 0), 0);
	/* a non-relaxable region, RAM above the aperture, an MMIO overlap */
	assert_int_equal(k->count, 3);
	assert_int_equal(k->items[0].kind, RESV_CONFLICT_REGION);
	assert_int_equal(k->items[0].severity, RESV_SEV_ERROR);
	assert_int_equal(k->items[1].kind, RESV_CONFLICT_APERTURE);
	assert_int_equal(k->items[1].overlap.start, 1ull << 39);
	assert_int_equal(k->items[1].overlap.last, 1ull << 40);
	assert_int_equal(k->items[1].severity, RESV_SEV_ERROR);
	assert_int_equal(k->items[2].range, 1);
	assert_int_equal(k->items[2].severity, RESV_SEV_WARNING);
	resv_conflicts_free(k);
	assert_int_equal(resv_guest_check(&k, l, regs, ap39, 2, NULL, 0), -EINVAL);
	assert_int_equal(resv_guest_check(&k, l, regs, (struct resv_range){ 2, 1 }, 0, NULL, 0),
			 -EINVAL);
	assert_int_equal(resv_guest_layout_add(l, 2, 1, RAM, NULL), -EINVAL);
	resv_guest_layout_free(l);
	resv_list_free(regs);
}

static void test_fit_and_suggest(void **state)
{
	struct resv_list *regs = xen_regions();
	struct resv_guest_config q35 = { RESV_GUEST_Q35, 2800 * MiB, 0, false }, s;
	struct resv_guest_config virt = { RESV_GUEST_VIRT, 2800 * MiB, 0, false };
	uint64_t size;

	(void)state;
	/* relaxed: nothing to fix */
	assert_int_equal(resv_guest_fit_ram(&size, &q35, regs, ap48, 0, NULL, 0), 0);
	assert_int_equal(size, 2800 * MiB);
	/* strict: RAM must end below 0xac6d3000 */
	assert_int_equal(resv_guest_fit_ram(&size, &q35, regs, ap48, RESV_CHECK_STRICT, NULL, 0),
			 0);
	assert_int_equal(size, 2758 * MiB);
	assert_int_equal(resv_guest_suggest(&s, &q35, regs, ap48, RESV_CHECK_STRICT, NULL, 0), 0);
	assert_int_equal(s.max_ram_below_4g, 0xac600000);
	assert_int_equal(s.ram_size, 2800 * MiB);
	assert_int_equal(resv_guest_suggest(&s, &virt, regs, ap48, 0, NULL, 0), -EOPNOTSUPP);
	resv_list_free(regs);
}

static void test_suggest_amd(void **state)
{
	struct resv_list *regs;
	struct resv_guest_config c = { RESV_GUEST_Q35, TiB, 0, false }, s;
	uint64_t size;

	(void)state;
	assert_int_equal(resv_list_new(&regs), 0);
	assert_int_equal(resv_list_add(regs, 0xfd00000000, 0xffffffffff, RESV_TYPE_RESERVED, 0,
				       "AMD HyperTransport hole", NULL), 0);
	assert_int_equal(resv_guest_suggest(&s, &c, regs, ap48, 0, NULL, 0), 0);
	assert_true(s.amd);
	assert_int_equal(s.max_ram_below_4g, 0);
	/* RAM ends where the HT hole starts: 4G + size - 2G = 0xfd00000000 */
	assert_int_equal(resv_guest_fit_ram(&size, &c, regs, ap48, 0, NULL, 0), 0);
	assert_int_equal(size, 0xfd00000000 - 2 * GiB);
	resv_list_free(regs);
}

static void test_relocate(void **state)
{
	struct resv_list *regs = xen_regions();
	struct resv_guest_layout *l, *r;
	static const struct want want[] = {
		{ 0, 0xac5fffff, RAM, "ram" },
		{ 0xac800000, 0xad7fffff, RAM, "ram" },
		{ 0x100000000, 0x100000000 + 26 * MiB - 1, RAM, "ram-relocated" },
	};

	(void)state;
	assert_int_equal(resv_guest_layout_new(&l), 0);
	assert_int_equal(resv_guest_layout_add(l, 0, 2800 * MiB - 1, RAM, NULL), 0);
	assert_int_equal(resv_guest_relocate(&r, l, regs, ap48, RESV_CHECK_STRICT, NULL, 0), 0);
	assert_int_equal(r->count, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(r->ranges[i].start, want[i].start);
		assert_int_equal(r->ranges[i].last, want[i].last);
		assert_string_equal(r->ranges[i].name, want[i].name);
	}
	resv_guest_layout_free(r);
	/* nothing moves when nothing is an error */
	assert_int_equal(resv_guest_relocate(&r, l, regs, ap48, 0, NULL, 0), 0);
	assert_int_equal(r->count, 1);
	resv_guest_layout_free(r);
	/* no room below a 32-bit aperture */
	assert_int_equal(resv_guest_relocate(&r, l, regs, (struct resv_range){ 0, 0xffffffff },
					     RESV_CHECK_STRICT, NULL, 0), -ENOSPC);
	resv_guest_layout_free(l);
	resv_list_free(regs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_preset_errors),
		cmocka_unit_test(test_layout_overlap),
		cmocka_unit_test(test_check_policy),
		cmocka_unit_test(test_check_kinds),
		cmocka_unit_test(test_fit_and_suggest),
		cmocka_unit_test(test_suggest_amd),
		cmocka_unit_test(test_relocate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
