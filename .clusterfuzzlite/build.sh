#!/bin/bash -eu
# .clusterfuzzlite/build.sh - ClusterFuzzLite's build step: the OSS-Fuzz one of the checkout.
exec "$SRC/nfs41check/fuzz/oss-fuzz/build.sh"
