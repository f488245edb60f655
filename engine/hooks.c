/* hooks.c - the table of nfs41refd's test hooks (see hooks.h). */
#include "hooks.h"

#include <stdio.h>
#include <string.h>

/*
 * POST /api/v1/hooks/NAME on nfs41refd's admin port (refserver/admin.c). Each row lists only
 * the members that hook reads, so a defaulted sessionid or clientid goes where it is used.
 */
#define ARG(key, type) {(key), (type), false}
#define OPTIONAL_ARG(key, type) {(key), (type), true}

static const struct hook_def hooks[] = {
	/* lower the session's target_highest_slotid (RFC 8881 s18.46.3, SEQ-10, SES-18) */
	{"target", {ARG("sessionid", HOOK_SESSIONID), ARG("target", HOOK_U32)}, 2},
	/* cut the enforced highest slot at once: BAD_HIGH_SLOT above it
	 * (RFC 8881 s2.10.6.1, s15.1.11.3, SES-19) */
	{"force-highest", {ARG("sessionid", HOOK_SESSIONID), ARG("highest", HOOK_U32)}, 2},
	/* preset a slot's last seqid, e.g. 0xffffffff for the wrap (RFC 8881 s2.10.6.1, SES-12) */
	{"preset",
	 {ARG("sessionid", HOOK_SESSIONID), ARG("slot", HOOK_U32), ARG("seqid", HOOK_U32)}, 3},
	/* hold the reply to the slot's next new request ms milliseconds
	 * (RFC 8881 s2.10.6.2, SES-34) */
	{"delay", {ARG("sessionid", HOOK_SESSIONID), ARG("slot", HOOK_U32), ARG("ms", HOOK_U32)},
	 3},
	/* a server restart as the client sees it, with or without its sessions' state
	 * (RFC 8881 s2.10.13.1.4, SES-39, SES-40) */
	{"restart", {OPTIONAL_ARG("clientid", HOOK_CLIENTID), ARG("state", HOOK_BOOL)}, 2},
	/* revoke the client's state; the reply names the stateid FREE_STATEID frees
	 * (RFC 8881 s18.46.3, SEQ-15) */
	{"revoke", {ARG("clientid", HOOK_CLIENTID)}, 1},
	/* SEQ4_STATUS_BACKCHANNEL_FAULT on the session from now on (RFC 8881 s18.46.3, SEQ-16) */
	{"bcfault", {ARG("sessionid", HOOK_SESSIONID)}, 1},
	/* at most max sessions for the client: CREATE_SESSION beyond gets NOSPC
	 * (RFC 8881 s18.36.4, CS-15) */
	{"session-cap", {ARG("clientid", HOOK_CLIENTID), ARG("max", HOOK_U32)}, 2},
	/* SP4_MACH_CRED as if EXCHANGE_ID had come over RPCSEC_GSS: the creating principal alone
	 * may send the enforced ops, BIND_CONN_TO_SESSION among them unless bind=false
	 * (RFC 8881 s2.10.8.3, s18.35.3, SES-44) */
	{"mach-cred", {ARG("clientid", HOOK_CLIENTID), OPTIONAL_ARG("bind", HOOK_BOOL)}, 2},
};

#define NHOOKS (sizeof(hooks) / sizeof(hooks[0]))

const struct hook_def *hook_find(const char *name)
{
	for (size_t i = 0; i < NHOOKS; i++)
		if (strcmp(hooks[i].name, name) == 0)
			return &hooks[i];
	return NULL;
}

const struct hook_param *hook_param_find(const struct hook_def *h, const char *key)
{
	for (size_t i = 0; i < h->nparams; i++)
		if (strcmp(h->params[i].key, key) == 0)
			return &h->params[i];
	return NULL;
}

bool hook_type_default(enum hook_type t, const char **var)
{
	*var = t == HOOK_SESSIONID ? "sessionid" : t == HOOK_CLIENTID ? "clientid" : NULL;
	return *var != NULL;
}

/* "a, b, c" into buf. */
static char *join(const char *const *items, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", items[i]);
	return buf;
}

char *hook_names(char *buf, size_t n)
{
	const char *names[NHOOKS];

	for (size_t i = 0; i < NHOOKS; i++)
		names[i] = hooks[i].name;
	return join(names, NHOOKS, buf, n);
}

char *hook_param_names(const struct hook_def *h, char *buf, size_t n)
{
	const char *keys[HOOK_MAX_PARAMS];

	for (size_t i = 0; i < h->nparams; i++)
		keys[i] = h->params[i].key;
	return join(keys, h->nparams, buf, n);
}
