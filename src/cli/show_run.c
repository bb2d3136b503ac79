/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show running-config
 *
 * The configuration the daemon runs with, as the YAML dpsecd reads
 * (config_write in src/config), with IOS's header turned into YAML comments
 * so the output stays a YAML document:
 *
 *	# Building configuration...
 *	#
 *	# Current configuration : 1834 bytes
 *	hostname: gwB
 *	...
 *
 * Keys are always "(hidden)". invalid_spi_recovery is the flag in force,
 * which "[no] crypto isakmp invalid-spi-recovery" may have changed since the
 * file was read.
 */
#include "fmt.h"
#include "handlers.h"
#include "json.h"

static void
put(void *ctx, const char *s, size_t n)
{
	cli_write(ctx, s, n);
}

int
cli_show_running_config(const struct cli_ctx *c, struct cli_out *o)
{
	const struct cfg_write_opts opts = {
		.hide_keys = true,
		.set_recovery = true,
		.invalid_spi_recovery = cli_recovery_state(c->v),
	};
	struct cli_out yaml;
	struct json j;

	if (c->v->cfg == NULL)
		return cli_not_available(o);
	cli_out_init(&yaml);
	config_write(c->v->cfg, &opts, put, &yaml);
	if (c->json) {
		json_begin(&j, o);
		json_str(&j, "format", "yaml");
		json_strn(&j, "config", yaml.buf != NULL ? yaml.buf : "", yaml.len);
		json_end(&j);
	} else {
		cli_printf(o,
			   "# Building configuration...\n#\n# Current configuration : %zu bytes\n",
			   yaml.len);
		cli_write(o, yaml.buf != NULL ? yaml.buf : "", yaml.len);
	}
	o->truncated = o->truncated || yaml.truncated;
	cli_out_free(&yaml);
	return CLI_OK;
}
