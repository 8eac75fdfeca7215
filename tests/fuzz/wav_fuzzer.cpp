// libFuzzer harness: the runner's own WAV reader (core/runtime/wav_reader.h), as a device reads the
// utterances it is sent. An espalier::Error is a clean refusal; anything else is a finding.
#include "core/runtime/error.h"
#include "core/runtime/wav_reader.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const espalier::runtime::WavData wav =
            espalier::runtime::parseWav(std::string(reinterpret_cast<const char*>(data), size), "fuzz.wav");
        volatile float sum = 0.0f;
        for (float s : wav.samples)
            sum = sum + s;
    } catch (const espalier::Error&) {
    }
    return 0;
}
