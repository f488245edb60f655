/* cli.c - shared option-parsing helpers of the nfs41check subcommands (see cli.h). */
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nfs41check%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(nfs41check%s%s --help for usage)\n", cmd ? " " : "", cmd ? cmd : "");
	return CLI_EXIT_USAGE;
}

int cli_number(const char *cmd, const char *opt, const char *arg, unsigned long long lo,
	       unsigned long long hi, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(arg, &end, 0);
	if (!*arg || *end || errno || *out < lo || *out > hi || arg[0] == '-')
		return cli_usage_error(cmd, "%s wants a whole number from %llu to %llu, not '%s'", opt,
				       lo, hi, arg);
	return 0;
}

int cli_seconds(const char *cmd, const char *opt, const char *arg, double max, double *out)
{
	char *end;

	*out = strtod(arg, &end);
	if (!*arg || *end || !(*out > 0) || *out > max)
		return cli_usage_error(cmd, "%s wants seconds (> 0, at most %g), not '%s'", opt, max,
				       arg);
	return 0;
}

bool cli_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (!strcmp(host, "localhost"))
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		       (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return false;
}
