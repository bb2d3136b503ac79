/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show version, show clock
 *
 * "show version" in the IOS shape that parsers read (genieparser iosxe
 * ShowVersion p1_1 and p4/p9/p20, ntc-templates cisco_ios_show_version):
 *
 *	DPSEC (tm) Userspace IPsec Gateway Software (X86_64_LINUX_DPDK-DPSECD), Version 0.1.0,
 *	    RELEASE SOFTWARE (build)		(one line)
 *	Copyright (c) 2026-2026 by the dpsec authors.
 *	gwB uptime is 1 day, 2 hours, 3 minutes
 *	3 Ethernet interfaces
 *
 * The first line is classic IOS's "IOS (tm) PLATFORM Software (IMAGE),
 * Version X, RELEASE SOFTWARE (fc1)" with dpsec's own words: the os DPSEC,
 * the image named for the machine it was built for, and in the parentheses
 * the build (git describe) where IOS has its build tag.
 */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "handlers.h"
#include "json.h"

/* The years of dpsec's copyright notice (its first commit is from 2026). */
#define DPSEC_COPYRIGHT_YEARS "2026-2026"

static const char *
hostname(const struct view *v)
{
	return v->cfg != NULL && v->cfg->hostname[0] != '\0' ? v->cfg->hostname : "dpsec";
}

static uint64_t
cli_view_uptime(const struct view *v)
{
	return v->ops != NULL && v->ops->uptime != NULL ? v->ops->uptime(v->ctx) : v->uptime_sec;
}

int
cli_show_version(const struct cli_ctx *c, struct cli_out *o)
{
	const struct view *v = c->v;
	const char *ver = v->version != NULL ? v->version : "unknown";
	const char *path = v->cfg != NULL && v->cfg->path != NULL ? v->cfg->path : "";
	uint32_t nif = v->cfg != NULL ? v->cfg->n_interfaces : 0;
	char up[128];
	struct json j;

	if (c->json) {
		json_begin(&j, o);
		json_str(&j, "version", ver);
		json_str(&j, "build", v->build != NULL ? v->build : ver);
		json_str(&j, "hostname", hostname(v));
		json_u64(&j, "uptime_sec", cli_view_uptime(v));
		json_str(&j, "config", path);
		json_u64(&j, "interfaces", nif);
		json_end(&j);
		return CLI_OK;
	}
	cli_uptime_text(cli_view_uptime(v), up, sizeof(up));
	cli_printf(o,
		   "DPSEC (tm) Userspace IPsec Gateway Software (%s), Version %s, RELEASE SOFTWARE "
		   "(%s)\n",
		   v->image != NULL ? v->image : "DPSECD", ver, v->build != NULL ? v->build : ver);
	cli_puts(o, "Copyright (c) " DPSEC_COPYRIGHT_YEARS " by the dpsec authors.\n\n");
	cli_printf(o, "%s uptime is %s\n", hostname(v), up);
	cli_printf(o, "Configuration file is \"%s\"\n\n", path);
	cli_printf(o, "%u Ethernet interface%s\n", nif, nif == 1 ? "" : "s");
	return CLI_OK;
}

/* IOS: "10:23:45.123 UTC Wed Oct 18 2023" (day of month not padded). */
int
cli_show_clock(const struct cli_ctx *c, struct cli_out *o)
{
	struct timespec now;
	struct tm tm;
	time_t s;
	char hms[16], zone[16], wd[8];
	struct json j;

	cli_now(c->v, &now);
	s = now.tv_sec;
	if (localtime_r(&s, &tm) == NULL) {
		cli_puts(o, "% Cannot read the clock\n");
		return CLI_E_FAILED;
	}
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%Z", &tm);
	strftime(wd, sizeof(wd), "%a %b", &tm);
	if (c->json) {
		json_begin(&j, o);
		json_u64(&j, "epoch", (uint64_t)now.tv_sec);
		json_u64(&j, "nsec", (uint64_t)now.tv_nsec);
		json_end(&j);
		return CLI_OK;
	}
	cli_printf(o, "%s.%03ld %s %s %d %d\n", hms, now.tv_nsec / 1000000, zone, wd, tm.tm_mday,
		   tm.tm_year + 1900);
	return CLI_OK;
}
