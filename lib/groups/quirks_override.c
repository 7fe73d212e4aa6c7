// SPDX-License-Identifier: MIT
/*
 * pcie_acs_override=, the out-of-tree option that makes devices claim ACS
 * (Alex Williamson's 2013 "pci: Enable overrides for missing ACS
 * capabilities", carried as Proxmox pve-kernel
 * patches/kernel/0004-pci-Enable-overrides-for-missing-ACS-capabilities-4..patch
 * (Mark Weiman's 4.15 rebase) and as Zen/Liquorix "ZEN: Add ACS override
 * support"). Read from those patch texts (proxmox/pve-kernel; the Zen
 * kernel's drivers/pci/quirks.c in zen-kernel/zen-kernel). The parser,
 * pcie_acs_override_setup(), is replayed with its quirks: options are
 * matched as prefixes, each ID is at most four hex digits, an ID's device
 * is looked for after the next ':' anywhere further on, and only 15 of the
 * 16 slots are used. Where the table row sits: quirks.c (override_before).
 */
#include <string.h>

#include "quirks.h"

static void warn(const char **out, size_t size, size_t *n, const char *what)
{
	if (out && *n < size)
		out[*n] = what;
	(*n)++;
}

/*
 * kstrtol(opt, 16) on the first four characters at @p (the patch copies
 * them with snprintf(opt, 5)): an optional sign, an optional 0x, hex
 * digits to the end, one trailing newline allowed. False on anything else.
 */
static bool hex4(const char *p, const char *end, long *val)
{
	char opt[5];
	size_t n = 0, i = 0;
	bool neg = false, any = false;
	unsigned long v = 0;

	while (n < 4 && p + n < end && p[n])
		n++;
	memcpy(opt, p, n);
	opt[n] = '\0';
	if (opt[i] == '+' || opt[i] == '-')
		neg = opt[i++] == '-';
	if (opt[i] == '0' && (opt[i + 1] == 'x' || opt[i + 1] == 'X'))
		i += 2;
	for (; opt[i] && opt[i] != '\n'; i++) {
		int c = opt[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v * 16 + (unsigned long)d;
		any = true;
	}
	if (!any || (opt[i] == '\n' && opt[i + 1]))
		return false;
	*val = neg ? -(long)v : (long)v;
	return true;
}

static const char *skip_to(const char *p, const char *end, char c)
{
	while (p < end && *p && *p != c)
		p++;
	return p;
}

void acs_override_parse(const char *value, size_t len, struct acs_override *out,
			const char **warns, size_t warn_size, size_t *nwarn)
{
	const char *p = value, *end = value + len;
	size_t dummy = 0;

	if (!nwarn)
		nwarn = &dummy;
	if (!value)
		return;
	while (p < end && *p) {
		size_t left = (size_t)(end - p);

		if (left >= 10 && !strncmp(p, "downstream", 10))
			out->downstream = true;
		if (left >= 13 && !strncmp(p, "multifunction", 13))
			out->multifunction = true;
		if (left >= 3 && !strncmp(p, "id:", 3)) {
			long val;

			if (out->nids >= ACS_OVERRIDE_IDS - 1) {
				warn(warns, warn_size, nwarn, "Out of PCIe ACS override slots (16)");
				goto next;
			}
			p += 3;
			if (!hex4(p, end, &val)) {
				warn(warns, warn_size, nwarn, "PCIe ACS ID parse error (vendor)");
				goto next;
			}
			out->ids[out->nids].vendor = (uint16_t)val;
			p = skip_to(p, end, ':');
			if (p >= end || *p != ':') {
				warn(warns, warn_size, nwarn, "PCIe ACS invalid ID (no ':' before the device)");
				goto next;
			}
			p++;
			if (!hex4(p, end, &val)) {
				warn(warns, warn_size, nwarn, "PCIe ACS ID parse error (device)");
				goto next;
			}
			out->ids[out->nids].device = (uint16_t)val;
			out->nids++;
		}
next:
		p = skip_to(p, end, ',');
		if (p < end && *p == ',')
			p++;
	}
}

/* parameq(): '-' and '_' are the same in a parameter name */
static bool name_is(const char *s, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n && name[i]; i++) {
		char a = s[i] == '-' ? '_' : s[i], b = name[i] == '-' ? '_' : name[i];

		if (a != b)
			return false;
	}
	return i == n && !name[i];
}

/*
 * The kernel splits the command line at blanks outside double quotes
 * (lib/cmdline.c next_arg()), stops at "--", and calls the early_param
 * handler for every occurrence, so the options of several
 * pcie_acs_override= add up.
 */
bool acs_override_from_cmdline(const char *cmdline, struct acs_override *out,
			       const char **warns, size_t warn_size, size_t *nwarn)
{
	const char *p = cmdline;
	bool found = false;
	size_t dummy = 0;

	if (!nwarn)
		nwarn = &dummy;
	memset(out, 0, sizeof(*out));
	*nwarn = 0;
	if (!cmdline)
		return false;
	while (*p) {
		const char *arg, *eq = NULL, *vend;
		bool quoted = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		arg = p;
		for (; *p; p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (!quoted && (*p == ' ' || *p == '\t' || *p == '\n'))
				break;
			else if (*p == '=' && !eq)
				eq = p;
		}
		if (!eq) {
			if (p - arg == 2 && arg[0] == '-' && arg[1] == '-')
				break;
			continue;
		}
		vend = p;
		/* a quote opening the whole argument goes, with the one closing it */
		if (*arg == '"') {
			arg++;
			if (vend > eq + 1 && vend[-1] == '"')
				vend--;
		}
		if (!name_is(arg, (size_t)(eq - arg), "pcie_acs_override"))
			continue;
		found = true;
		eq++;
		/* next_arg() drops a quote opening the value and the one closing it */
		if (*eq == '"') {
			eq++;
			if (vend > eq && vend[-1] == '"' && *arg != '"')
				vend--;
		}
		acs_override_parse(eq, (size_t)(vend - eq), out, warns, warn_size, nwarn);
	}
	return found;
}

enum acs_override_place acs_override_place_of(const char *release)
{
	if (release && (strstr(release, "-zen") || strstr(release, "-lqx") ||
			strstr(release, "liquorix")))
		return ACS_OVERRIDE_END;
	return ACS_OVERRIDE_PVE;
}
