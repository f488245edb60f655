/* load_cli.h - `nfs41check load` (argv[0] is "load"); returns the exit status. */
#ifndef NFS41_ENGINE_LOAD_CLI_H
#define NFS41_ENGINE_LOAD_CLI_H

int load_cli_main(int argc, char **argv);

#endif
