/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_load / config_parse / config_free, the top-level schema and the small
 * global sections (hostname, dataplane, cli, isakmp, logging). Interfaces and
 * routes are in config_interfaces.c, tunnels in config_tunnels.c, transform
 * sets and crypto maps in config_crypto.c, manual SAs in config_manual_sa.c,
 * IKEv2 in config_ikev2.c and config_ike_profiles.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_priv.h"

static int
h_hostname(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;

	return cfg_name(c, v, k->name, "", cfg->hostname);
}

/* A power of two in lo..hi: NIC descriptor rings. */
static int
h_desc(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	static const char range[] = "64..4096, a power of two";
	uint64_t n;
	int rc = cfg_uint(c, v, k->name, 64, 4096, range, &n);
	if (rc == 0 && (n & (n - 1)) != 0)
		rc = cfg_err(c, v, "'%s' must be %s (got %s)", k->name, range, v->str);
	if (rc == 0)
		*(uint16_t *)((char *)obj + k->off) = (uint16_t)n;
	return rc;
}

/* 0 disables anti-replay; otherwise 32..4096 packets (RFC 4303 section 3.4.3). */
int
cfg_h_replay_window(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	static const char range[] = "0 or 32..4096";
	uint64_t n;
	int rc = cfg_uint(c, v, k->name, 0, 4096, range, &n);

	if (rc == 0 && n > 0 && n < 32)
		rc = cfg_err(c, v, "'%s' must be %s (got %s)", k->name, range, v->str);
	if (rc == 0)
		*(uint32_t *)((char *)obj + k->off) = (uint32_t)n;
	return rc;
}

static int
h_eal(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_dataplane *dp = obj;
	int rc = cfg_expect_seq(c, v, k->name, false);

	if (rc < 0 || v->n == 0)
		return rc;
	dp->eal = calloc(v->n, sizeof(*dp->eal));
	if (dp->eal == NULL)
		return cfg_nomem(c, v);
	dp->n_eal = v->n;
	for (uint32_t i = 0; i < v->n && rc == 0; i++) {
		const char *s;

		rc = cfg_str(c, v->kids[i], "eal", &s);
		if (rc == 0) {
			dp->eal[i] = strdup(s);
			if (dp->eal[i] == NULL)
				rc = cfg_nomem(c, v->kids[i]);
		}
	}
	return rc;
}

static const struct cfg_key dataplane_keys[] = {
	CFG_CUSTOM("eal", false, h_eal),
	CFG_U16("burst", false, struct cfg_dataplane, burst, 1, 64),
	CFG_U32("mbufs", false, struct cfg_dataplane, mbufs, 1023, 1048575),
	{"rx_desc", false, h_desc, offsetof(struct cfg_dataplane, rx_desc), 0, 0, NULL},
	{"tx_desc", false, h_desc, offsetof(struct cfg_dataplane, tx_desc), 0, 0, NULL},
	{"replay_window", false, cfg_h_replay_window,
	 offsetof(struct cfg_dataplane, replay_window), 0, 0, NULL},
	CFG_U32("sa_max", false, struct cfg_dataplane, sa_max, 16, 4194304),
};

static int
h_dataplane(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;

	return cfg_walk(c, v, k->name, dataplane_keys, CFG_NKEYS(dataplane_keys), &cfg->dp);
}

static int
h_socket(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_cli *cli = obj;
	const char *s;
	int rc = cfg_str(c, v, k->name, &s);

	if (rc < 0)
		return rc;
	if (s[0] != '/')
		return cfg_err(c, v, "'%s' must be an absolute path (got '%s')", k->name,
			       cfg_quote(c, v));
	if (strlen(s) >= sizeof(cli->socket))
		return cfg_err(c, v, "'%s' is too long (at most %zu bytes, got %zu)", k->name,
			       sizeof(cli->socket) - 1, strlen(s));
	memcpy(cli->socket, s, strlen(s) + 1);
	return 0;
}

/* A group name, or "" for none. */
static int
group_name(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, char *out)
{
	if (v->type == YNODE_SCALAR && !v->plain && v->len == 0) {
		out[0] = '\0';
		return 0;
	}
	return cfg_name(c, v, k->name, "", out);
}

/* Who may connect: "" keeps the socket private to root (0600). */
static int
h_group(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_cli *cli = obj;

	return group_name(c, k, v, cli->group);
}

/* Who, besides root, may change state (privilege level 15); "": root only. */
static int
h_admin_group(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct cfg_cli *cli = obj;

	return group_name(c, k, v, cli->admin_group);
}

static const struct cfg_key cli_keys[] = {
	CFG_CUSTOM("socket", false, h_socket),
	CFG_CUSTOM("group", false, h_group),
	CFG_CUSTOM("admin_group", false, h_admin_group),
};

static int
h_cli(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;

	return cfg_walk(c, v, k->name, cli_keys, CFG_NKEYS(cli_keys), &cfg->cli);
}

static const struct cfg_key isakmp_keys[] = {
	CFG_BOOL("invalid_spi_recovery", false, struct cfg_isakmp, invalid_spi_recovery),
	CFG_U32("recovery_packets", false, struct cfg_isakmp, recovery_packets, 1, 1000),
	CFG_U32("recovery_window", false, struct cfg_isakmp, recovery_window, 1, 3600),
	CFG_U32("recovery_holddown", false, struct cfg_isakmp, recovery_holddown, 0, 3600),
	CFG_U32("recovery_rate", false, struct cfg_isakmp, recovery_rate, 1, 1000),
};

static int
h_isakmp(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;

	return cfg_walk(c, v, k->name, isakmp_keys, CFG_NKEYS(isakmp_keys), &cfg->isakmp);
}

static const struct cfg_word frag_words[] = {
	{"before-encryption", CFG_FRAG_BEFORE},
	{"after-encryption", CFG_FRAG_AFTER},
	{NULL, 0},
};

static const struct cfg_key ipsec_keys[] = {
	CFG_WORD("fragmentation", false, struct cfg_ipsec, fragmentation, frag_words),
};

static int
h_ipsec(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;

	return cfg_walk(c, v, k->name, ipsec_keys, CFG_NKEYS(ipsec_keys), &cfg->ipsec);
}

/* Ranges as documented in struct cfg_logging. */
static const struct cfg_key logging_keys[] = {
	CFG_U32("buffer", false, struct cfg_logging, buffer, 4096, 16777216),
	CFG_BOOL("syslog", false, struct cfg_logging, syslog),
	CFG_U32("invalid_spi_interval", false, struct cfg_logging, invalid_spi_interval, 1, 3600),
	CFG_U32("replay_interval", false, struct cfg_logging, replay_interval, 1, 3600),
	CFG_U32("mac_interval", false, struct cfg_logging, mac_interval, 1, 3600),
	CFG_U32("rate", false, struct cfg_logging, rate, 1, 10000),
};

static int
h_logging(struct cfg_ctx *c, const struct cfg_key *k, const struct ynode *v, void *obj)
{
	struct dpsec_config *cfg = obj;

	return cfg_walk(c, v, k->name, logging_keys, CFG_NKEYS(logging_keys), &cfg->logging);
}

/* Table order is dependency order: each section may resolve names of the ones above it. */
static const struct cfg_key top_keys[] = {
	CFG_CUSTOM("hostname", false, h_hostname),
	CFG_CUSTOM("dataplane", false, h_dataplane),
	CFG_CUSTOM("cli", false, h_cli),
	CFG_CUSTOM("isakmp", false, h_isakmp),
	CFG_CUSTOM("ipsec", false, h_ipsec),
	CFG_CUSTOM("logging", false, h_logging),
	CFG_CUSTOM("ikev2", false, cfg_h_ikev2),
	CFG_CUSTOM("transform_sets", false, cfg_h_transform_sets),
	CFG_CUSTOM("crypto_maps", false, cfg_h_crypto_maps),
	CFG_CUSTOM("interfaces", true, cfg_h_interfaces),
	CFG_CUSTOM("tunnels", false, cfg_h_tunnels),
	CFG_CUSTOM("routes", false, cfg_h_routes),
	CFG_CUSTOM("manual_sas", false, cfg_h_manual_sas),
	CFG_CUSTOM("manual_sa_file", false, cfg_h_manual_sa_file),
};

static void
set_defaults(struct dpsec_config *cfg)
{
	snprintf(cfg->hostname, sizeof(cfg->hostname), "dpsec");
	cfg->dp.burst = 32;
	cfg->dp.mbufs = 8191;
	cfg->dp.rx_desc = 1024;
	cfg->dp.tx_desc = 1024;
	cfg->dp.replay_window = 64;
	cfg->dp.sa_max = 65536;
	snprintf(cfg->cli.socket, sizeof(cfg->cli.socket), "/run/dpsec/dpsecd.sock");
	cfg->logging.buffer = 65536;
	cfg->logging.syslog = true;
	cfg->logging.invalid_spi_interval = 60;
	cfg->logging.replay_interval = 30;
	cfg->logging.mac_interval = 30;
	cfg->logging.rate = 20;
	cfg->isakmp.recovery_packets = 2;
	cfg->isakmp.recovery_window = 10;
	cfg->isakmp.recovery_holddown = 5;
	cfg->isakmp.recovery_rate = 5;
	cfg_ikev2_defaults(&cfg->ikev2);
}

struct dpsec_config *
config_parse(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	struct cfg_ctx c = {.name = name ? name : "config", .err = err, .errlen = errlen};
	struct ynode *root = NULL;
	int rc = -ENOMEM;

	if (err == NULL)
		c.errlen = 0;
	else if (errlen > 0)
		err[0] = '\0';
	if (text == NULL) {
		text = "";
		len = 0;
	}
	c.cfg = calloc(1, sizeof(*c.cfg));
	if (c.cfg == NULL || (c.cfg->path = strdup(c.name)) == NULL) {
		cfg_err(&c, NULL, "out of memory");
		goto out;
	}
	set_defaults(c.cfg);
	root = ytree_load(c.name, text, len, c.err, c.errlen);
	if (root == NULL) {
		rc = -EINVAL;
		goto out;
	}
	rc = cfg_walk(&c, root, "configuration", top_keys, CFG_NKEYS(top_keys), c.cfg);
	if (rc == 0)
		rc = cfg_ikev2_finish(&c, root);
out:
	ytree_free(root);
	if (rc < 0) {
		config_free(c.cfg);
		return NULL;
	}
	return c.cfg;
}

char *
cfg_read_file(const char *path, size_t max, const char *what, size_t *len, unsigned int *mode,
	      char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (a %s must be one)", path, what);
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(err, errlen, "%s: %s is too large: %llu bytes, the limit is %zu", path, what,
			 (unsigned long long)st.st_size, max);
		goto out;
	}
	*mode = st.st_mode;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0) {
			snprintf(err, errlen, "%s: cannot read: %s", path,
				 n < 0 ? strerror(errno) : "file shrank while reading");
			mem_wipe(buf, got);
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

struct dpsec_config *
config_load(const char *path, char *err, size_t errlen)
{
	struct dpsec_config *cfg;
	unsigned int mode = 0;
	size_t len = 0;
	char *text;

	if (err == NULL)
		errlen = 0;
	text = cfg_read_file(path, YTREE_MAX_TEXT, "configuration", &len, &mode, err, errlen);
	if (text == NULL)
		return NULL;
	cfg = config_parse(path, text, len, err, errlen);
	mem_wipe(text, len);
	free(text);
	return cfg;
}

void
config_free(struct dpsec_config *cfg)
{
	if (cfg == NULL)
		return;
	for (uint32_t i = 0; i < cfg->dp.n_eal; i++)
		free(cfg->dp.eal[i]);
	free(cfg->dp.eal);
	for (uint32_t i = 0; i < cfg->n_interfaces; i++) {
		free(cfg->interfaces[i].neighbors);
		free(cfg->interfaces[i].neighbors6);
	}
	free(cfg->interfaces);
	free(cfg->tunnels);
	free(cfg->routes);
	free(cfg->routes6);
	free(cfg->transform_sets);
	for (uint32_t i = 0; i < cfg->n_crypto_maps; i++) {
		for (uint32_t j = 0; j < cfg->crypto_maps[i].n_entries; j++)
			free(cfg->crypto_maps[i].entries[j].match);
		free(cfg->crypto_maps[i].entries);
	}
	free(cfg->crypto_maps);
	/* wipes the keys */
	secret_mem_free(cfg->manual_sas, cfg->n_manual_sas * sizeof(*cfg->manual_sas));
	free(cfg->sa_file.name);
	free(cfg->sa_file.path);
	cfg_ikev2_free(&cfg->ikev2);
	free(cfg->path);
	free(cfg);
}
