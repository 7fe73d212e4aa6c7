// SPDX-License-Identifier: MIT
/*
 * ACS the way the kernel decides it for IOMMU groups: pci_acs_enabled(),
 * the ACS Control bits it writes itself at enumeration (pci_enable_acs) and
 * the command line's pci=disable_acs_redir= and pci=config_acs=, all in
 * drivers/pci/pci.c. The ACS quirks are lib/groups/quirks.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "acs.h"
#include "internal.h"

#define KERNEL(a, b) ((a) << 16 | (b) << 8)

/* The kernel version a rule follows: 0 is the newest. */
static bool kernel_before(unsigned int kernel, unsigned int version)
{
	return kernel && kernel < version;
}

/* ---------------------------------------------------------------------- */
/* The command line                                                        */

/*
 * kernel/params.c next_arg(): one "param[=value]" at @p; double quotes group
 * spaces and are dropped around the value. Copies the value into @val.
 */
static const char *next_arg(const char *p, char *param, size_t psize, char *val, size_t vsize,
			    bool *has_val)
{
	size_t n = 0, i;
	bool quote = false, quoted = false;
	const char *start, *eq = NULL;

	if (*p == '"') {
		p++;
		quote = quoted = true;
	}
	start = p;
	for (i = 0; p[i]; i++) {
		if ((p[i] == ' ' || p[i] == '\t' || p[i] == '\n') && !quote)
			break;
		if (!eq && p[i] == '=')
			eq = p + i;
		if (p[i] == '"')
			quote = !quote;
	}
	*has_val = eq != NULL;
	n = (size_t)((eq ? eq : p + i) - start);
	snprintf(param, psize, "%.*s", (int)(n < psize ? n : psize - 1), start);
	if (eq) {
		const char *v = eq + 1, *e = p + i;

		if (*v == '"') {
			v++;
			if (e > v && e[-1] == '"')
				e--;
		} else if (quoted && e > v && e[-1] == '"') {
			e--;
		}
		n = e > v ? (size_t)(e - v) : 0;
		snprintf(val, vsize, "%.*s", (int)(n < vsize ? n : vsize - 1), v);
	} else {
		val[0] = 0;
	}
	p += i;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return p;
}

/*
 * drivers/pci/pci.c pci_setup() (early_param "pci"): each pci= value is a
 * comma-separated list, so a device list of disable_acs_redir= or
 * config_acs= ends at the first comma; a later pci= overrides an earlier
 * one's pointer.
 */
static void pci_setup(const char *value, struct acs_cmdline *out)
{
	const char *s = value;

	while (s) {
		const char *k = strchr(s, ',');
		size_t n = k ? (size_t)(k - s) : strlen(s);

		if (n >= 18 && strncmp(s, "disable_acs_redir=", 18) == 0) {
			snprintf(out->disable_acs_redir, sizeof(out->disable_acs_redir), "%.*s",
				 (int)(n - 18), s + 18);
			out->has_disable_acs_redir = true;
		} else if (n >= 11 && strncmp(s, "config_acs=", 11) == 0) {
			snprintf(out->config_acs, sizeof(out->config_acs), "%.*s", (int)(n - 11),
				 s + 11);
			out->has_config_acs = true;
		} else if (n == 5 && strncmp(s, "noats", 5) == 0) {
			out->noats = true;
		}
		s = k ? k + 1 : NULL;
	}
}

void acs_cmdline_parse(const char *cmdline, struct acs_cmdline *out)
{
	char param[64], val[4096];
	bool has_val;

	*out = (struct acs_cmdline){ 0 };
	if (!cmdline)
		return;
	for (const char *p = cmdline; *p == ' ' || *p == '\t' || *p == '\n'; p++)
		cmdline = p + 1;
	for (int guard = 0; *cmdline && guard < 4096; guard++) {
		cmdline = next_arg(cmdline, param, sizeof(param), val, sizeof(val), &has_val);
		if (strcmp(param, "--") == 0 && !has_val)
			break;	/* the rest is init's (parse_args stops at "--") */
		if (strcmp(param, "pci") == 0 && has_val)
			pci_setup(val, out);
	}
}

/* ---------------------------------------------------------------------- */
/* pci_dev_str_match                                                        */

const struct pci_dev *acs_upstream_bridge(const struct pci_topology *t, const struct pci_dev *d)
{
	if (pci_is_root_bus(t, d->segment, d->bus))
		return NULL;
	return pci_bus_bridge(t, d->segment, d->bus);
}

static bool devfn_is(const struct pci_dev *d, unsigned int slot, unsigned int func)
{
	/* PCI_DEVFN() masks: slot & 0x1f, func & 0x07 */
	return d->dev == (slot & 0x1f) && d->fn == (func & 7);
}

/* pci_dev_str_match_path(): [<segment>:]<bus>:<device>.<function>[/<device>.<function>]* */
static int match_path(const struct pci_topology *t, const struct pci_dev *d, const char *path,
		      const char **end)
{
	unsigned int seg = 0, bus, slot, func;
	char w[256], c;
	size_t n;

	*end = strchr(path, ';') ? strchr(path, ';') : path + strlen(path);
	n = (size_t)(*end - path);
	if (n >= sizeof(w))
		return -EINVAL;	/* longer than any real path; the kernel would not match it either */
	memcpy(w, path, n);
	w[n] = 0;
	for (int guard = 0; guard < 256; guard++) {
		char *p = strrchr(w, '/');

		if (!p)
			break;
		if (sscanf(p, "/%x.%x%c", &slot, &func, &c) != 2)
			return -EINVAL;
		if (!devfn_is(d, slot, func))
			return 0;
		d = acs_upstream_bridge(t, d);
		if (!d)
			return 0;
		*p = 0;
	}
	if (sscanf(w, "%x:%x:%x.%x%c", &seg, &bus, &slot, &func, &c) != 4) {
		seg = 0;
		if (sscanf(w, "%x:%x.%x%c", &bus, &slot, &func, &c) != 3)
			return -EINVAL;
	}
	return seg == d->segment && bus == d->bus && devfn_is(d, slot, func);
}

int acs_dev_str_match(const struct pci_topology *t, const struct pci_dev *d, const char *p,
		      const char **end)
{
	unsigned short vendor, device, svendor, sdevice;
	int count = 0, ret;

	if (strncmp(p, "pci:", 4) == 0) {
		p += 4;
		if (sscanf(p, "%hx:%hx:%hx:%hx%n", &vendor, &device, &svendor, &sdevice,
			   &count) != 4) {
			if (sscanf(p, "%hx:%hx%n", &vendor, &device, &count) != 2)
				return -EINVAL;
			svendor = sdevice = 0;
		}
		*end = p + count;
		return (!vendor || vendor == d->vendor) && (!device || device == d->device) &&
		       (!svendor || svendor == d->subsys_vendor) &&
		       (!sdevice || sdevice == d->subsys_device);
	}
	ret = match_path(t, d, p, end);
	return ret;
}

/*
 * The list loop of pci_disable_acs_redir() (v4.19-v6.10) and
 * __pci_config_acs() (v6.11): entries separated by ';' or ','; an entry
 * that cannot be parsed ends the list. For config_acs each entry starts
 * with "<flags>@". Return: 1 when @d is named (*@mask, *@flags set for
 * config_acs), 0, or -EINVAL when an entry for @d's turn is unreadable.
 */
static int list_names(const struct pci_topology *t, const struct pci_dev *d, const char *p,
		      bool with_flags, bool reparse_flags, uint16_t *mask, uint16_t *flags)
{
	uint16_t m = 0, f = 0;
	int ret = 0;

	for (int guard = 0; *p && guard < 1024; guard++) {
		if (with_flags && (!m || reparse_flags)) {
			const char *at = strchr(p, '@');
			unsigned int shift = 0;

			if (!at)
				return -EINVAL;	/* "ACS Flags missing" */
			m = f = 0;
			for (const char *q = at - 1; q >= p; q--, shift++) {
				if (*q == '0') {
					m |= (uint16_t)(1u << shift);
				} else if (*q == '1') {
					m |= (uint16_t)(1u << shift);
					f |= (uint16_t)(1u << shift);
				} else if (*q != 'x' && *q != 'X') {
					return -EINVAL;	/* "Invalid ACS flags... Ignoring" */
				}
				if (shift >= 16)
					shift = 16;	/* u16: higher bits fall off */
			}
			p = at + 1;
			if (m & ~(PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF |
				  PCI_ACS_EC | PCI_ACS_DT))
				return -EINVAL;	/* "Invalid ACS flags specified" */
		}
		ret = acs_dev_str_match(t, d, p, &p);
		if (ret < 0)
			return ret;	/* "Can't parse ... parameter" */
		if (ret == 1)
			break;
		if (*p != ';' && *p != ',')
			break;
		p++;
	}
	if (ret == 1 && mask) {
		*mask = m;
		*flags = f;
	}
	return ret;
}

/* ---------------------------------------------------------------------- */
/* pci_enable_acs                                                           */

void acs_replay(const struct pci_topology *t, struct pci_dev *d, const struct acs_cmdline *cl,
		const struct quirk_ctx *ctx, bool requested, struct acs_replay *out)
{
	uint16_t fw = d->acs_ctrl, ctrl = d->acs_ctrl, mask, flags;
	/*
	 * 47c8846a49ba "PCI: Extend ACS configurability" (v6.11) computed the
	 * command line's result from the firmware's Control (fw_ctrl), dropping
	 * what the kernel had just enabled, and kept the first entry's flag mask
	 * for the entries after it; "PCI/ACS: Fix 'pci=config_acs=' parameter"
	 * (Tushar Dave; posted Jan 2025, in the PCI tree's acs branch Feb 2025,
	 * so v6.15) starts from the kernel's value and reads each entry's
	 * flags. Whether a stable 6.12.y took it is not known here.
	 */
	bool v611 = !kernel_before(ctx->kernel, KERNEL(6, 11));
	bool fixed = !kernel_before(ctx->kernel, KERNEL(6, 15));
	/* pci_std_enable_acs: TB for external-facing or untrusted ports and
	 * with pci=noats; external-facing is ACPI's, not known here. */
	bool tb = cl->noats;

	*out = (struct acs_replay){ .ctrl = d->acs_ctrl };
	/* pci_dev_specific_enable_acs() first; the standard step only without it */
	if (requested && acs_quirk_enable(d, ctx, tb))
		out->enable_quirk = acs_quirk_enable_ops(d, ctx);
	else if (requested && d->acs == 1)
		ctrl |= d->acs_cap & (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF |
				      (tb ? PCI_ACS_TB : 0));
	if (cl->has_disable_acs_redir && *cl->disable_acs_redir &&
	    list_names(t, d, cl->disable_acs_redir, false, false, NULL, NULL) == 1) {
		out->redir_disabled = true;
		/* pci_dev_specific_disable_acs_redir(): the quirk writes its own register */
		if (!acs_quirk_disable_redir(d, ctx) && d->acs == 1) {
			mask = PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC;
			ctrl = (uint16_t)(((v611 && !fixed) ? fw : ctrl) & ~mask);
		}
	}
	/* from v6.11 the command line needs the standard capability (if (!pos) return) */
	if (v611 && d->acs == 1 && cl->has_config_acs && *cl->config_acs) {
		int r = list_names(t, d, cl->config_acs, true, fixed, &mask, &flags);

		if (r == 1) {
			out->configured = true;
			ctrl = (uint16_t)(((fixed ? ctrl : fw) & ~mask) | (flags & mask));
		} else if (r < 0) {
			out->config_bad = true;
		}
	}
	out->ctrl = ctrl;
}

/* ---------------------------------------------------------------------- */
/* pci_acs_enabled                                                          */

static bool downstream_port(int8_t type)
{
	/* include/linux/pci.h pcie_downstream_port() */
	return type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM ||
	       type == PCI_EXP_TYPE_PCIE_BRIDGE;
}

/*
 * drivers/pci/probe.c set_pcie_port_type() (v4.18, "PCI: Make sure
 * upstream/downstream port types are correct"... unchanged through v6.12):
 * a downstream port whose parent is a downstream port is taken as an
 * upstream port, an upstream port below an upstream port as a downstream
 * one.
 */
int8_t acs_pcie_type(const struct pci_dev *d, const struct pci_dev *parent)
{
	if (d->pcie_type != PCI_EXP_TYPE_DOWNSTREAM && d->pcie_type != PCI_EXP_TYPE_UPSTREAM)
		return d->pcie_type;
	if (!parent)
		return d->pcie_type;
	if (d->pcie_type == PCI_EXP_TYPE_DOWNSTREAM && downstream_port(parent->pcie_type))
		return PCI_EXP_TYPE_UPSTREAM;
	if (d->pcie_type == PCI_EXP_TYPE_UPSTREAM && parent->pcie_type == PCI_EXP_TYPE_UPSTREAM)
		return PCI_EXP_TYPE_DOWNSTREAM;
	return d->pcie_type;
}

/*
 * pci_acs_flags_enabled(): a flag missing from the Capability register is
 * hard-wired enabled (except Egress Control), the rest must be set in
 * Control; no ACS capability fails.
 */
static struct acs_verdict flags_enabled(const struct pci_dev *d, uint16_t ctrl, uint16_t flags)
{
	if (d->acs < 0)
		return (struct acs_verdict){ -1, flags, NULL,
			"its ACS capability would be in extended config space, which the input lacks" };
	if (d->acs == 0)
		return (struct acs_verdict){ 0, flags, NULL, "it has no ACS capability" };
	flags &= d->acs_cap | PCI_ACS_EC;
	if ((ctrl & flags) == flags)
		return (struct acs_verdict){ 1, 0, NULL, "its ACS Control has every required bit" };
	return (struct acs_verdict){ 0, (uint16_t)(flags & ~ctrl), NULL,
				     "its ACS Control lacks required bits" };
}

/*
 * pci_acs_enabled() (drivers/pci/pci.c; the same rules in v5.10, v6.1,
 * v6.12): the device-specific quirk first, then by PCIe type (PCIe 3.0
 * §6.12.1): conventional PCI/PCI-X never isolates; PCIe-to-PCI and
 * PCI-to-PCIe bridges and event collectors do not; root and downstream
 * ports need the flags; endpoints, upstream ports, legacy and RC integrated
 * endpoints need them only when multifunction; anything else is isolated.
 */
struct acs_verdict acs_enabled(const struct pci_dev *d, int8_t type, uint16_t ctrl, uint16_t flags,
			       const struct quirk_ctx *ctx)
{
	struct acs_quirk_answer q = acs_quirk_enabled(d, flags, ctx);
	struct acs_verdict v;

	switch (q.result) {
	case ACS_QUIRK_NOT:
		return (struct acs_verdict){ 0, flags, q.quirk, q.why ? q.why : "a quirk says no" };
	case ACS_QUIRK_ENABLED:
		return (struct acs_verdict){ 1, 0, q.quirk, q.why ? q.why : "a quirk says yes" };
	case ACS_QUIRK_UNKNOWN:
		return (struct acs_verdict){ -1, flags, q.quirk,
					     q.why ? q.why : "a quirk decides on what config space does not show" };
	default:
		break;
	}
	switch (type) {
	case PCI_TYPE_UNKNOWN:
		return (struct acs_verdict){ -1, flags, NULL,
			"its PCIe type is unknown (64 bytes of config space)" };
	case PCI_TYPE_CONVENTIONAL:
		return (struct acs_verdict){ 0, flags, NULL,
			"it is conventional PCI, which never isolates" };
	case PCI_EXP_TYPE_PCIE_BRIDGE:
	case PCI_EXP_TYPE_PCI_BRIDGE:
	case PCI_EXP_TYPE_RC_EC:
		return (struct acs_verdict){ 0, flags, NULL,
			type == PCI_EXP_TYPE_RC_EC ? "it is a root complex event collector" :
			"it is a PCIe/PCI bridge, for which ACS does not apply" };
	case PCI_EXP_TYPE_DOWNSTREAM:
	case PCI_EXP_TYPE_ROOT_PORT:
		return flags_enabled(d, ctrl, flags);
	case PCI_EXP_TYPE_ENDPOINT:
	case PCI_EXP_TYPE_UPSTREAM:
	case PCI_EXP_TYPE_LEG_END:
	case PCI_EXP_TYPE_RC_END:
		if (!d->multifunction)
			break;
		v = flags_enabled(d, ctrl, flags);
		return v;
	default:
		break;
	}
	return (struct acs_verdict){ 1, 0, NULL,
		"a single-function device: ACS does not apply (PCIe 3.0 §6.12.1.3)" };
}

const char *acs_bits_text(uint16_t flags, char *buf, size_t size)
{
	static const char *const names[] = { "SV", "TB", "RR", "CR", "UF", "EC", "DT" };
	size_t at = 0;

	if (size)
		buf[0] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(flags & 1u << i))
			continue;
		int n = snprintf(buf + at, size - at, "%s%s", at ? " " : "", names[i]);

		if (n < 0 || (size_t)n >= size - at)
			break;
		at += (size_t)n;
	}
	return buf;
}
