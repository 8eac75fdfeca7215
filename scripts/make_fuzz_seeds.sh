#!/usr/bin/env bash
# Rewrites the fuzzers' committed seed corpora (tests/fuzz/corpus/): .espm micro models exported by
# the real exporter and their checkpoints' metadata (needs the normal build), WAV files written by Python's wave and scipy (needs
# Debian's python3 with python3-scipy: scripts/setup-debian.sh --dev).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ESPALIER_BUILD_DIR:-build}
cmake --build "$build" --target espalier_make_fuzz_seeds
"$build/tests/fuzz/espalier_make_fuzz_seeds" tests/fuzz/corpus
/usr/bin/python3 scripts/make_fuzz_seeds.py tests/fuzz/corpus/wav
ls -l tests/fuzz/corpus/*

# The text parsers' seeds: the YAML examples of docs/formats, the shipped configs, the built-in
# pipelines, the runner's own JSON, and a manifest the corpus writer made. The manifest and device
# fuzzers read their first byte as the layout (tests/fuzz/manifest_fuzzer.cpp, device_fuzzer.cpp).
corpus=tests/fuzz/corpus
mkdir -p $corpus/recipe $corpus/config $corpus/pipeline $corpus/manifest $corpus/device
blocks() {  # FILE OUT_PREFIX: each ```yaml block of FILE as OUT_PREFIX-N.yaml
  awk -v out="$2" '/^```yaml/{n++; f=sprintf("%s-%d.yaml", out, n); next} /^```/{f=""; next} f{print > f}' "$1"
}
blocks docs/formats/recipe.md $corpus/recipe/doc
blocks docs/formats/model-config.md $corpus/config/model-doc
blocks docs/formats/train-config.md $corpus/config/train-doc
cp resources/configs/*.yaml $corpus/config/
blocks docs/formats/augment.md $corpus/pipeline/doc
for preset in $("$build/app/cli/espalier-cli" augment presets | awk '{print $1}'); do
  "$build/app/cli/espalier-cli" augment presets --show "$preset" > "$corpus/pipeline/$preset.yaml"
done
blocks docs/formats/devices.md $corpus/device/devices-doc
for f in $corpus/device/devices-doc-*.yaml; do { printf '\0'; cat "$f"; } > "${f%.yaml}.seed"; rm "$f"; done
{ printf '\1'; "$build/app/run/espalier-run" device --json; } > $corpus/device/probe.seed
{ printf '\2'; "$build/app/run/espalier-run" bench --json --frames 20 --runs 2 --warmup 0 \
    tests/fuzz/corpus/espm/conformer-csr.espm; } > $corpus/device/bench.seed
scratch=$(mktemp -d)
"$build/app/cli/espalier-cli" corpus synth --out "$scratch/c" --utterances 12 --seed 1 > /dev/null
{ printf '\0'; cat "$scratch/c/dev/data.list"; } > $corpus/manifest/wenet.seed
{ printf '\2'; cat "$scratch/c/test_clean/wav.scp"; printf '\0'; cat "$scratch/c/test_clean/text"; } > $corpus/manifest/kaldi.seed
# Sensitivity results of a 2-step tiny model, per tensor and per block, and a level list.
mkdir -p $corpus/sensitivity
"$build/app/cli/espalier-cli" -q --threads 1 train --config tiny --corpus "$scratch/c" --out "$scratch/run" --steps 2
for g in tensor block; do
  "$build/app/cli/espalier-cli" -q sensitivity --model "$scratch/run" --data "$scratch/c/dev" --subset 3 \
    --levels 0,0.5,0.9 --granularity $g --no-cache --out "$scratch/$g.json"
  { printf '\1'; cat "$scratch/$g.json"; } > $corpus/sensitivity/$g.seed
done
printf '\0%s' "0, .1, 0.5, 0.85, 0.95" > $corpus/sensitivity/levels.seed
{ printf '\1'; sed -E 's/"key": *"([^"]*)", *"wav": *"([^"]*)", *"txt": *"([^"]*)"/"audio_filepath": "\2", "text": "\3", "duration": 1.5/' \
    "$scratch/c/dev/data.list"; } > $corpus/manifest/nemo.seed
rm -rf "$scratch"
ls -l $corpus/*
