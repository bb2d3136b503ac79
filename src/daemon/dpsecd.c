/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpsecd: load the config, bring up EAL and the dataplane, install the manual
 * SAs, then run the control thread on the main lcore (CLI server, SA
 * reclamation) until SIGINT or SIGTERM, and shut down cleanly.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "dpsec/cli.h"
#include "dpsec/config.h"
#include "dpsec/dp.h"

#include "build_id.h"
#include "ctrl.h"
#include "ctrl_ike.h"
#include "eal_args.h"
#include "manual_sa.h"
#include "view_dp.h"

#define ERR_MAX 512

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: dpsecd -c CONFIG.yaml [--check]\n"
		   "  -c, --config FILE  configuration (YAML)\n"
		   "      --check        validate the configuration and exit\n"
		   "  -V, --version      print the version\n");
}

static int
parse_args(int argc, char **argv, const char **path, int *check)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check", no_argument, NULL, 'k'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			*path = optarg;
			break;
		case 'k':
			*check = 1;
			break;
		case 'V':
			printf("dpsecd %s\n", DPSEC_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (*path == NULL || optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static void
install_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a CLI client that went away must not kill us */
}

/*
 * Key material must never reach a core dump: not dumpable means no core
 * (with fs.suid_dumpable 0, the default) and no ptrace or /proc/PID/mem by
 * anyone without CAP_SYS_PTRACE, not even the same user. Where suid_dumpable
 * 2 still makes a core, the key memory itself is marked MADV_DONTDUMP
 * (secret_mem_alloc).
 */
static int
not_dumpable(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)
		return 0;
	fprintf(stderr, "dpsecd: cannot make the process non-dumpable: %s\n", strerror(errno));
	return -1;
}

/* Everything after EAL is up; returns the exit status. warn: a config warning to log, or "". */
static int
run(struct dpsec_config *cfg, const char *warn)
{
	char err[ERR_MAX] = "";
	struct view_dp vd;
	struct view v = {.ops = &view_dp_ops, .ctx = &vd, .cfg = cfg, .version = DPSEC_VERSION,
			 .build = DPSEC_BUILD, .image = DPSEC_IMAGE};
	struct cli_server *srv = NULL;
	struct ctrl *ctrl = NULL;
	struct ctrl_ike *ike = NULL;
	struct manual_sa_wait wait = {0};
	struct dp *dp = dp_create(cfg, err, sizeof(err));
	int status = 1;

	if (dp == NULL)
		goto out;
	ctrl = ctrl_create(dp, cfg, NULL, err, sizeof(err));
	if (ctrl == NULL)
		goto out;
	if (warn[0] != '\0')
		dlog_msg(ctrl_log(ctrl), 4, "DPSEC-4-CONFIG_EXPOSED", "%s", warn);
	if (config_sa_file_exposed(cfg, err, sizeof(err)))
		dlog_msg(ctrl_log(ctrl), 4, "DPSEC-4-CONFIG_EXPOSED", "%s", err);
	err[0] = '\0';
	view_dp_init(&vd, dp, ctrl);
	ike = ctrl_ike_create(ctrl, err, sizeof(err));
	if (ike == NULL && err[0] != '\0')
		goto out;
	vd.cike = ike;
	vd.ike = ctrl_ike_engine(ike);
	wait = (struct manual_sa_wait){.dp = dp, .cfg = cfg, .log = ctrl_log(ctrl)};
	if (manual_sa_install(dp, cfg, &wait, err, sizeof(err)) != 0)
		goto out;
	manual_sa_warn(cfg, ctrl_log(ctrl));
	/* SAs whose peer's MAC is not known yet: the control thread installs them when it is */
	manual_sa_wait_log(&wait, ctrl_log(ctrl));
	if (wait.n != 0)
		ctrl_set_retry_hook(ctrl, manual_sa_retry, &wait);
	if (ctrl_telemetry_register(ctrl) != 0)
		fprintf(stderr, "dpsecd: telemetry commands not registered (continuing)\n");
	srv = cli_server_create(&v, err, sizeof(err));
	if (srv == NULL || dp_start(dp, err, sizeof(err)) != 0)
		goto out;
	dlog_msg(ctrl_log(ctrl), 5, "DPSEC-5-STARTED",
		 "dpsecd %s started: %u worker(s), %zu SA(s), invalid-spi-recovery %s",
		 DPSEC_VERSION, dp_worker_count(dp), dp_sa_count(dp),
		 cfg->isakmp.invalid_spi_recovery ? "on" : "off");
	printf("dpsecd: %s ready: %u worker(s), %zu SA(s), CLI on %s\n", cfg->hostname,
	       dp_worker_count(dp), dp_sa_count(dp), cfg->cli.socket);
	fflush(stdout);
	ctrl_ike_start(ike);
	ctrl_run(ctrl, srv, &quit);
	printf("dpsecd: shutting down\n");
	status = 0;
out:
	if (err[0] != '\0')
		fprintf(stderr, "dpsecd: %s\n", err);
	/*
	 * Stop, quiesce, free: the workers first (they read SAs and the
	 * rings), then the telemetry callbacks (DPDK's threads outlive
	 * rte_eal_cleanup and may run until exit; from here on they answer
	 * null), then everything they and the workers could reach.
	 */
	if (dp != NULL)
		dp_stop(dp);
	ctrl_telemetry_unregister(ctrl);
	cli_server_destroy(srv);
	if (ctrl != NULL)
		view_dp_fini(&vd);
	ctrl_ike_destroy(ike);
	ctrl_destroy(ctrl);
	manual_sa_wait_free(&wait);
	dp_destroy_at_exit(dp);	/* main's rte_eal_cleanup releases the rest of DPDK's heap */
	return status;
}

int
main(int argc, char **argv)
{
	const char *path = NULL;
	int check = 0, status, lock;
	char err[ERR_MAX], warn[ERR_MAX] = "";
	struct dpsec_config *cfg;
	struct stat st;
	struct eal_args ea = {0};

	if (parse_args(argc, argv, &path, &check) != 0)
		return 2;
	if (not_dumpable() != 0)
		return 1;
	cfg = config_load(path, err, sizeof(err));
	if (cfg == NULL) {
		fprintf(stderr, "dpsecd: %s\n", err);
		return 1;
	}
	if (stat(path, &st) == 0 && config_keys_exposed(cfg, st.st_mode, warn, sizeof(warn)))
		fprintf(stderr, "dpsecd: warning: %s\n", warn);
	if (config_sa_file_exposed(cfg, err, sizeof(err)))
		fprintf(stderr, "dpsecd: warning: %s\n", err);
	if (check) {
		printf("%s: configuration OK\n", path);
		config_free(cfg);
		return 0;
	}
	/* Before EAL: a second instance must not touch the devices or the first one's socket. */
	lock = cli_server_lock(&cfg->cli, err, sizeof(err));
	if (lock < 0) {
		fprintf(stderr, "dpsecd: %s\n", err);
		config_free(cfg);
		return 1;
	}
	if (eal_args_build(cfg, &ea) != 0 || rte_eal_init(ea.argc, ea.argv) < 0) {
		fprintf(stderr, "dpsecd: cannot initialise DPDK EAL: %s\n",
			ea.argv ? rte_strerror(rte_errno) : "out of memory");
		eal_args_free(&ea);
		config_free(cfg);
		close(lock);
		return 1;
	}
	install_signals();
	status = run(cfg, warn);
	rte_eal_cleanup();
	eal_args_free(&ea);
	config_free(cfg);
	close(lock);
	return status;
}
