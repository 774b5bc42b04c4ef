#!/bin/bash
# The static gate: a warning-free W=1 + sparse + -Werror build of the
# modules, and checkpatch.pl --strict (with codespell) on every C file.
#
# Usage: scripts/static-check.sh [KDIR]
#   KDIR  kernel build directory for out-of-tree modules (default: the one
#         scripts/fetch-kernel.sh prints)
#
# Prints TAP lines (numbering starts at 1; callers renumber):
#   ok N - static: build W=1 sparse
#   ok N - static: checkpatch <file>        (one per file)
# and, after a "not ok" line, the offending output as "# " lines.
# Exit status 0 only if everything passed.
#
# Checked files: every *.c and *.h under drivers/ include/ tests/ tools/
# (tools/ is user-space C, held to kernel style too), as listed by git
# (tracked and untracked, .gitignore'd build products excluded), or by find
# outside a git checkout. checkpatch.pl comes from the linux-source tree
# that scripts/kunit.sh --source fetches into the cache.
#
# checkpatch runs with --no-tree -f --strict --codespell and ignores only
# FILE_PATH_CHANGES (the "does MAINTAINERS need updating?" question about
# new files, which has no answer outside the kernel tree).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

case $# in
0)	# default: the Debian 6.12 headers, as `make modules` uses them
	KDIR=$("$VA_SCRIPTS/fetch-kernel.sh" | sed -n 's/^KDIR=//p')
	[ -n "$KDIR" ] || die "scripts/fetch-kernel.sh printed no KDIR" ;;
1)	KDIR=$1 ;;
*)	die "usage: $0 [KDIR]" ;;
esac
[ -f "$KDIR/Makefile" ] || die "KDIR '$KDIR' has no Makefile"
need_cmd make gcc sparse perl python3

CHECKPATCH_IGNORE=FILE_PATH_CHANGES

codespell_dict() {
	local d
	d=$(python3 -c 'import codespell_lib, os
print(os.path.join(os.path.dirname(codespell_lib.__file__), "data",
                   "dictionary.txt"))' 2>/dev/null) || true
	[ -n "$d" ] && [ -f "$d" ] ||
		d=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
	[ -f "$d" ] || die "codespell dictionary not found (install codespell)"
	echo "$d"
}

n=0
fails=0
tap() {	# tap OK|FAIL DESCRIPTION [DIAGNOSTICS]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - static: $2"
	else
		fails=$((fails + 1))
		echo "not ok $n - static: $2"
		[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/# /'
	fi
}

# --- (a) W=1 + sparse + -Werror build ----------------------------------------
[ -f "$VA_TOP/Kbuild" ] || die "$VA_TOP/Kbuild missing: nothing to build"
log "static: building the modules (W=1, sparse C=2, -Werror)"
rc=0
out=$(make -C "$KDIR" M="$VA_TOP" -j"$VA_JOBS" W=1 C=2 CF=-Wsparse-error \
	KCFLAGS=-Werror modules 2>&1) || rc=$?
[ "$VA_VERBOSE" = 1 ] && printf '%s\n' "$out" >&2
# any diagnostic counts, also those that do not stop make (modpost)
diag=$(printf '%s\n' "$out" |
	grep -E -i -A3 '(warning|error)( \([^)]*\))?:|^WARNING|^ERROR|\*\*\*' ||
	true)
if [ $rc -ne 0 ] || [ -n "$diag" ]; then
	[ -n "$diag" ] || diag=$(printf '%s\n' "$out" | tail -n 30)
	tap FAIL "build W=1 sparse" "make exited with $rc
$diag"
else
	tap OK "build W=1 sparse"
fi

# --- (b) checkpatch ----------------------------------------------------------
LSRC=$("$VA_SCRIPTS/kunit.sh" --source)
checkpatch=$LSRC/scripts/checkpatch.pl
[ -x "$checkpatch" ] || die "$checkpatch missing"
dict=$(codespell_dict)

dirs=(drivers include tests tools)
if git -C "$VA_TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git -C "$VA_TOP" ls-files -co --exclude-standard \
		-- "${dirs[@]}" | grep -E '\.[ch]$' | sort -u)
else
	mapfile -t files < <(cd "$VA_TOP" && find "${dirs[@]}" -type f \
		\( -name '*.c' -o -name '*.h' \) ! -name '*.mod.c' 2>/dev/null |
		sort)
fi
[ ${#files[@]} -gt 0 ] || die "no C files found under ${dirs[*]}"

# checkpatch caches CamelCase names in its working directory: run it in a
# scratch directory that mirrors the repository's top level, so file names
# in its messages stay relative (drivers/...) and nothing lands in the tree.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for d in "${dirs[@]}"; do
	[ -e "$VA_TOP/$d" ] && ln -s "$VA_TOP/$d" "$scratch/$d"
done

log "static: checkpatch --strict on ${#files[@]} files"
for f in "${files[@]}"; do
	[ -f "$VA_TOP/$f" ] || continue	# listed by git, deleted since
	rc=0
	out=$(cd "$scratch" && perl "$checkpatch" --strict --no-tree -f \
		--show-types --quiet --no-summary --color=never \
		--codespell --codespellfile="$dict" \
		--ignore "$CHECKPATCH_IGNORE" "$f" 2>&1) || rc=$?
	# --strict exits 1 even for CHECK-only reports: any output is a failure
	if [ $rc -ne 0 ] || [ -n "$out" ]; then
		tap FAIL "checkpatch $f" "$out"
	else
		tap OK "checkpatch $f"
	fi
done

if [ $fails -ne 0 ]; then
	log "static: $fails of $n checks failed"
	exit 1
fi
log "static: all $n checks passed"
