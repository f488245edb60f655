/*
 * metrics.h - the Prometheus text exposition of nfs41refd's counters (GET /metrics).
 *
 * A pure function over snapshots: no locks, no sockets, no clock, so the
 * output is unit-testable (tests run it through `promtool check metrics`).
 * Every family has # HELP and # TYPE lines; the only labels have fixed,
 * small value sets (client state, connection close reason): nothing grows
 * with the number of clients or sessions.
 */
#ifndef NFS41_REFSERVER_METRICS_H
#define NFS41_REFSERVER_METRICS_H

#include "sm.h"
#include "transport.h"

/*
 * Render the exposition text (Prometheus text format 0.0.4) for the state
 * machine's counters s and, when t is not NULL, the transport's counters.
 * Returns a malloc'ed NUL-terminated string (the caller frees it), or NULL
 * when out of memory.
 */
char *metrics_render(const struct sm_stats *s, const struct transport_stats *t);

/* The Content-Type of that text. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
