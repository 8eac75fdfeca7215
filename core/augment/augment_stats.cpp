#include "core/augment/augment_stats.h"

#include "core/audio/audio_file.h"
#include "core/data/corpus.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <cmath>

namespace espalier::augment {

void Summary::add(double v)
{
    if (count == 0) {
        min = max = v;
    } else {
        min = std::min(min, v);
        max = std::max(max, v);
    }
    ++count;
    mean += (v - mean) / double(count);
}

namespace {

// Fraction of the cells of one axis inside at least one region of that axis.
double maskedFraction(const std::vector<AppliedOp>& applied, MaskAxis axis, int length)
{
    if (length <= 0)
        return 0.0;
    std::vector<char> covered(size_t(length), 0);
    for (const AppliedOp& op : applied) {
        if (!op.applied)
            continue;
        for (const MaskRegion& m : op.masks) {
            if (m.axis != axis)
                continue;
            const int lo = std::clamp(m.start, 0, length);
            const int hi = std::clamp(m.start + m.width, lo, length);
            std::fill(covered.begin() + lo, covered.begin() + hi, char(1));
        }
    }
    return double(std::count(covered.begin(), covered.end(), char(1))) / double(length);
}

// Every utterance of a manifest, or of all splits of a corpus folder; strict, as loadManifest.
data::UtteranceList readUtterances(const std::string& path)
{
    data::UtteranceList all;
    for (const data::CorpusSplit& split : data::findSplits(path)) {
        data::ManifestReadResult r = data::readSplit(split);
        if (!r.issues.empty())
            throw InputError(r.issues.front().toString()
                             + (r.issues.size() > 1 ? " (and " + std::to_string(r.issues.size() - 1) + " more problems)" : "")
                             + "; run 'espalier-cli corpus validate " + path + "'");
        all.insert(all.end(), std::make_move_iterator(r.utterances.begin()), std::make_move_iterator(r.utterances.end()));
    }
    return all;
}

} // namespace

AugmentStats computeAugmentStats(const std::string& manifestPath, const Pipeline& pipeline, std::uint64_t seed,
                                 long long limit, job::JobContext& context)
{
    data::UtteranceList utterances = readUtterances(manifestPath);
    if (limit > 0 && (long long)utterances.size() > limit)
        utterances.resize(size_t(limit));

    AugmentStats stats;
    for (size_t i = 0; i < pipeline.size(); ++i)
        stats.ops.push_back({pipeline.op(i).type(), int(i), 0, 0});

    const int rate = pipeline.fbankOptions().sampleRate;
    context.beginStage("Augment " + std::to_string(utterances.size()) + " utterances", 0, 1,
                       (long long)utterances.size());
    for (size_t i = 0; i < utterances.size(); ++i) {
        context.throwIfCancelled();
        const audio::Audio audio = audio::readAudio(utterances[i].audioPath, rate);
        Signal input;
        input.samples = audio.samples;
        input.sampleRate = audio.sampleRate;
        const PipelineResult result = pipeline.run(input, Pipeline::utteranceSeed(seed, i));

        ++stats.utterances;
        const double in = input.duration();
        const double out = result.output.duration();
        stats.inputSeconds += in;
        stats.outputSeconds += out;
        if (in > 0)
            stats.durationRatio.add(out / in);
        for (const AppliedOp& op : result.applied) {
            if (op.index < 0 || size_t(op.index) >= stats.ops.size())
                continue;
            OpStats& s = stats.ops[size_t(op.index)];
            (op.applied ? s.applied : s.skipped)++;
            if (op.applied && op.type == "noise" && op.hasValue("snr_measured_db")) {
                const double snr = op.value("snr_measured_db", 0.0);
                if (std::isfinite(snr))
                    stats.snrDb.add(snr);
            }
        }
        const runtime::FeatureMatrix& f = result.output.features;
        if (f.frames > 0 && f.bins > 0) {
            stats.maskedFrameFraction.add(maskedFraction(result.applied, MaskAxis::Time, f.frames));
            stats.maskedBinFraction.add(maskedFraction(result.applied, MaskAxis::Frequency, f.bins));
        }
        context.advance((long long)i + 1);
    }
    return stats;
}

} // namespace espalier::augment
