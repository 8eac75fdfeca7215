#!/usr/bin/python3
"""Writes the WAV fuzzer's seed corpus (tests/fuzz/corpus/wav) with outside writers: Python's wave
module (PCM 8/16/24-bit, mono and stereo) and scipy.io.wavfile (IEEE float 32/64). Short files, so
mutations stay cheap. Run with Debian's python3 (python3-scipy): scripts/make_fuzz_seeds.sh."""
import math
import os
import struct
import sys
import wave

import numpy as np
from scipy.io import wavfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
n = 160
tone = [math.sin(2 * math.pi * 440 * i / 16000) * 0.5 for i in range(n)]

def pcm(name, width, channels, rate=16000):
    with wave.open(os.path.join(out, name), 'wb') as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        frames = bytearray()
        for v in tone:
            for c in range(channels):
                s = v if c == 0 else -v
                if width == 1:
                    frames += struct.pack('<B', int(128 + s * 127))
                elif width == 2:
                    frames += struct.pack('<h', int(s * 32767))
                else:
                    frames += struct.pack('<i', int(s * 8388607))[:3]
        w.writeframes(bytes(frames))

pcm('pcm8-mono.wav', 1, 1, 8000)
pcm('pcm16-mono.wav', 2, 1)
pcm('pcm16-stereo.wav', 2, 2, 44100)
pcm('pcm24-mono.wav', 3, 1)
wavfile.write(os.path.join(out, 'float32-mono.wav'), 16000, np.array(tone, dtype=np.float32))
wavfile.write(os.path.join(out, 'float64-stereo.wav'), 22050, np.array([tone, tone], dtype=np.float64).T.copy())
wavfile.write(os.path.join(out, 'pcm32-mono.wav'), 16000, (np.array(tone) * 2**31 * 0.9).astype(np.int32))
