/* sm_admin.c - snapshots of clients and sessions, administrative destruction and test hooks. */
#include "sm_internal.h"

#include <stdlib.h>
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

int sm_hook_force_highest(struct sm *s, const uint8_t sessionid[16], uint32_t highest)
{
	struct sm_session *x = sm_session_find(s, sessionid);

	if (!x || highest >= x->slots.nslots)
		return -1;
	slot_table_force_highest(&x->slots, highest);
	return 0;
}

int sm_hook_preset_slot(struct sm *s, const uint8_t sessionid[16], uint32_t slot, uint32_t seqid)
{
	struct sm_session *x = sm_session_find(s, sessionid);

	return x && slot_table_preset(&x->slots, slot, seqid) ? 0 : -1;
}

int sm_hook_delay(struct sm *s, const uint8_t sessionid[16], uint32_t slot, uint32_t ms)
{
	struct sm_session *x = sm_session_find(s, sessionid);

	if (!x || slot >= x->slots.nslots || ms == 0 || ms > SM_MAX_DELAY_MS)
		return -1;
	x->delay_slot = slot;
	x->delay_ms = ms;
	return 0;
}

int sm_hook_backchannel_fault(struct sm *s, const uint8_t sessionid[16])
{
	struct sm_session *x = sm_session_find(s, sessionid);

	if (!x)
		return -1;
	x->bc_fault = true;
	return 0;
}

int sm_hook_session_cap(struct sm *s, uint64_t clientid, uint32_t max)
{
	struct sm_client *c = sm_client_find(s, clientid);

	if (!c)
		return -1;
	c->capped = true;
	c->session_cap = max;
	return 0;
}

/*
 * SP4_MACH_CRED as if the client's EXCHANGE_ID had come over RPCSEC_GSS and been granted it
 * (RFC 8881 s2.10.8.3, s18.35.3; SES-44): the machine credential is the principal that created
 * the record, and the enforced set is every operation s18.35.3 says a granting server must
 * enforce when the client asks (EXID-17) - BIND_CONN_TO_SESSION only with bind. DELEGPURGE
 * is in the set but this server has no delegations: it answers NOTSUPP to every principal.
 */
int sm_hook_mach_cred(struct sm *s, uint64_t clientid, bool bind)
{
	static const uint32_t enforced[] = {OP_EXCHANGE_ID, OP_CREATE_SESSION, OP_DESTROY_SESSION,
					    OP_DESTROY_CLIENTID, OP_DELEGPURGE};
	struct sm_client *c = sm_client_find(s, clientid);

	if (!c)
		return -1;
	c->mach_cred = true;
	c->mach_principal = c->principal;
	c->must_enforce = (struct bitmap4){0};
	for (size_t i = 0; i < sizeof(enforced) / sizeof(enforced[0]); i++)
		bitmap4_set(&c->must_enforce, enforced[i]);
	if (bind)
		bitmap4_set(&c->must_enforce, OP_BIND_CONN_TO_SESSION);
	sm_logf(s, "SP4_MACH_CRED (test hook): client %016llx, BIND_CONN_TO_SESSION %s",
		(unsigned long long)clientid, bind ? "enforced" : "not enforced");
	return 0;
}

int sm_hook_revoke(struct sm *s, uint64_t clientid, uint8_t stateid_xdr[16])
{
	struct sm_client *c = sm_client_find(s, clientid);
	uint32_t n = ++s->next_stateid;

	if (!c)
		return -1;
	/* other: the client id and a counter, so a stale or foreign stateid never matches */
	for (int i = 0; i < 8; i++)
		c->revoked_other[i] = (uint8_t)(clientid >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		c->revoked_other[8 + i] = (uint8_t)(n >> (24 - 8 * i));
	c->revoked = true;
	stateid_xdr[0] = stateid_xdr[1] = stateid_xdr[2] = 0; /* seqid 1, big-endian */
	stateid_xdr[3] = 1;
	memcpy(stateid_xdr + 4, c->revoked_other, NFS4_OTHER_SIZE);
	sm_logf(s, "state revoked (test hook): client %016llx", (unsigned long long)clientid);
	return 0;
}

/* Restart keeping c's record: its sessions live on as dead ones, unbound (SES-37). */
static void restart_keeping(struct sm *s, struct sm_client *c)
{
	for (struct sm_session *x = s->sessions; x; x = x->next) {
		if (x->client != c)
			continue;
		sm_deferred_drop_session(s, x);
		x->dead = true;
		x->nconns = 0;
	}
	c->lease_expiry_ms = sm_now(s) + (uint64_t)s->limits.lease_seconds * 1000;
}

static void restart_forgetting(struct sm *s, struct sm_client *c)
{
	for (struct sm_session *x = s->sessions; x; x = x->next)
		if (x->client == c)
			sm_deferred_drop_session(s, x);
	sm_client_destroy(s, c, SM_BY_RESTART);
}

int sm_hook_restart(struct sm *s, uint64_t clientid, bool keep_state)
{
	struct sm_client *c = clientid ? sm_client_find(s, clientid) : NULL, *next;

	if (clientid && !c)
		return -1;
	sm_logf(s, "restart (test hook): %s, %s state",
		clientid ? "one client" : "whole server", keep_state ? "with" : "without");
	if (c) {
		(keep_state ? restart_keeping : restart_forgetting)(s, c);
		return 0;
	}
	for (c = s->clients; c; c = next) {
		next = c->next;
		(keep_state ? restart_keeping : restart_forgetting)(s, c);
	}
	/* A new incarnation: ids handed out from now on never equal earlier ones (s2.4, SES-40).
	 * The increment is odd in both halves, so the clientid's 32-bit boot part changes too. */
	if (!keep_state)
		s->boot_id += 0x9E3779B97F4A7C15ull;
	return 0;
}

/* ---- replies held by the delay hook ---------------------------------------------------------- */

static void deferred_free(struct sm_deferred *d)
{
	free(d->body);
	free(d->reply);
	free(d);
}

bool sm_defer_reply(struct sm *s, struct sm_request *rq, const uint8_t *body, size_t body_len,
		    const uint8_t *reply, size_t reply_len)
{
	struct sm_session *x = rq->session;
	struct sm_deferred *d, **tail;

	if (!rq->slot_begun || !x || x->delay_ms == 0 || x->delay_slot != rq->slot)
		return false;
	d = calloc(1, sizeof(*d));
	if (d) {
		d->body = malloc(body_len ? body_len : 1);
		d->reply = malloc(reply_len ? reply_len : 1);
	}
	if (!d || !d->body || !d->reply) {
		if (d)
			deferred_free(d);
		return false; /* no memory to hold it: answer now */
	}
	memcpy(d->body, body, body_len);
	d->body_len = body_len;
	memcpy(d->reply, reply, reply_len);
	d->reply_len = reply_len;
	d->conn = rq->conn;
	d->due_ms = sm_now(s) + x->delay_ms;
	d->slot = rq->slot;
	d->cachethis = rq->cachethis;
	memcpy(d->sessionid, x->id, NFS4_SESSIONID_SIZE);
	sm_logf(s, "reply held (test hook): slot %u for %u ms", rq->slot, x->delay_ms);
	x->delay_ms = 0; /* one request only */
	for (tail = &s->deferred; *tail; tail = &(*tail)->next)
		;
	*tail = d;
	return true;
}

void sm_deferred_drop_session(struct sm *s, struct sm_session *x)
{
	struct sm_deferred **p = &s->deferred, *d;

	while ((d = *p) != NULL) {
		if (memcmp(d->sessionid, x->id, NFS4_SESSIONID_SIZE) != 0) {
			p = &d->next;
			continue;
		}
		*p = d->next;
		slot_table_abort(&x->slots, d->slot); /* never finished: as if it never ran */
		deferred_free(d);
	}
}

void sm_deferred_free(struct sm *s)
{
	while (s->deferred) {
		struct sm_deferred *d = s->deferred;
		s->deferred = d->next;
		deferred_free(d);
	}
}

uint64_t sm_next_release_ms(const struct sm *s)
{
	uint64_t next = UINT64_MAX;

	for (const struct sm_deferred *d = s->deferred; d; d = d->next)
		if (d->due_ms < next)
			next = d->due_ms;
	return next;
}

bool sm_release_due(struct sm *s, uint64_t *conn, uint8_t **reply, size_t *reply_len)
{
	uint64_t now = sm_now(s);
	struct sm_deferred **p, *d;
	struct sm_session *x;

	for (p = &s->deferred; *p && (*p)->due_ms > now; p = &(*p)->next)
		;
	if (!(d = *p))
		return false;
	*p = d->next;
	x = sm_session_find(s, d->sessionid);
	if (x) /* else destroyed meanwhile (admin, reaper): the reply still goes out */
		sm_slot_finish(s, x, d->slot, d->cachethis, d->body, d->body_len);
	*conn = d->conn;
	*reply = d->reply;
	*reply_len = d->reply_len;
	d->reply = NULL;
	deferred_free(d);
	return true;
}
