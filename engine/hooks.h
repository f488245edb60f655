/*
 * hooks.h - the test hooks of nfs41refd's admin API, as case files name them.
 *
 * One table: each hook's name and the members of its JSON body with their
 * JSON types. The parser checks `hook NAME key=value` against it, the
 * executor fills the `sessionid` / `clientid` members from $sessionid /
 * $clientid when a case leaves them out, and the admin client converts each
 * value by its type. A hook the server adds needs a row here.
 */
#ifndef NFS41_ENGINE_HOOKS_H
#define NFS41_ENGINE_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

/* The `requires:` feature a case with a hook step declares; servers without it skip the case. */
#define HOOKS_FEATURE "hooks"

/* How a member goes into the JSON body. */
enum hook_type {
	HOOK_SESSIONID, /* 16 bytes -> a string of 32 hex digits; default $sessionid */
	HOOK_CLIENTID,  /* a number -> "%016" PRIx64; default $clientid */
	HOOK_U32,       /* a number, modulo 2^32 like a protocol field -> a JSON integer */
	HOOK_BOOL,      /* true/false (1/0) -> a JSON boolean */
};

struct hook_param {
	const char *key;
	enum hook_type type;
	bool optional; /* the server acts without it (restart without a clientid: every client) */
};

#define HOOK_MAX_PARAMS 4

struct hook_def {
	const char *name;
	struct hook_param params[HOOK_MAX_PARAMS];
	size_t nparams;
};

/* The hook called name, or NULL. */
const struct hook_def *hook_find(const char *name);
/* The member key of hook h, or NULL. */
const struct hook_param *hook_param_find(const struct hook_def *h, const char *key);
/* Whether members of this type default to a variable ($sessionid, $clientid); names it. */
bool hook_type_default(enum hook_type t, const char **var);
/* "target, preset, ..." and "sessionid, slot, seqid" for messages; return buf. */
char *hook_names(char *buf, size_t n);
char *hook_param_names(const struct hook_def *h, char *buf, size_t n);

#endif
