#!/usr/bin/python3
"""Writes the fbank parity fixtures in tests/fixtures/fbank/.

Each case is a small deterministic 16-bit PCM WAV, the options used (.txt), and
torchaudio.compliance.kaldi.fbank over exactly those samples (scaled to the int16 range, as WeNet
does), stored as float32 .npy twice:
  <case>.npy          computed in float64: the reference the runtime must match within 1e-3;
  <case>_torch32.npy  computed in float32, as training usually runs; float32 rounding alone puts it
                      a few 1e-3 off the float64 result on weak mel bands.
tests/core/runtime/test_fbank.cpp checks the runtime's Fbank against both.
Run with /usr/bin/python3 (needs numpy, torch, torchaudio).
"""
import pathlib
import wave

import numpy as np
import torch
import torchaudio.compliance.kaldi as kaldi

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "fbank"


def make_signal(rate, seconds, seed):
    """A linear chirp, two steady tones and low white noise, quantised to int16."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rate * seconds)) / rate
    f0, f1 = 100.0, 0.4 * rate
    chirp = 0.3 * np.sin(2 * np.pi * (f0 * t + 0.5 * (f1 - f0) / seconds * t * t))
    tones = 0.1 * np.sin(2 * np.pi * 440.0 * t) + 0.05 * np.sin(2 * np.pi * 1234.0 * t + 0.3)
    noise = 0.003 * rng.standard_normal(t.size)
    x = chirp + tones + noise
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype(np.int16)


def write_wav(path, pcm, rate):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.astype("<i2").tobytes())


def write_case(name, rate, seconds, seed, **options):
    pcm = make_signal(rate, seconds, seed)
    write_wav(OUT / f"{name}.wav", pcm, rate)
    feats = {}
    for dtype, suffix in ((np.float64, ""), (np.float32, "_torch32")):
        waveform = torch.from_numpy(pcm.astype(dtype)).unsqueeze(0)  # int16 range, as WeNet feeds it
        feats[suffix] = kaldi.fbank(waveform, sample_frequency=float(rate), dither=0.0, energy_floor=0.0,
                                    **options).numpy()
        np.save(OUT / f"{name}{suffix}.npy", feats[suffix].astype(np.float32))
    with open(OUT / f"{name}.txt", "w") as f:
        f.write(f"sample_frequency={rate}\n")
        for key, value in sorted(options.items()):
            f.write(f"{key}={value}\n")
    gap = np.abs(feats[""] - feats["_torch32"]).max()
    print(f"{name}: {pcm.size} samples -> {feats[''].shape}; torchaudio float32 vs float64: max abs diff {gap:.3g}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    write_case("chirp16k_80", 16000, 1.5, seed=1, num_mel_bins=80)
    write_case("chirp8k_40", 8000, 1.0, seed=2, num_mel_bins=40, low_freq=40.0, high_freq=-400.0,
               frame_length=20.0, snip_edges=False)


if __name__ == "__main__":
    main()
