/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What invalid-SPI recovery can decide for an unknown-SPI report
 * (src/ctrl/recovery.h decides; the views count and name the decisions).
 * X(ID, "what was done, for the log and the views")
 */
#ifndef DPSEC_RECOVERY_ACTIONS_H
#define DPSEC_RECOVERY_ACTIONS_H

#define RECOVERY_ACTIONS(X)                                                                        \
	X(NOTIFY, "INVALID_SPI notify sent over the IKE SA, CHILD_SA re-created")                  \
	X(NOTIFY_ONLY, "INVALID_SPI notify sent over the IKE SA")                                  \
	X(INITIATE, "IKE SA initiated with INITIAL_CONTACT")                                       \
	X(WAIT, "waiting for more packets of the flow")                                            \
	X(HELD_DOWN, "peer in hold-down after the last recovery")                                  \
	X(RATE_LIMITED, "over the rate of recovery initiations")                                   \
	X(OFF, "no IKE SA with the peer and recovery is off")                                      \
	X(DYNAMIC_PEER, "peer of a dynamic crypto map: no recovery")                               \
	X(NOT_PEER, "not a configured peer: no recovery")

enum recovery_action {
#define REC_X(id, text) RECOVERY_##id,
	RECOVERY_ACTIONS(REC_X)
#undef REC_X
	RECOVERY__COUNT
};

#endif
