/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the IKEv2 engine as a responder (gwB): each input is a
 * sequence of records (ike_replay.h) -- datagrams from gwA, time passing,
 * dataplane lifetime events, operator commands -- fed to a fresh engine with
 * fake clock and dataplane. Randomness is reproducible in this build
 * (IKE_FUZZ_DETERMINISTIC), so the seeds in tests/fuzz/corpus/ike_responder/
 * (made by ike_responder_seeds from real exchanges with the engine as gwA)
 * get through IKE_SA_INIT and IKE_AUTH into CREATE_CHILD_SA, rekeys, DPD and
 * DELETE, and mutations start from there. The fake dataplane aborts on a
 * handle it never gave out or an SA without keys; ASan/UBSan do the rest.
 *
 *   ./build-fuzz/tests/fuzz/fuzz_ike_responder -max_total_time=300 \
 *       -dict=tests/fuzz/ike_msg.dict CORPUS tests/fuzz/corpus/ike_responder
 */
#include <stddef.h>
#include <stdint.h>

#include "ike_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dpsec_config *cfg;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_replay r = {0};

	if (cfg == NULL)
		cfg = ike_replay_config();
	ike_replay_start(&r, cfg);
	ike_replay_run(&r, data, size);
	/* let everything time out: retransmissions, DPD, rekeys, lingering SAs */
	for (int i = 0; i < 8; i++)
		ike_replay_record(&r, 255, 0, NULL, 0);
	ike_replay_finish(&r);
	return 0;
}
