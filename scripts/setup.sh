#!/bin/bash
# Prepare everything the tests and the demo run on, from an empty cache:
# host packages, the Debian kernel and headers, Xen with Argo, the dom0 and
# domU root file systems. Each step is skipped when its cache is complete.
#
# Usage: scripts/setup.sh [--flask]
#   --flask   also build Xen with XSM/Flask (build-xen.sh --flask), for the
#             access control test (scripts/check.sh flask)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flask=0
case ${1:-} in
'') ;;
--flask) flask=1 ;;
*) die "unknown argument: $1 (usage: ${0##*/} [--flask])" ;;
esac

"$VA_SCRIPTS/deps.sh"
"$VA_SCRIPTS/fetch-kernel.sh" >/dev/null
"$VA_SCRIPTS/build-xen.sh" >/dev/null
[ $flask = 0 ] || "$VA_SCRIPTS/build-xen.sh" --flask >/dev/null
"$VA_SCRIPTS/build-rootfs.sh" >/dev/null
log "environment ready in $VA_CACHE"
