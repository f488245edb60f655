/*
 * rpcgen_adapter.h - the independent decoder of the differential test: one
 * RPC record decoded by libtirpc (header, AUTH_SYS credential) and by rpcgen
 * code generated from nfs41_subset.x (COMPOUND), then expressed in our own
 * structs so our encoder can re-encode it.
 *
 * Nothing of our wire library's decoders is used on this path. The rpcgen
 * types stay inside rpcgen_adapter.c; callers see only struct wire_msg.
 */
#ifndef NFS41_TESTS_RPCGEN_ADAPTER_H
#define NFS41_TESTS_RPCGEN_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct rx_private;

/* One record as the independent decoder saw it. */
struct rx_msg {
	/*
	 * The RPC header and, when is_compound, COMPOUND4args or COMPOUND4res.
	 * Session ops are converted field by field; ops our library keeps raw
	 * (NFS4_OPF_RAW) hold rpcgen's own re-encoding of their arguments or
	 * resok arm in u.raw. Slices point into the record or into priv.
	 */
	struct wire_msg msg;
	struct rx_private *priv; /* rpcgen structs and buffers msg points into */
};

/*
 * Decode the record buf[0..len) (no record marking). A reply with an empty
 * body after MSG_ACCEPTED/SUCCESS is a NULL reply, any other a COMPOUND.
 * Returns false with a message in err when libtirpc or rpcgen rejects the
 * record, bytes are left over, or a value exceeds one of our structs' caps.
 * The record must outlive m. Always call rx_msg_free().
 */
bool rx_msg_decode(const uint8_t *buf, size_t len, struct rx_msg *m, char *err, size_t errlen);
void rx_msg_free(struct rx_msg *m);

#endif
