/*
 * admin_client.h - the client side of nfs41refd's admin HTTP API, for `hook` steps.
 *
 * Owns everything HTTP and JSON about a hook: the endpoint (a loopback
 * HOST:PORT) and the bearer token read from its file; the JSON body of a
 * hook call built from case values typed by hooks.h (jansson); the one
 * request (libcurl: POST /api/v1/hooks/NAME, no proxy, no redirects, plain
 * http only, bounded timeouts); and the reply, whose output members become
 * case values. Errors come back as text; nothing here prints.
 *
 * Concurrency: a client is read-only once admin_client_open() returns, and
 * every call uses its own curl handle, so the runner's worker threads share
 * one client. admin_client_open() runs curl_global_init(), which is not
 * thread-safe: call it before any thread starts (main does).
 */
#ifndef NFS41_ENGINE_ADMIN_CLIENT_H
#define NFS41_ENGINE_ADMIN_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "expr.h"
#include "hooks.h"

#define ADMIN_TIMEOUT_S 5.0 /* the longest one hook call may take, connecting included */

struct admin_client {
	char endpoint[300]; /* HOST:PORT as given: for messages and re-run commands */
	char url[320];      /* "http://127.0.0.1:PORT", "http://[::1]:PORT" */
	char *token;        /* the bearer token: never put in a message */
	char *token_file;   /* its path: for re-run commands */
	bool curl_ready;    /* curl_global_init() done: close undoes it */
};

/*
 * Check hostport (a loopback address: 127.0.0.0/8, ::1 or localhost) and read the token
 * (the file's contents, trimmed; one line of printable characters). Returns 0, or -1 with
 * the reason in err. Close with admin_client_close() either way.
 */
int admin_client_open(struct admin_client *a, const char *hostport, const char *token_file,
		      char *err, size_t errlen);
void admin_client_close(struct admin_client *a);

/* One member of a hook's JSON body. A VAL_NONE value (`absent`) leaves the member out. */
struct admin_field {
	const char *key;
	enum hook_type type;
	const struct value *v;
};

/*
 * The JSON body of a hook call: malloc'ed compact text, or NULL with err naming the member
 * whose value does not fit its type ("slot takes a number, not 16 bytes").
 */
char *admin_hook_body(const struct admin_field *f, size_t n, char *err, size_t errlen);

/* What a successful hook answered besides "hook" and "ok", as case values. */
struct admin_output {
	char *name;
	struct value v;
};

struct admin_outputs {
	struct admin_output *v;
	size_t n;
};

void admin_outputs_free(struct admin_outputs *o);

enum admin_result {
	ADMIN_OK,          /* 200 and "ok": true; out holds the outputs */
	ADMIN_REFUSED,     /* the server answered with an error: err is "HTTP N: its message" */
	ADMIN_ERROR,       /* nothing proved: unreachable, no answer in time, an answer that is
			    * not the API's, or the token refused (401, 403: the run's set-up) */
};

/*
 * POST body to /api/v1/hooks/hook, waiting at most timeout seconds (capped at
 * ADMIN_TIMEOUT_S). On ADMIN_OK out is filled (free it with admin_outputs_free());
 * otherwise err says what happened and out is empty.
 */
enum admin_result admin_hook_call(const struct admin_client *a, const char *hook, const char *body,
				  double timeout, struct admin_outputs *out, char *err,
				  size_t errlen);

/*
 * The reply half of admin_hook_call(), for tests: an HTTP status and body as received.
 * Outputs: a string of an even number of hex digits becomes bytes (a "clientid" string a
 * number, the way $clientid is one), any other string its bytes, an integer a number, a
 * boolean 1 or 0; members of other JSON types are not kept.
 */
enum admin_result admin_hook_reply(long status, const char *body, size_t len,
				   struct admin_outputs *out, char *err, size_t errlen);

#endif
