/* sm_admin.c - snapshots of clients and sessions, administrative destruction and test hooks. */
#include "sm_internal.h"

#include <string.h>

uint64_t sm_clock_ms(const struct sm *s) { return sm_now(s); }

size_t sm_list_clients(const struct sm *s, struct sm_client_info *out, size_t max)
{
	size_t n = 0;

	for (const struct sm_client *c = s->clients; c; c = c->next, n++) {
		struct sm_client_info *i;
		if (n >= max)
			continue;
		i = &out[n];
		*i = (struct sm_client_info){.clientid = c->clientid, .confirmed = c->confirmed,
					     .owner_len = c->owner_len, .nsessions = c->nsessions,
					     .created_ms = c->created_ms,
					     .lease_expiry_ms = c->lease_expiry_ms};
		memcpy(i->owner, c->owner, c->owner_len < sizeof(i->owner) ? c->owner_len : sizeof(i->owner));
	}
	return n;
}

static void session_info(const struct sm_session *x, struct sm_session_info *i)
{
	struct slot_info si;

	*i = (struct sm_session_info){
		.clientid = x->client->clientid, .flags = x->flags,
		.fore_slots = x->fore.ca_maxrequests, .fore_max_ops = x->fore.ca_maxoperations,
		.fore_max_request = x->fore.ca_maxrequestsize,
		.fore_max_response = x->fore.ca_maxresponsesize,
		.fore_max_cached = x->fore.ca_maxresponsesize_cached,
		.back_slots = x->back.ca_maxrequests, .back_max_ops = x->back.ca_maxoperations,
		.highest_slotid = slot_table_highest(&x->slots),
		.target_highest_slotid = slot_table_target(&x->slots),
		.cached_bytes = slot_table_cached_bytes(&x->slots),
		.created_ms = x->created_ms, .last_used_ms = x->last_used_ms};
	memcpy(i->sessionid, x->id, sizeof(i->sessionid));
	for (uint32_t k = 0; k < x->slots.nslots; k++)
		if (slot_table_slot_info(&x->slots, k, &si) && si.state != SLOT_NEVER_USED)
			i->slots_in_use++;
	for (uint32_t k = 0; k < x->nconns && k < SM_MAX_CONN_INFO; k++) {
		i->conns[k] = x->conns[k].conn;
		i->conn_dirs[k] = x->conns[k].dir;
	}
	i->nconns = x->nconns < SM_MAX_CONN_INFO ? x->nconns : SM_MAX_CONN_INFO;
}

size_t sm_list_sessions(const struct sm *s, uint64_t clientid, struct sm_session_info *out,
			size_t max)
{
	size_t n = 0;

	for (const struct sm_session *x = s->sessions; x; x = x->next) {
		if (clientid && x->client->clientid != clientid)
			continue;
		if (n < max)
			session_info(x, &out[n]);
		n++;
	}
	return n;
}

int sm_admin_destroy_session(struct sm *s, uint64_t clientid, const uint8_t sessionid[16])
{
	struct sm_session *x = sm_session_find(s, sessionid);

	if (!x || (clientid && x->client->clientid != clientid))
		return -1;
	sm_session_destroy(s, x, SM_BY_ADMIN);
	return 0;
}

int sm_admin_destroy_client(struct sm *s, uint64_t clientid)
{
	struct sm_client *c = sm_client_find(s, clientid);

	if (!c)
		return -1;
	sm_client_destroy(s, c, SM_BY_ADMIN);
	return 0;
}

int sm_hook_set_target(struct sm *s, const uint8_t sessionid[16], uint32_t target)
{
	struct sm_session *x = sm_session_find(s, sessionid);

	if (!x)
		return -1;
	slot_table_set_target(&x->slots, target);
	return 0;
}

int sm_hook_preset_slot(struct sm *s, const uint8_t sessionid[16], uint32_t slot, uint32_t seqid)
{
	struct sm_session *x = sm_session_find(s, sessionid);

	return x && slot_table_preset(&x->slots, slot, seqid) ? 0 : -1;
}
