/* SPDX-License-Identifier: MIT */
/*
 * ACS as the kernel sees it when it forms IOMMU groups (drivers/pci/pci.c
 * pci_acs_enabled, pci_enable_acs, the pci= command-line knobs); internal.
 */
#ifndef RESV_ACS_H
#define RESV_ACS_H

#include "quirks.h"

/* What the kernel command line says about ACS (pci= options, early_param "pci"). */
struct acs_cmdline {
	char disable_acs_redir[1024];	/* pci=disable_acs_redir=<list> (v4.19), "" if none */
	char config_acs[1024];		/* pci=config_acs=<flags>@<dev>;... (v6.11), "" if none */
	bool has_disable_acs_redir, has_config_acs;
	bool noats;			/* pci=noats */
};

/* Fill @out from the kernel command line @cmdline (NULL or "" for none). */
void acs_cmdline_parse(const char *cmdline, struct acs_cmdline *out);

/*
 * drivers/pci/pci.c pci_dev_str_match(): does the device-list entry at @p
 * name @d? *@end is set past the entry. Return: 1, 0, or -EINVAL when the
 * entry cannot be parsed (the kernel then stops reading the list).
 */
int acs_dev_str_match(const struct pci_topology *t, const struct pci_dev *d, const char *p,
		      const char **end);

/* One function's ACS after the kernel's boot-time steps. */
struct acs_replay {
	uint16_t ctrl;		/* ACS Control after pci_enable_acs and the command line */
	const char *enable_quirk;	/* pci_dev_acs_ops[] entry that enabled it instead, or NULL */
	bool redir_disabled;	/* pci=disable_acs_redir= named it */
	bool configured;	/* pci=config_acs= named it */
	bool config_bad;	/* a config_acs= entry for it could not be read */
};

/*
 * pci_enable_acs() for @d (called from pci_acs_init when the device is
 * enumerated): with @requested (an IOMMU driver called pci_request_acs()
 * before enumeration), the quirk enabler (pci_dev_acs_ops[], which may
 * write @d's nonstandard control word: acs_quirk_enable) or
 * pci_std_enable_acs (Control |= Capability & (SV | RR | CR | UF)); then
 * disable_acs_redir= and config_acs= as kernel ctx->kernel reads them. @d
 * is the caller's copy: the quirks' writes land in it.
 */
void acs_replay(const struct pci_topology *t, struct pci_dev *d, const struct acs_cmdline *cl,
		const struct quirk_ctx *ctx, bool requested, struct acs_replay *out);

/*
 * The PCIe type the kernel uses (probe.c set_pcie_port_type corrects
 * swapped port types); @parent is the bridge above @d, or NULL.
 */
int8_t acs_pcie_type(const struct pci_dev *d, const struct pci_dev *parent);

/* The bridge above @d (pci_upstream_bridge), or NULL on a root bus; O(n). */
const struct pci_dev *acs_upstream_bridge(const struct pci_topology *t, const struct pci_dev *d);

/* pci_acs_enabled(@d, @flags) with ACS Control @ctrl: 1, 0 or -1 (the input cannot tell). */
struct acs_verdict {
	int8_t enabled;
	uint16_t missing;	/* flags required and not set (standard check) */
	const char *quirk;	/* the ACS quirk that decided, or NULL */
	const char *why;	/* static: which rule decided */
};

/* @type: acs_pcie_type(@d, its parent). */
struct acs_verdict acs_enabled(const struct pci_dev *d, int8_t type, uint16_t ctrl, uint16_t flags,
			       const struct quirk_ctx *ctx);

/* "SV RR" for the bits of @flags (SV TB RR CR UF EC DT), into @buf. */
const char *acs_bits_text(uint16_t flags, char *buf, size_t size);

#endif
