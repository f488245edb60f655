/*
 * metrics.c - the Prometheus text exposition (see metrics.h).
 */
#include "metrics.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void one(FILE *f, const char *name, const char *type, const char *help, uint64_t v)
{
	family(f, name, type, help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

/* The session lifetime histogram: cumulative buckets, as Prometheus wants them. */
static void render_duration(FILE *f, const struct sm_stats *s)
{
	uint64_t cum = 0;

	family(f, "nfs41refd_session_duration_seconds", "histogram",
	       "How long destroyed sessions lived.");
	for (int b = 0; b < SM_DURATION_BUCKETS - 1; b++) {
		cum += s->duration_buckets[b];
		fprintf(f, "nfs41refd_session_duration_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
			sm_duration_bounds[b], cum);
	}
	cum += s->duration_buckets[SM_DURATION_BUCKETS - 1];
	fprintf(f, "nfs41refd_session_duration_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n", cum);
	fprintf(f, "nfs41refd_session_duration_seconds_sum %.3f\n", s->duration_sum);
	fprintf(f, "nfs41refd_session_duration_seconds_count %" PRIu64 "\n", s->duration_count);
}

static void render_sm(FILE *f, const struct sm_stats *s)
{
	one(f, "nfs41refd_sessions_created_total", "counter",
	    "Sessions created by CREATE_SESSION.", s->sessions_created);
	one(f, "nfs41refd_sessions_destroyed_total", "counter",
	    "Sessions destroyed (DESTROY_SESSION, client teardown, reaper, admin).",
	    s->sessions_destroyed);
	family(f, "nfs41refd_sessions_destroyed_by_reason_total", "counter",
	       "Sessions destroyed, by reason.");
	for (int r = 0; r < SM_DESTROY_NREASONS; r++)
		fprintf(f, "nfs41refd_sessions_destroyed_by_reason_total{reason=\"%s\"} %" PRIu64 "\n",
			sm_destroy_reason_name((enum sm_destroy_reason)r), s->destroyed_by[r]);
	render_duration(f, s);
	one(f, "nfs41refd_sequence_ops_total", "counter", "SEQUENCE operations handled.",
	    s->sequences);
	one(f, "nfs41refd_slots_in_use", "gauge",
	    "Fore-channel slots that have served a request, all sessions.", s->slots_in_use);
	one(f, "nfs41refd_sessions_active", "gauge", "Sessions that exist now.",
	    s->sessions_active);
	one(f, "nfs41refd_compounds_total", "counter", "COMPOUND requests handled.", s->compounds);
	one(f, "nfs41refd_replays_served_total", "counter",
	    "Retried requests answered from a slot's reply cache.", s->replays_served);
	one(f, "nfs41refd_false_retries_total", "counter",
	    "Retries whose request differs from the cached one (NFS4ERR_SEQ_FALSE_RETRY).",
	    s->false_retries);
	one(f, "nfs41refd_misordered_total", "counter",
	    "SEQUENCE requests with a misordered seqid (NFS4ERR_SEQ_MISORDERED).", s->misordered);
	one(f, "nfs41refd_reply_cache_bytes", "gauge",
	    "Bytes of cached replies held by all sessions' slots.", s->reply_cache_bytes);
	family(f, "nfs41refd_clients", "gauge", "Client records that exist now, by state.");
	fprintf(f, "nfs41refd_clients{state=\"confirmed\"} %" PRIu64 "\n", s->clients_confirmed);
	fprintf(f, "nfs41refd_clients{state=\"unconfirmed\"} %" PRIu64 "\n",
		s->clients_unconfirmed);
	one(f, "nfs41refd_reaper_runs_total", "counter", "Runs of the lease reaper.",
	    s->reaper_runs);
	one(f, "nfs41refd_reaped_clients_total", "counter",
	    "Client records removed by the reaper (expired lease or stale unconfirmed).",
	    s->reaped_clients);
}

static void render_transport(FILE *f, const struct transport_stats *t)
{
	one(f, "nfs41refd_connections", "gauge", "TCP connections open now.", t->connections);
	one(f, "nfs41refd_connections_accepted_total", "counter", "TCP connections accepted.",
	    t->accepted);
	one(f, "nfs41refd_connections_refused_total", "counter",
	    "TCP connections closed at once because max_connections were open.", t->refused);
	family(f, "nfs41refd_connections_closed_total", "counter",
	       "TCP connections closed, by reason.");
	for (int r = 0; r < TRANSPORT_CLOSE_NREASONS; r++)
		fprintf(f, "nfs41refd_connections_closed_total{reason=\"%s\"} %" PRIu64 "\n",
			transport_close_reason_name((enum transport_close_reason)r), t->closed[r]);
	one(f, "nfs41refd_records_received_total", "counter", "RPC records received.",
	    t->records_in);
	one(f, "nfs41refd_records_sent_total", "counter", "RPC reply records sent.",
	    t->replies_out);
	one(f, "nfs41refd_received_bytes_total", "counter", "Bytes received on TCP connections.",
	    t->bytes_in);
	one(f, "nfs41refd_sent_bytes_total", "counter", "Bytes sent on TCP connections.",
	    t->bytes_out);
	one(f, "nfs41refd_output_queued_bytes", "gauge",
	    "Reply bytes queued for sending now, all connections.", (uint64_t)t->out_queued);
}

char *metrics_render(const struct sm_stats *s, const struct transport_stats *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	render_sm(f, s);
	if (t)
		render_transport(f, t);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
