/*
 * cli.h - what every nfs41check subcommand's option parser shares: the usage
 * error line, numbers and seconds with their ranges, and the loopback check
 * for commands that may only send to this machine.
 */
#ifndef NFS41_ENGINE_CLI_H
#define NFS41_ENGINE_CLI_H

#include <stdbool.h>

#define CLI_EXIT_USAGE 64

/*
 * Print "nfs41check[ CMD]: message" and "(nfs41check[ CMD] --help for usage)"
 * to stderr; returns CLI_EXIT_USAGE. cmd is NULL for the top level.
 */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A whole number in [lo, hi] (decimal, 0x hex); 0, or a usage error naming opt. */
int cli_number(const char *cmd, const char *opt, const char *arg, unsigned long long lo,
	       unsigned long long hi, unsigned long long *out);
/* Seconds, > 0 and at most max; 0, or a usage error naming opt. */
int cli_seconds(const char *cmd, const char *opt, const char *arg, double max, double *out);
/* host is 127.0.0.0/8, ::1 (or an IPv4-mapped 127/8) or "localhost". */
bool cli_host_is_loopback(const char *host);

#endif
