/*
 * make_seeds.c - writes the fuzz seed corpora from the RPC records of the shared captures (and,
 * for sm, of engine recordings: `nfs41check run --record-pcap DIR`, one pcap per case).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture_records.h"
#include "wire.h"

#define MAX_CAPTURES 8
#define MAX_RECORDINGS 1024
#define MAX_SEEDS 512

struct cap {
	char stem[64]; /* file name without .pcap */
	struct capture c;
};

/* Write prefix (n bytes) then data to dir/name; exits on failure. */
static void write_seed(const char *dir, const char *name, const uint8_t *prefix, size_t n,
		       const uint8_t *data, size_t len)
{
	char path[1024];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    !(f = fopen(path, "wb")) || fwrite(prefix, 1, n, f) != n ||
	    fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* The message's shape: its summary without the xid, as a file name. */
static void shape_of(const struct wire_msg *m, char *name, size_t n)
{
	char line[256], *x, *o = name;

	wire_msg_summary(m, line, sizeof(line));
	if ((x = strstr(line, "xid 0x")) && strlen(x) >= 15)
		memmove(x, x + 15, strlen(x + 15) + 1);
	for (const char *p = line; *p && o + 1 < name + n; p++)
		if (*p != ')')
			*o++ = (*p == ' ' || *p == '(') ? '-' : *p;
	*o = '\0';
}

/* compound: one seed per distinct message shape; option byte 0xc1 (strict) when it decodes so. */
static unsigned compound_seeds(const char *dir, struct cap *caps, unsigned ncaps)
{
	static char seen[MAX_SEEDS][128];
	unsigned nseen = 0;

	for (unsigned i = 0; i < ncaps; i++)
		for (size_t r = 0; r < caps[i].c.count && nseen < MAX_SEEDS; r++) {
			const struct capture_record *rec = &caps[i].c.records[r];
			struct wire_decode_opts strict = {.flags = WIRE_STRICT,
							  .reply_proc = WIRE_PROC_UNKNOWN};
			struct wire_msg m;
			struct wire_error err;
			uint8_t opt = wire_msg_decode(rec->data, rec->len, &strict, &m, &err) == WIRE_OK
					      ? 0xc1 : 0xc0;
			char name[128];
			unsigned k;

			shape_of(&m, name, sizeof(name));
			wire_msg_free(&m);
			for (k = 0; k < nseen && strcmp(seen[k], name) != 0; k++)
				;
			if (k < nseen)
				continue;
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			write_seed(dir, name, &opt, 1, rec->data, rec->len);
		}
	return nseen;
}

/* One recmark seed: control bytes, then records [first, first+count) of a flow, fragmented. */
struct stream_seed {
	unsigned cap, stream, to_server, first, count, frag;
	uint8_t ctl[2]; /* chunking, re-encoding fragment size: see fuzz_recmark.c */
};

static const struct stream_seed stream_seeds[] = {
	{0, 0, 1, 0, 3, 0, {0x00, 0x00}},   {0, 0, 0, 0, 3, 64, {0x05, 0x07}},
	{0, 0, 1, 20, 2, 100, {0x10, 0xff}}, {0, 0, 0, 20, 2, 13, {0x09, 0x01}},
	{1, 0, 1, 0, 4, 0, {0x03, 0x20}},   {1, 0, 0, 4, 3, 48, {0x02, 0x00}},
	{1, 1, 1, 0, 2, 0, {0x08, 0x40}},   {1, 1, 0, 0, 2, 1000, {0x0c, 0x80}},
};

static size_t stream_bytes(const struct stream_seed *s, struct cap *caps, uint8_t *out, size_t cap)
{
	const struct capture *c = &caps[s->cap].c;
	size_t len = 0;
	unsigned seen = 0, taken = 0;

	for (size_t r = 0; r < c->count && taken < s->count; r++) {
		const struct capture_record *rec = &c->records[r];
		if (rec->stream != s->stream || (rec->dst_port == 2049) != (s->to_server != 0) ||
		    seen++ < s->first)
			continue;
		size_t n = rm_encode(rec->data, rec->len, s->frag, out + len, cap - len);
		if (n > cap - len)
			return 0;
		len += n, taken++;
	}
	return len;
}

/* recmark: fragmented streams of real records, plus a few boundary streams. */
static unsigned recmark_seeds(const char *dir, struct cap *caps, unsigned ncaps)
{
	static uint8_t buf[1 << 16];
	static const uint8_t empty[] = {0x80, 0, 0, 0}, zero_frags[] = {0, 0, 0, 0, 0, 0, 0, 0,
		0x80, 0, 0, 4, 0xde, 0xad, 0xbe, 0xef}, over_limit[] = {0x80, 0x01, 0x00, 0x01, 0},
		truncated[] = {0x80, 0, 0x10, 0, 1, 2, 3}, ctl[2] = {0x00, 0x03};
	unsigned n = 0;
	char name[160];

	for (size_t i = 0; i < sizeof(stream_seeds) / sizeof(stream_seeds[0]); i++) {
		const struct stream_seed *s = &stream_seeds[i];
		size_t len = s->cap < ncaps ? stream_bytes(s, caps, buf, sizeof(buf)) : 0;
		if (len == 0)
			continue;
		snprintf(name, sizeof(name), "%s-s%u-%s-n%u-frag%u", caps[s->cap].stem, s->stream,
			 s->to_server ? "calls" : "replies", s->count, s->frag);
		write_seed(dir, name, s->ctl, 2, buf, len), n++;
	}
	write_seed(dir, "empty-record", ctl, 2, empty, sizeof(empty));
	write_seed(dir, "zero-length-fragments", ctl, 2, zero_frags, sizeof(zero_frags));
	write_seed(dir, "over-limit", ctl, 2, over_limit, sizeof(over_limit));
	write_seed(dir, "truncated", ctl, 2, truncated, sizeof(truncated));
	return n + 4;
}


/* ---- sm: message lists (see fuzz_sm.c) ------------------------------------------------------ */

static const uint8_t sm_sep[] = {0xfe, 'S', 'M', 'S', 'G', 0xef};
#define SM_MAX_MSGS 64   /* fuzz_sm runs no more */
#define SM_SPLIT_AT 24   /* a longer run of calls is cut before its next lone EXCHANGE_ID */
#define SM_STREAMS 4     /* fake connections */
#define SM_MAX_STREAMS 64

struct sm_seed {
	uint8_t buf[1 << 16];
	size_t len;
	unsigned nmsgs, nseeds;
};

static void sm_flush(const char *dir, const char *stem, struct sm_seed *sd)
{
	if (sd->nmsgs) {
		char name[160];

		snprintf(name, sizeof(name), "%s-%u", stem, sd->nseeds++);
		write_seed(dir, name, sd->buf, 0, sd->buf, sd->len);
	}
	sd->len = 0;
	sd->nmsgs = 0;
}

/* A client's record: a call to NFSv4, or a reply (to a callback) sent the same way. */
static bool sm_client_record(const struct capture_record *rec, const uint16_t *client_port,
			     unsigned nstreams, struct wire_msg *m)
{
	struct wire_decode_opts lenient = {.reply_proc = WIRE_PROC_UNKNOWN};
	struct wire_error err;

	wire_msg_decode(rec->data, rec->len, &lenient, m, &err);
	if (rec->stream >= nstreams || rec->src_port != client_port[rec->stream])
		return false;
	return m->msg_type == ONCRPC_REPLY || m->call.prog == NFS4_PROGRAM;
}

static bool lone_exchange_id(const struct wire_msg *m)
{
	return m->msg_type == ONCRPC_CALL && m->is_compound && m->args.argarray_len == 1 &&
	       m->args.argarray[0].op == OP_EXCHANGE_ID;
}

/* Append one message (header: remap on, connection conn, no clock advance). */
static void sm_append(const char *dir, const char *stem, struct sm_seed *sd, unsigned conn,
		      const struct capture_record *rec, bool split_here, bool close_first)
{
	uint8_t hdr[2] = {(uint8_t)(0x10 | (close_first ? 0x04 : 0) | (conn & 3)), 0};

	if (sd->nmsgs == SM_MAX_MSGS || (split_here && sd->nmsgs >= SM_SPLIT_AT) ||
	    sd->len + sizeof(sm_sep) + sizeof(hdr) + rec->len > sizeof(sd->buf))
		sm_flush(dir, stem, sd);
	if (sd->len + sizeof(sm_sep) + sizeof(hdr) + rec->len > sizeof(sd->buf))
		return;
	if (sd->nmsgs) {
		memcpy(sd->buf + sd->len, sm_sep, sizeof(sm_sep));
		sd->len += sizeof(sm_sep);
	}
	memcpy(sd->buf + sd->len, hdr, sizeof(hdr));
	memcpy(sd->buf + sd->len + sizeof(hdr), rec->data, rec->len);
	sd->len += sizeof(hdr) + rec->len;
	sd->nmsgs++;
}

/* The client side of every stream: the port that sent its first NFSv4 call. */
static unsigned sm_client_ports(const struct capture *c, uint16_t *port)
{
	unsigned n = 0;

	for (size_t r = 0; r < c->count; r++) {
		const struct capture_record *rec = &c->records[r];
		uint32_t xid, type;
		if (rec->stream >= SM_MAX_STREAMS)
			continue;
		while (n <= rec->stream)
			port[n++] = 0;
		if (!port[rec->stream] && oncrpc_msg_type_peek(rec->data, rec->len, &xid, &type) &&
		    type == ONCRPC_CALL)
			port[rec->stream] = rec->src_port;
	}
	return n;
}

/*
 * The fake connection of each stream: the lowest one no live stream holds. A stream taking one
 * that an ended stream held closes it first, as the case had closed that connection. False
 * when more than SM_STREAMS streams are live at once.
 */
static bool sm_map_streams(const struct capture *c, unsigned nstreams, unsigned *conn_of,
			   bool *closes)
{
	size_t first[SM_MAX_STREAMS], last[SM_MAX_STREAMS];
	int holder[SM_STREAMS] = {-1, -1, -1, -1};

	for (unsigned k = 0; k < nstreams; k++)
		first[k] = SIZE_MAX, last[k] = 0;
	for (size_t r = 0; r < c->count; r++) {
		unsigned k = c->records[r].stream;
		if (k < nstreams) {
			first[k] = first[k] == SIZE_MAX ? r : first[k];
			last[k] = r;
		}
	}
	for (unsigned k = 0; k < nstreams; k++) {
		unsigned i = 0;
		while (i < SM_STREAMS && holder[i] >= 0 && last[holder[i]] >= first[k])
			i++;
		if (i == SM_STREAMS)
			return false;
		closes[k] = holder[i] >= 0;
		conn_of[k] = i;
		holder[i] = (int)k;
	}
	return true;
}

/*
 * One capture: when at most SM_STREAMS connections are open at once (a case) the calls of all of
 * them in order on fake connections (sm_map_streams); otherwise one seed list per connection.
 * Long runs are cut.
 */
static unsigned sm_capture_seeds(const char *dir, const struct cap *cp)
{
	static struct sm_seed sd;
	uint16_t port[SM_MAX_STREAMS];
	unsigned nstreams = sm_client_ports(&cp->c, port), written = 0, conn_of[SM_MAX_STREAMS];
	bool closes[SM_MAX_STREAMS], started[SM_MAX_STREAMS] = {false};
	bool per_stream = !sm_map_streams(&cp->c, nstreams, conn_of, closes);
	char stem[128];

	for (unsigned st = 0; st < (per_stream ? nstreams : 1); st++) {
		if (per_stream)
			snprintf(stem, sizeof(stem), "%s-c%u", cp->stem, st);
		else
			snprintf(stem, sizeof(stem), "%s", cp->stem);
		sd.len = sd.nmsgs = sd.nseeds = 0;
		for (size_t r = 0; r < cp->c.count; r++) {
			const struct capture_record *rec = &cp->c.records[r];
			unsigned k = rec->stream;
			struct wire_msg m;
			if (per_stream && k != st)
				continue;
			if (sm_client_record(rec, port, nstreams, &m)) {
				bool close = !per_stream && !started[k] && closes[k];
				started[k] = true;
				sm_append(dir, stem, &sd, per_stream ? 0 : conn_of[k], rec,
					  lone_exchange_id(&m), close);
			}
			wire_msg_free(&m);
		}
		sm_flush(dir, stem, &sd);
		written += sd.nseeds;
	}
	return written;
}

static unsigned sm_seeds(const char *dir, struct cap *caps, unsigned ncaps)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ncaps; i++)
		n += sm_capture_seeds(dir, &caps[i]);
	return n;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load up to max captures (*.pcap, in name order) of dir into caps; returns how many, -1 on error.
 * tolerant: a capture that does not load is skipped with a warning (a recording of a case that
 * sends what no reader takes, say). */
static int load_dir(const char *dir, struct cap *caps, unsigned max, bool tolerant)
{
	char path[1024], err[256], **names = calloc(max, sizeof(char *));
	unsigned n = 0, loaded = 0;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (!names || !(d = opendir(dir))) {
		perror(dir);
		free(names);
		return -1;
	}
	while ((e = readdir(d)) && n < max) {
		const char *dot = strrchr(e->d_name, '.');
		if (dot && strcmp(dot, ".pcap") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (rc == 0 && capture_load(path, &caps[loaded].c, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s%s\n", path, err, tolerant ? " (skipped)" : "");
			rc = tolerant ? 0 : -1;
		} else if (rc == 0) {
			snprintf(caps[loaded].stem, sizeof(caps[loaded].stem), "%.*s",
				 (int)(strlen(names[i]) - strlen(".pcap")), names[i]);
			loaded++;
		}
		free(names[i]);
	}
	free(names);
	return rc ? rc : (int)loaded;
}

int main(int argc, char **argv)
{
	const char *pdir = argc > 2 && argv[2][0] ? argv[2] : capture_dir();
	char path[1024];
	static struct cap caps[MAX_CAPTURES], recs[MAX_RECORDINGS];
	int ncaps, nrecs = 0;
	unsigned nc, nr, ns;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s OUTDIR [PCAPDIR [RECORDINGS]]  (writes OUTDIR/compound, "
				"OUTDIR/recmark, OUTDIR/sm; RECORDINGS: nfs41check --record-pcap output, "
				"sm seeds only)\n",
			argv[0]);
		return 2;
	}
	if ((ncaps = load_dir(pdir, caps, MAX_CAPTURES, false)) < 0 ||
	    (argc > 3 && (nrecs = load_dir(argv[3], recs, MAX_RECORDINGS, true)) < 0))
		return 1;
	snprintf(path, sizeof(path), "%s/compound", argv[1]);
	mkdir(argv[1], 0777), mkdir(path, 0777);
	nc = compound_seeds(path, caps, (unsigned)ncaps);
	snprintf(path, sizeof(path), "%s/recmark", argv[1]);
	mkdir(path, 0777);
	nr = recmark_seeds(path, caps, (unsigned)ncaps);
	snprintf(path, sizeof(path), "%s/sm", argv[1]);
	mkdir(path, 0777);
	ns = sm_seeds(path, caps, (unsigned)ncaps) + sm_seeds(path, recs, (unsigned)nrecs);
	printf("%d captures, %d recordings: %u compound seeds, %u recmark seeds, %u sm seeds in %s\n",
	       ncaps, nrecs, nc, nr, ns, argv[1]);
	for (int i = 0; i < ncaps; i++)
		capture_free(&caps[i].c);
	for (int i = 0; i < nrecs; i++)
		capture_free(&recs[i].c);
	return ncaps && nc && nr && ns ? 0 : 1;
}
