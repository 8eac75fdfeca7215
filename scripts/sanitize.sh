#!/usr/bin/env bash
# Builds the engine, CLI and runtime with sanitizers and runs their tests.
# Usage: scripts/sanitize.sh address|thread|all [CTEST_REGEX]
#   address  ASan + UBSan (./build-asan): the whole test suite but the GUI's (CTEST_REGEX narrows it).
#   thread   TSan (./build-tsan): the threaded parts: job cancellation, the runtime's thread pool, the
#            training batch loader and the sensitivity workers, process and device (SSH) sessions.
# A report fails the run: UBSan halts on the first error, ASan on any error or leak, TSan on a race.
# LibTorch, Qt and the other system libraries are not instrumented; tests/sanitize/*.supp names the
# few reports that come from inside them (each with its reason).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:?usage: scripts/sanitize.sh address|thread|all [CTEST_REGEX]}
regex=${2:-}
supp="$PWD/tests/sanitize"
jobs=$(nproc)

configure() {  # folder sanitizers
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESPALIER_SANITIZE="$2" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DESPALIER_BUILD_GUI=OFF -DESPALIER_BUILD_BENCH=OFF > "$1.log" 2>&1 || { cat "$1.log"; exit 1; }
}

build() {  # folder [targets...]
  local folder=$1; shift
  local args=()
  for t in "$@"; do args+=(--target "$t"); done
  cmake --build "$folder" -j "$jobs" "${args[@]}" >> "$folder.log" 2>&1 || { tail -60 "$folder.log"; exit 1; }
  rm -f "$folder.log"
}

address() {
  configure build-asan "address,undefined"
  build build-asan
  echo "sanitize: ASan + UBSan test suite"
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1" \
  LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp" \
  QT_QPA_PLATFORM=offscreen OMP_NUM_THREADS=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 1500 ${regex:+-R "$regex"}
}

# The suites that exercise threads, and what they need built.
thread_tests=(test_job test_thread_pool test_spmm test_process test_ssh_transport test_trainer test_sensitivity
              test_corpus_synth)

thread() {
  configure build-tsan "thread"
  build build-tsan "${thread_tests[@]}" espalier-run
  echo "sanitize: TSan on ${thread_tests[*]}"
  local names
  names=$(IFS='|'; echo "${thread_tests[*]}")
  # die_after_fork=0: the process runner forks from a threaded process and the child only execs
  # (espeak-ng, ssh, the runner); TSan would otherwise kill that child before its exec.
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:die_after_fork=0:suppressions=$supp/tsan.supp" \
  QT_QPA_PLATFORM=offscreen OMP_NUM_THREADS=2 \
    ctest --test-dir build-tsan --output-on-failure -j 1 --timeout 1500 -R "^(${regex:-$names})\$"
}

case "$what" in
  address) address ;;
  thread) thread ;;
  all) address; thread ;;
  *) echo "usage: scripts/sanitize.sh address|thread|all [CTEST_REGEX]" >&2; exit 2 ;;
esac
