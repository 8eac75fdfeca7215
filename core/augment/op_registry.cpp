#include "core/augment/op_registry.h"

#include "core/augment/ops/crop.h"
#include "core/augment/ops/gain.h"
#include "core/augment/ops/noise.h"
#include "core/augment/ops/reverb.h"
#include "core/augment/ops/spec_augment.h"
#include "core/augment/ops/speed.h"
#include "core/augment/ops/tempo.h"
#include "core/runtime/error.h"

namespace espalier::augment {

namespace {

struct Entry {
    std::vector<ParamSpec> (*specs)();
    std::unique_ptr<Op> (*create)(const ParamMap&, const OpContext&);
};

template <class T>
Entry entry()
{
    return {&T::specs, &T::create};
}

// Parallel to opTypes().
const std::vector<Entry>& entries()
{
    static const std::vector<Entry> list = {entry<SpeedOp>(), entry<TempoOp>(), entry<CropOp>(), entry<GainOp>(),
                                            entry<NoiseOp>(), entry<ReverbOp>(), entry<SpecAugmentOp>()};
    return list;
}

const Entry& find(const std::string& type, const std::string& where)
{
    const auto& types = opTypes();
    for (size_t i = 0; i < types.size(); ++i)
        if (types[i].name == type)
            return entries()[i];
    std::string known;
    for (const auto& t : types)
        known += (known.empty() ? "" : ", ") + t.name;
    throw InputError((where.empty() ? std::string() : where + ": ") + "unknown op type '" + type
                     + "' (known: " + known + ")");
}

} // namespace

const std::vector<OpType>& opTypes()
{
    static const std::vector<OpType> types = {
        {"speed", Domain::Waveform, "Speed perturbation by resampling (duration and pitch change), as sox speed"},
        {"tempo", Domain::Waveform, "Tempo change keeping the pitch (WSOLA)"},
        {"crop", Domain::Waveform, "Random crop to a fraction of the length, or zero padding above 1"},
        {"gain", Domain::Waveform, "Volume change in dB"},
        {"noise", Domain::Waveform, "Additive noise at a target SNR: coloured, from files, or babble"},
        {"reverb", Domain::Waveform, "Reverberation with a room impulse response (file or generated from RT60)"},
        {"spec_augment", Domain::Features, "SpecAugment: time warp, frequency and time masks on the fbank features"},
    };
    return types;
}

std::vector<ParamSpec> opParamSpecs(const std::string& type)
{
    return find(type, {}).specs();
}

std::unique_ptr<Op> createOp(const std::string& type, const ParamMap& params, const OpContext& context)
{
    return find(type, context.where).create(params, context);
}

} // namespace espalier::augment
