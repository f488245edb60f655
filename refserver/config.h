/*
 * config.h - every nfs41refd tunable with its default, the config file and flag parsing.
 *
 * The file format is one `key = value` per line; blank lines and lines whose
 * first non-blank character is '#' are ignored (there are no trailing
 * comments: '#' inside a value is part of it, so paths may contain it).
 * A key given twice takes the later value. Flags override the file, whatever
 * their position on the command line. refd_config_print() writes the same
 * format, so --print-config output reads back unchanged.
 *
 * Errors are returned as text, never printed: `file:line: message` for the
 * file, `--flag: message` for the command line. Limits that relate two keys
 * (a cached reply no larger than any reply, a request no larger than a record)
 * are checked once, by refd_config_validate(), after the file and the flags.
 */
#ifndef NFS41_REFSERVER_CONFIG_H
#define NFS41_REFSERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum refd_log_level { REFD_LOG_ERROR, REFD_LOG_WARN, REFD_LOG_INFO, REFD_LOG_DEBUG };

#define REFD_ADDR_MAX 64
#define REFD_PATH_MAX 256
#define REFD_PORT_AUTO 65536u /* admin_port "auto" */

struct refd_config {
	char listen[REFD_ADDR_MAX];        /* numeric IPv4 or IPv6 address */
	uint32_t port;                     /* 0: pick a free port */
	uint32_t admin_port;               /* HTTP admin API; 0: off; REFD_PORT_AUTO: a free one */
	char admin_listen[REFD_ADDR_MAX];  /* its numeric IPv4 or IPv6 address */
	uint32_t lease_seconds;            /* RFC 8881 s8.3 lease period (fattr4_lease_time) */
	uint32_t max_clients;              /* client records, confirmed or not */
	uint32_t max_sessions_per_client;
	uint32_t max_fore_slots;           /* ceiling on ca_maxrequests, fore channel */
	uint32_t max_back_slots;           /* ceiling on ca_maxrequests, back channel */
	uint32_t max_back_ops;             /* ceiling on ca_maxoperations, back channel */
	uint32_t max_request_size;         /* ca_maxrequestsize ceiling, RPC header included */
	uint32_t max_response_size;        /* ca_maxresponsesize ceiling */
	uint32_t max_response_size_cached; /* ca_maxresponsesize_cached ceiling */
	uint32_t max_ops;                  /* ca_maxoperations ceiling, fore channel */
	uint32_t max_conns_per_session;
	uint32_t max_connections;          /* transport: open TCP connections */
	uint32_t idle_timeout_seconds;     /* transport: close a connection silent this long */
	uint32_t max_record_size;          /* transport: record-marking payload limit */
	uint32_t max_record_fragments;     /* transport: fragments allowed in one record */
	uint32_t reaper_period_seconds;    /* how often expired leases are swept */
	uint32_t unconfirmed_timeout_seconds; /* unconfirmed client records; 0: one lease */
	uint64_t reply_cache_bytes;        /* all sessions' slot reply caches together */
	enum refd_log_level log_level;
	char admin_token_file[REFD_PATH_MAX]; /* bearer token for the admin API; "": none */
	bool test_hooks;                   /* admin endpoints that bend time and state */
};

/* What the command line asked for besides settings. */
struct refd_args {
	bool print_config; /* --print-config */
	bool help;         /* --help */
	const char *config_path; /* --config FILE, or NULL */
};

/* Fill c with the defaults. */
void refd_config_defaults(struct refd_config *c);

/*
 * Set one key from its text form. Returns 0, or -1 with err set to
 * "key: message" (no location) and c unchanged.
 */
int refd_config_set(struct refd_config *c, const char *key, const char *value, char *err,
		    size_t errlen);

/*
 * Apply a config file read from f, named name in messages. Returns 0, or -1
 * with err set to "name:line: message"; keys before the bad line stay applied.
 */
int refd_config_read(struct refd_config *c, FILE *f, const char *name, char *err, size_t errlen);
/* The same for a path; an unopenable file is "path: cannot open: reason". */
int refd_config_load(struct refd_config *c, const char *path, char *err, size_t errlen);

/*
 * The cross-key checks. Returns 0, or -1 with err set to e.g.
 * "max_response_size_cached (2000) exceeds max_response_size (1000)".
 */
int refd_config_validate(const struct refd_config *c, char *err, size_t errlen);

/*
 * Parse argv[1..argc-1] over c (which should hold the defaults): the file of
 * --config first, then the flags in order, then refd_config_validate().
 * Flags: --listen ADDR, --port N, --admin-port N, --lease SECONDS, --config
 * FILE, --set key=value (repeatable), --print-config, --help; "--flag=value"
 * works too. Returns 0, or -1 with err set.
 */
int refd_config_from_args(struct refd_config *c, int argc, char *const argv[],
			  struct refd_args *a, char *err, size_t errlen);

/* Print the effective values in the file format, each key after a comment line. */
void refd_config_print(FILE *out, const struct refd_config *c);
/* The usage text for --help. */
void refd_config_usage(FILE *out, const char *prog);

/* "error", "warn", "info" or "debug". */
const char *refd_log_level_name(enum refd_log_level l);
/* The unconfirmed-client timeout in effect (0 in the config means one lease). */
uint32_t refd_config_unconfirmed_timeout(const struct refd_config *c);

#endif
