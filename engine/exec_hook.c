/*
 * exec_hook.c - the `hook` step: one call to a test hook of nfs41refd's admin API.
 *
 * The body's members are the case's key=value arguments, with sessionid and clientid
 * defaulting to $sessionid and $clientid for the hooks that take them (hooks.c). The
 * implicit expectation is success: the server refusing the hook fails the step (FAIL), an
 * admin API that cannot be reached proves nothing (ERROR). Every output member of the reply
 * becomes a variable (`revoke` sets $stateid), and a `preset` moves the client's own idea
 * of the slot's last seqid with the server's, so `$seqid[N]` and the default next seqid
 * follow the preset (RFC 8881 s2.10.6.1).
 */
#include <stdlib.h>
#include <string.h>

#include "admin_client.h"
#include "exec_internal.h"

/* The value of one member: the case's argument, else the default variable, else absent. */
static int member_value(struct exec *x, const struct step *s, const struct hook_param *hp,
			struct value *out)
{
	const char *var = NULL;
	const struct value *v;
	char err[256];

	*out = (struct value){.kind = VAL_NONE};
	for (size_t i = 0; i < s->u.hook.nargs; i++) {
		const struct arg *a = &s->u.hook.args[i];
		if (strcmp(a->name, hp->key) != 0)
			continue;
		if (expr_eval(a->value, &x->env, out, err, sizeof(err)) != 0)
			return step_fail(x, VERDICT_ERROR, "%s %s: %s", s->u.hook.def->name,
					 a->name, err);
		return 0;
	}
	if (hook_type_default(hp->type, &var) && (v = env_get(&x->env, var)) != NULL)
		return value_copy(out, v) == 0 ? 0 : step_fail(x, VERDICT_ERROR, "out of memory");
	if (hp->optional)
		return 0;
	if (var)
		return step_fail(x, VERDICT_ERROR, "%s: %s defaults to $%s, which is not set (use a "
						   "fixture first, or give %s=...)",
				 s->u.hook.def->name, hp->key, var, hp->key);
	return step_fail(x, VERDICT_ERROR, "%s: %s is not given", s->u.hook.def->name, hp->key);
}

/* The JSON body, or NULL after failing the step. */
static char *hook_body(struct exec *x, const struct step *s, struct value *vals)
{
	const struct hook_def *h = s->u.hook.def;
	struct admin_field f[HOOK_MAX_PARAMS];
	char err[256], *body;

	for (size_t i = 0; i < h->nparams; i++) {
		if (member_value(x, s, &h->params[i], &vals[i]) != 0)
			return NULL;
		f[i] = (struct admin_field){h->params[i].key, h->params[i].type, &vals[i]};
	}
	if (!(body = admin_hook_body(f, h->nparams, err, sizeof(err))))
		step_fail(x, VERDICT_ERROR, "%s: %s", h->name, err);
	return body;
}

static const struct value *member(const struct hook_def *h, const struct value *vals,
				  const char *key)
{
	for (size_t i = 0; i < h->nparams; i++)
		if (strcmp(h->params[i].key, key) == 0)
			return &vals[i];
	return NULL;
}

/* After `preset`: the slot's last seqid is the preset one, for the client as for the server. */
static void track_preset(struct exec *x, const struct hook_def *h, const struct value *vals)
{
	const struct value *sid = member(h, vals, "sessionid"), *slot = member(h, vals, "slot"),
			   *seqid = member(h, vals, "seqid");

	if (strcmp(h->name, "preset") != 0 || !sid || sid->kind != VAL_BYTES ||
	    sid->len != NFS4_SESSIONID_SIZE || !slot || slot->kind != VAL_INT || !seqid ||
	    seqid->kind != VAL_INT)
		return;
	client_track_seqid(x, sid->bytes, (uint32_t)slot->i, (uint32_t)seqid->i);
}

static int keep_outputs(struct exec *x, const struct admin_outputs *out)
{
	for (size_t i = 0; i < out->n; i++)
		if (env_set(&x->env, out->v[i].name, &out->v[i].v) != 0)
			return step_fail(x, VERDICT_ERROR, "out of memory");
	return 0;
}

static int call_hook(struct exec *x, const struct hook_def *h, const char *body)
{
	struct admin_outputs out;
	char err[600];
	double left = x->deadline - conn_now();
	enum admin_result rc = admin_hook_call(x->o->admin, h->name, body, left, &out, err,
					       sizeof(err));

	if (rc == ADMIN_REFUSED)
		return step_fail(x, VERDICT_FAIL, "%s: the admin API refused it: %s\n  sent: %s",
				 h->name, err, body);
	if (rc != ADMIN_OK)
		return step_fail(x, VERDICT_ERROR, "%s: %s", h->name, err);
	int kept = keep_outputs(x, &out);
	admin_outputs_free(&out);
	return kept;
}

int step_hook(struct exec *x, const struct step *s)
{
	const struct hook_def *h = s->u.hook.def;
	struct value vals[HOOK_MAX_PARAMS] = {{0}};
	char *body;
	int rc = -1;

	if (!x->o->admin)
		return step_fail(x, VERDICT_ERROR, "%s: no admin API to call (run with --admin "
						   "HOST:PORT --admin-token FILE)", h->name);
	if (x->deadline - conn_now() <= 0)
		return step_fail(x, VERDICT_ERROR, "%s: the case timeout (%.0f s) has passed",
				 h->name, x->c->timeout);
	body = hook_body(x, s, vals);
	if (body && call_hook(x, h, body) == 0) {
		track_preset(x, h, vals);
		rc = 0;
	}
	free(body);
	for (size_t i = 0; i < HOOK_MAX_PARAMS; i++)
		value_free(&vals[i]);
	return rc;
}
