/* exec_record.c - a case's traffic written as a pcap file (--record-pcap), via pcap_writer. */
#include <stdio.h>
#include <sys/time.h>

#include "exec_internal.h"
#include "pcap_writer.h"

static void on_open(void *ctx, int index, uint16_t local_port, uint16_t server_port)
{
	struct exec *x = ctx;
	struct timeval tv;

	gettimeofday(&tv, NULL);
	if (x->pcap && index < EXEC_MAX_CONNS)
		x->pcap_conn[index] = pcap_writer_connect(x->pcap, local_port, server_port, &tv);
}

static void on_bytes(void *ctx, int index, int from_server, const uint8_t *p, size_t n)
{
	struct exec *x = ctx;
	struct timeval tv;

	gettimeofday(&tv, NULL);
	if (x->pcap && index < EXEC_MAX_CONNS && x->pcap_conn[index] >= 0)
		pcap_writer_data(x->pcap, x->pcap_conn[index], from_server, p, n, &tv);
}

static void on_close(void *ctx, int index, int by_server)
{
	struct exec *x = ctx;
	struct timeval tv;

	gettimeofday(&tv, NULL);
	if (x->pcap && index < EXEC_MAX_CONNS && x->pcap_conn[index] >= 0)
		pcap_writer_close(x->pcap, x->pcap_conn[index], by_server, 0, &tv);
	if (index < EXEC_MAX_CONNS)
		x->pcap_conn[index] = -1;
}

void recorder_start(struct exec *x)
{
	char err[256];

	for (int i = 0; i < EXEC_MAX_CONNS; i++)
		x->pcap_conn[i] = -1;
	x->observer = (struct conn_observer){.ctx = x, .on_open = on_open, .on_bytes = on_bytes,
					     .on_close = on_close};
	if (!x->o->pcap_path)
		return;
	x->pcap = pcap_writer_open(x->o->pcap_path, err, sizeof(err));
	if (!x->pcap)
		x->r->reason = xasprintf("--record-pcap: %s", err); /* the case still runs */
}

void recorder_finish(struct exec *x)
{
	char err[256];

	if (x->pcap && pcap_writer_finish(x->pcap, err, sizeof(err)) != 0 && !x->r->reason)
		x->r->reason = xasprintf("--record-pcap: %s", err);
	x->pcap = NULL;
}
