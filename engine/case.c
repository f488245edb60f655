/* case.c - freeing a compiled case, its `requires:` features, step names for `nfs41check show`. */
#include "case.h"

#include <stdlib.h>
#include <string.h>

void args_free(struct arg *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		expr_free(a[i].value);
	}
	free(a);
}

static void send_free(struct send_spec *s)
{
	free(s->label);
	free(s->resend_of);
	args_free(s->callargs, s->ncallargs);
	for (size_t i = 0; i < s->nops; i++)
		args_free(s->ops[i].args, s->ops[i].nargs);
	free(s->ops);
	for (size_t i = 0; i < s->nmutations; i++) {
		expr_free(s->mutations[i].offset);
		expr_free(s->mutations[i].value);
	}
	free(s->mutations);
	expr_free(s->fragment);
	expr_free(s->hex);
}

void check_free(struct check *k)
{
	free(k->path);
	for (size_t j = 0; j < k->nvalues; j++)
		expr_free(k->values[j]);
	free(k->values);
	expr_free(k->mask);
	if (k->guard) {
		check_free(k->guard);
		free(k->guard);
	}
	*k = (struct check){0};
}

static void expect_free(struct expect_spec *e)
{
	free(e->label);
	free(e->outcomes);
	free(e->statuses);
	free(e->resops);
	for (size_t i = 0; i < e->nchecks; i++)
		check_free(&e->checks[i]);
	free(e->checks);
	for (size_t i = 0; i < e->nsaves; i++) {
		free(e->saves[i].var);
		free(e->saves[i].path);
	}
	free(e->saves);
	expr_free(e->within);
}

static void step_free(struct step *s)
{
	free(s->source);
	free(s->conn);
	switch (s->kind) {
	case STEP_CONNECT:
	case STEP_SEND:
		send_free(&s->u.send);
		break;
	case STEP_EXPECT:
		expect_free(&s->u.expect);
		break;
	case STEP_SLEEP:
		expr_free(s->u.sleep.amount);
		break;
	case STEP_SET:
		free(s->u.set.var);
		expr_free(s->u.set.value);
		break;
	case STEP_REPEAT:
		expr_free(s->u.repeat.count);
		break;
	case STEP_HOOK:
		args_free(s->u.hook.args, s->u.hook.nargs);
		break;
	default:
		break;
	}
}

bool case_requires(const struct case_def *c, const char *feature)
{
	for (size_t i = 0; i < c->nrequires; i++)
		if (strcmp(c->requires[i], feature) == 0)
			return true;
	return false;
}

static void strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void case_free(struct case_def *c)
{
	for (size_t i = 0; i < c->nsteps; i++)
		step_free(&c->steps[i]);
	free(c->steps);
	strings_free(c->requirements, c->nrequirements);
	strings_free(c->tags, c->ntags);
	strings_free(c->requires, c->nrequires);
	strings_free(c->fixture_files, c->nfixture_files);
	free(c->file);
	free(c->id);
	free(c->title);
	free(c->level);
	free(c->group);
	*c = (struct case_def){0};
}

const char *step_kind_name(enum step_kind k)
{
	static const char *const names[] = {
		[STEP_CONNECT] = "connect", [STEP_DISCONNECT] = "disconnect",
		[STEP_RECONNECT] = "reconnect", [STEP_SEND] = "send", [STEP_EXPECT] = "expect",
		[STEP_SLEEP] = "sleep", [STEP_SET] = "set", [STEP_REPEAT] = "repeat",
		[STEP_END] = "end", [STEP_HOOK] = "hook"};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}
