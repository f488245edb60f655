/*
 * sm_callback.h - calls the state machine starts itself: the back channel's CB_NULL probes
 * (sm_callback.c). The transport sends what sm_outgoing_take() hands it after every record.
 */
#ifndef NFS41_REFSERVER_SM_CALLBACK_H
#define NFS41_REFSERVER_SM_CALLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sm;

/* The next server-initiated call, in order: true with *conn and *rec (an RPC message without
 * record marking, malloc'ed: the caller frees it and sends it if conn is still open). */
bool sm_outgoing_take(struct sm *s, uint64_t *conn, uint8_t **rec, size_t *len);

#endif
