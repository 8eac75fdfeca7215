#!/usr/bin/env bash
# Runs the libFuzzer harnesses (tests/fuzz) with ASan + UBSan, built with Debian's clang in
# ./build-fuzz, each on its committed seed corpus.
# Usage: scripts/fuzz.sh TARGET|all [SECONDS]   (targets: espm wav recipe config pipeline manifest device
#        checkpoint sensitivity study; default 60 s each). The text formats' targets use tests/fuzz/dict/formats.dict.
# New inputs collect in build-fuzz/corpus/TARGET, crashing or slow ones in build-fuzz/findings/TARGET;
# a finding fails the run (exit 1). Limits per input: 1 s, 1 GiB.
set -euo pipefail
cd "$(dirname "$0")/.."
all=(espm wav recipe config pipeline manifest device checkpoint sensitivity study)
what=${1:?usage: scripts/fuzz.sh TARGET|all [SECONDS]}
seconds=${2:-60}
if [[ "$what" == all ]]; then targets=("${all[@]}"); else targets=("$what"); fi
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DESPALIER_FUZZ=ON > build-fuzz.log 2>&1 || { cat build-fuzz.log; exit 1; }
for t in "${targets[@]}"; do
  cmake --build build-fuzz --target "${t}_fuzzer" >> build-fuzz.log 2>&1 || { tail -40 build-fuzz.log; exit 1; }
done
rm -f build-fuzz.log
status=0
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/findings/$t"
  echo "fuzz: $t for ${seconds} s"
  log="build-fuzz/findings/$t/last-run.log"
  rc=0
  dict=()
  [[ "$t" != espm && "$t" != wav ]] && dict=(-dict=tests/fuzz/dict/formats.dict)
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "build-fuzz/tests/fuzz/${t}_fuzzer" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=1024 \
    -malloc_limit_mb=1024 -print_final_stats=1 "${dict[@]}" -artifact_prefix="build-fuzz/findings/$t/" \
    "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" > "$log" 2>&1 || rc=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|.*Test unit written)' "$log" || true
  if [[ $rc -ne 0 ]]; then
    echo "fuzz: $t FAILED (exit $rc): see $log"
    grep -m 30 -E '^ +#[0-9]+ .* in (espalier|LLVMFuzzer)' "$log" || true
    status=1
  fi
done
exit $status
