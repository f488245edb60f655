/*
 * pcap_cli.h - the `nfs41check pcap SUBCOMMAND` front end: argument parsing, help text and exit
 * codes for the capture tools (decode so far). nfs41check's main() hands it argv from "pcap" on.
 */
#ifndef NFS41_PCAP_PCAP_CLI_H
#define NFS41_PCAP_PCAP_CLI_H

/* argv[0] is "pcap". Exit status: 0 done, 1 the capture has problems (--strict), 2 the file
 * cannot be read, 64 usage. */
int pcap_cli_main(int argc, char **argv);

#endif
