#!/bin/bash
# Prepare everything the tests and the demo run on, from an empty cache:
# host packages, the Debian kernel and headers, Xen with Argo, the dom0 and
# domU root file systems. Each step is skipped when its cache is complete.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$VA_SCRIPTS/deps.sh"
"$VA_SCRIPTS/fetch-kernel.sh" >/dev/null
"$VA_SCRIPTS/build-xen.sh" >/dev/null
"$VA_SCRIPTS/build-rootfs.sh" >/dev/null
log "environment ready in $VA_CACHE"
