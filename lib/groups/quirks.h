/* SPDX-License-Identifier: MIT */
/*
 * The kernel's PCI quirks that change IOMMU groups (drivers/pci/quirks.c),
 * kept as data: each row names its vendor:device match, the quirk function
 * and the first kernel version that has it; internal.
 */
#ifndef RESV_QUIRKS_H
#define RESV_QUIRKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci.h"

/* ACS Capability / Control bits (PCIe 6.0 §7.7.8.2-3; include/uapi/linux/pci_regs.h). */
#define PCI_ACS_SV	0x0001	/* Source Validation */
#define PCI_ACS_TB	0x0002	/* Translation Blocking */
#define PCI_ACS_RR	0x0004	/* P2P Request Redirect */
#define PCI_ACS_CR	0x0008	/* P2P Completion Redirect */
#define PCI_ACS_UF	0x0010	/* Upstream Forwarding */
#define PCI_ACS_EC	0x0020	/* P2P Egress Control */
#define PCI_ACS_DT	0x0040	/* Direct Translated P2P */
/* drivers/iommu/iommu.c REQ_ACS_FLAGS */
#define REQ_ACS_FLAGS	(PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

/*
 * A kernel version as struct quirk_ctx.kernel holds it: the low byte is the
 * stable release (sublevel, at most 255), 0 when not known. Rows carry the
 * mainline version they arrived in and the stable series they were
 * backported to; a version whose release is not known (Debian's uname -r
 * says 5.10.0-32 for 5.10.223) is taken as the newest of its series, which
 * has every backport.
 */
#define QUIRK_KV(major, minor)	((unsigned int)(major) << 16 | (unsigned int)(minor) << 8)
#define QUIRK_KV3(major, minor, sub) \
	(QUIRK_KV(major, minor) | ((unsigned int)(sub) > 255 ? 255u : (unsigned int)(sub)))
#define QUIRK_NEVER	0xffffffffu	/* a row no mainline release has */

/*
 * pcie_acs_override= as the out-of-tree patch parses it (quirks_override.c).
 * The patch's table row sits in a different place in each kernel that
 * carries it, and the place decides which quirks answer first.
 */
#define ACS_OVERRIDE_IDS	16	/* NUM_ACS_IDS; the patch fills at most 15 */
enum acs_override_place {
	ACS_OVERRIDE_PVE,		/* Proxmox pve-kernel: after APM X-Gene, before Ampere */
	ACS_OVERRIDE_END,		/* Zen/Liquorix and the 2013 original: the last row */
};
struct acs_override {
	enum acs_override_place place;
	bool downstream;		/* "downstream": root and downstream ports */
	bool multifunction;		/* "multifunction": multifunction endpoints */
	uint8_t nids;
	struct {
		uint16_t vendor, device;
	} ids[ACS_OVERRIDE_IDS];	/* "id:VVVV:DDDD" */
};

/* What the quirk code may look at besides the device's own config space. */
struct quirk_ctx {
	unsigned int kernel;		/* QUIRK_KV3(); 0: the newest mainline */
	bool ivrs;			/* an ACPI IVRS table is present (pci_quirk_amd_sb_acs) */
	const struct pci_topology *topo;	/* for quirks that look at other functions */
	/*
	 * pci_acs_enable was never set (no IOMMU driver called pci_request_acs()),
	 * so pci_enable_acs() and its quirk enable steps did not run. Zero, the
	 * usual case when groups exist at all, means they ran.
	 */
	bool no_acs_enable;
	/* pcie_acs_override= of a patched kernel, or NULL (mainline, or not given) */
	const struct acs_override *override;
};

/* The outcome of pci_dev_specific_acs_enabled() for one device. */
enum acs_quirk_result {
	ACS_QUIRK_NONE = -1,		/* no quirk matches (-ENOTTY): the standard check decides */
	ACS_QUIRK_NOT = 0,		/* a quirk matches and says the flags are not all enabled */
	ACS_QUIRK_ENABLED = 1,		/* a quirk matches and says they are */
	ACS_QUIRK_UNKNOWN = 2,		/* a quirk matches, but its answer rests on what config space
					 * does not show (chipset MMIO, an enable step's success),
					 * or on what the input lacks (the PCIe type of a 64-byte
					 * config, an ACS capability beyond 256 bytes, the LPC) */
};

struct acs_quirk_answer {
	enum acs_quirk_result result;
	const char *quirk;		/* the quirk function's name, e.g. "pci_quirk_intel_pch_acs" */
	unsigned int since;		/* the first kernel version with this row */
	const char *why;		/* one static sentence: what the quirk decided on */
};

/*
 * pci_dev_specific_acs_enabled(dev, @flags) of kernel ctx->kernel: the
 * first pci_dev_acs_enabled[] row matching @dev that exists in that kernel
 * and does not return -ENOTTY decides.
 */
struct acs_quirk_answer acs_quirk_enabled(const struct pci_dev *dev, uint16_t flags,
					  const struct quirk_ctx *ctx);

/*
 * pci_dev_specific_enable_acs() / pci_dev_specific_disable_acs_redir()
 * (pci_dev_acs_ops[]): does the kernel enable ACS on @dev some other way
 * than the standard capability (Intel PCH root ports: RCBA/UPDCR MMIO;
 * Sunrise Point: a nonstandard control register)? Returns the quirk name
 * or NULL.
 */
const char *acs_quirk_enable_ops(const struct pci_dev *dev, const struct quirk_ctx *ctx);

/* DMA alias quirks (DECLARE_PCI_FIXUP_HEADER rows that call pci_add_dma_alias or set dev_flags). */
struct dma_alias_quirk {
	const char *quirk;		/* e.g. "quirk_dma_func1_alias" */
	unsigned int since;
	uint8_t ndevfn;
	uint8_t devfn[8];		/* extra requester devfns on the device's own bus */
	bool xlate_root;		/* PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT: aliasing stops at this bridge */
	bool pcie_bridge_alias;		/* PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS: alias as a PCIe-to-PCI bridge */
	bool no_dma_alias_up;		/* reserved for quirks that end the walk otherwise */
	/*
	 * Added by the table's implementation: every alias devfn as a 256-bit
	 * set (dma_alias_mask; devfn[] holds only the first 8, and
	 * quirk_pex_vca_alias / quirk_plx_ntb_dma_alias add up to 256), and
	 * whether a matching quirk's aliases come from what config space does
	 * not show (quirk_switchtec_ntb_dma_alias reads the NTB's BAR).
	 */
	uint32_t devfn_mask[8];
	bool unknown;
	bool bridge_no_alias;		/* PCI_DEV_FLAGS_PCI_BRIDGE_NO_ALIAS (v7.0): a PCIe-to-PCI
					 * bridge that adds no alias of its own */
};

/*
 * pci_enable_acs() replayed for the quirks of pci_dev_acs_ops[]: applies
 * what the enable_acs quirk writes to @dev's fields (Sunrise Point: the
 * nonstandard control dword gets the capability's SV, RR, CR, UF, and TB
 * when @tb) and returns true when a quirk handled @dev, so the standard
 * enable (pci_std_enable_acs) is skipped. Intel PCH root ports: handled,
 * nothing to write (their result is read from the LPC, see
 * acs_quirk_enabled()).
 */
bool acs_quirk_enable(struct pci_dev *dev, const struct quirk_ctx *ctx, bool tb);

/*
 * pci_disable_acs_redir() for a device named by disable_acs_redir=:
 * true when a pci_dev_acs_ops[] quirk handled it (Sunrise Point clears RR,
 * CR and EC in its nonstandard control dword); false: the standard
 * capability is used.
 */
bool acs_quirk_disable_redir(struct pci_dev *dev, const struct quirk_ctx *ctx);

/*
 * Which patch a kernel release carries, from its name: "-zen", "-lqx",
 * "liquorix" give ACS_OVERRIDE_END (Zen/Liquorix); anything else, Proxmox's
 * "-pve" included, ACS_OVERRIDE_PVE, the most common carrier of the option.
 */
enum acs_override_place acs_override_place_of(const char *release);

/*
 * A kernel release string ("6.12.117+deb13-amd64", "5.10.0-32-amd64",
 * "7.0-rc3") as struct quirk_ctx.kernel; 0 when it does not start with
 * MAJOR.MINOR.
 */
unsigned int quirk_kernel_version(const char *release);

/* Is @devfn in @q's alias set? */
static inline bool dma_alias_quirk_has(const struct dma_alias_quirk *q, uint8_t devfn)
{
	return q->devfn_mask[devfn >> 5] >> (devfn & 31) & 1;
}

/*
 * Fill the raw config words the quirks read (struct pci_dev cfg_f0,
 * acs_spt_ctrl) from @d's config space (@len bytes); call after acs_pos and
 * cfg_len are set.
 */
void quirks_read_config(struct pci_dev *d, const uint8_t *cfg, size_t len);

/*
 * Parse pcie_acs_override=@value (the text after '=', @len bytes at most,
 * NUL ends it too) the way the out-of-tree patch's
 * pcie_acs_override_setup() does, adding to @out (zero it first; the
 * caller sets @out->place). @warn (may be NULL) receives one static
 * sentence per option the patch would warn about and skip, from index
 * *@nwarn on, and *@nwarn is raised by their number (it may exceed
 * @warn_size; @nwarn may be NULL). Every walk is bounded by @len.
 */
void acs_override_parse(const char *value, size_t len, struct acs_override *out,
			const char **warn, size_t warn_size, size_t *nwarn);

/*
 * Every pcie_acs_override= of a kernel command line, parsed into @out
 * (zeroed first; the options of several occurrences add up, as the kernel
 * calls the early_param handler for each) up to "--"; true if any was found.
 */
bool acs_override_from_cmdline(const char *cmdline, struct acs_override *out,
			       const char **warn, size_t warn_size, size_t *nwarn);

/*
 * The DMA alias quirks that apply to @dev in kernel ctx->kernel, merged into
 * @out (ndevfn 0 and all flags false when none). Return: true if any applied.
 */
bool dma_alias_quirks(const struct pci_dev *dev, const struct quirk_ctx *ctx,
		      struct dma_alias_quirk *out);

#endif
