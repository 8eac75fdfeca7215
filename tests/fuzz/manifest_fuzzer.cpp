// libFuzzer harness: corpus manifests as users have them. The first byte picks the layout: a WeNet
// data.list, a NeMo manifest, a Kaldi folder (the rest split at the first NUL into wav.scp and
// text), or detection. Read leniently (issues listed) and strictly.
#include "core/data/manifest.h"
#include "core/runtime/error.h"
#include "tests/fuzz/fuzz_util.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace espalier;
    if (size == 0)
        return 0;
    const int layout = data[0] % 4;
    const std::string rest = fuzzutil::text(data + 1, size - 1);
    std::string path;
    data::ManifestFormat format = data::ManifestFormat::Auto;
    if (layout == 2) {
        const std::string dir = fuzzutil::scratchDir() + "/kaldi";
        std::filesystem::create_directories(dir);
        const size_t split = rest.find('\0');
        fuzzutil::writeScratch("kaldi/wav.scp", rest.substr(0, split));
        fuzzutil::writeScratch("kaldi/text", split == std::string::npos ? std::string() : rest.substr(split + 1));
        path = dir;
        format = data::ManifestFormat::Kaldi;
    } else {
        path = fuzzutil::writeScratch("data.list", rest);
        format = layout == 0 ? data::ManifestFormat::WeNet : layout == 1 ? data::ManifestFormat::NeMo : data::ManifestFormat::Auto;
    }
    try {
        const data::ManifestReadResult read = data::readManifest(path, format);
        for (const data::ManifestIssue& issue : read.issues)
            (void)issue.toString();
        (void)data::loadManifest(path, format);
    } catch (const Error&) {
    }
    return 0;
}
