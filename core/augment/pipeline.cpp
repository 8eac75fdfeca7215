#include "core/augment/pipeline.h"

#include "core/audio/resample.h"
#include "core/augment/op_registry.h"
#include "core/io/atomic_file.h"
#include "core/io/yaml_document.h"
#include "core/io/yaml_reader.h"
#include "core/runtime/error.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>

namespace espalier::augment {

namespace {

constexpr std::uint64_t kDitherStream = 0x6469746865720000ULL;   // "dither"
constexpr std::uint64_t kUtteranceStream = 0x7574746572616e63ULL; // "utteranc"

// YAML 1.2 core-schema numbers: decimal, with optional fraction and exponent, and .inf / .nan.
bool parseYamlNumber(const std::string& text, double& out)
{
    std::string t = text;
    std::string lower = t;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == ".nan") {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (lower == ".inf" || lower == "+.inf" || lower == "-.inf") {
        out = lower[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        return true;
    }
    size_t i = 0;
    if (i < t.size() && (t[i] == '+' || t[i] == '-'))
        ++i;
    size_t digits = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
        ++i, ++digits;
    if (i < t.size() && t[i] == '.') {
        ++i;
        while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
            ++i, ++digits;
    }
    if (digits == 0)
        return false;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-'))
            ++i;
        size_t exponent = 0;
        while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
            ++i, ++exponent;
        if (exponent == 0)
            return false;
    }
    if (i != t.size())
        return false;
    const char* first = t.c_str() + (t[0] == '+' ? 1 : 0);
    const auto r = std::from_chars(first, t.c_str() + t.size(), out);
    return r.ec == std::errc() || r.ec == std::errc::result_out_of_range;
}

// The shortest text that reads back as exactly v (std::to_chars: locale-independent).
std::string yamlNumber(double v)
{
    if (std::isnan(v))
        return ".nan";
    if (std::isinf(v))
        return v > 0 ? ".inf" : "-.inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        return std::to_string(static_cast<long long>(v));
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// As yamlNumber, for a float: the shortest text that reads back (through a double) as v.
std::string yamlFloat(float v)
{
    if (!std::isfinite(v) || v == std::floor(v))
        return yamlNumber(v);
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// A string as a plain scalar when that reads back as the same string, else double-quoted.
std::string yamlString(const std::string& s)
{
    static const char* const special[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
    bool plain = !s.empty() && s.front() != '-' && s.front() != '.' && s.front() != ' ' && s.back() != ' ';
    for (unsigned char c : s)
        plain = plain && (std::isalnum(c) || c == '_' || c == '-' || c == '+' || c == '.' || c == '/' || c >= 0x80);
    double ignored = 0.0;
    std::string lower = s;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    for (const char* word : special)
        plain = plain && lower != word;
    if (plain && !parseYamlNumber(s, ignored))
        return s;
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += char(c);
        }
    }
    return out + "\"";
}

std::string yamlValue(const ParamValue& value)
{
    if (const auto* d = std::get_if<double>(&value))
        return yamlNumber(*d);
    if (const auto* s = std::get_if<std::string>(&value))
        return yamlString(*s);
    std::string out = "[";
    if (const auto* list = std::get_if<std::vector<double>>(&value))
        for (size_t i = 0; i < list->size(); ++i)
            out += (i ? ", " : "") + yamlNumber((*list)[i]);
    if (const auto* list = std::get_if<std::vector<std::string>>(&value))
        for (size_t i = 0; i < list->size(); ++i)
            out += (i ? ", " : "") + yamlString((*list)[i]);
    return out + "]";
}

using Located = io::YamlReader;  // "file:line: field: problem" messages

std::string scalarText(const YAML::Node& node) { return node.Scalar(); }

// A plain (unquoted) scalar that reads as a YAML number.
bool plainNumber(const YAML::Node& node, double& out)
{
    if (!node.IsScalar() || node.Tag() == "!")
        return false;
    return parseYamlNumber(node.Scalar(), out);
}

double numberField(const Located& loc, const YAML::Node& node, const std::string& field)
{
    if (!node.IsDefined())
        loc.fail(node, field, "missing");
    double v = 0.0;
    if (!plainNumber(node, v))
        loc.fail(node, field, "expected a number, got '" + (node.IsScalar() ? scalarText(node) : std::string("a ")
                                                                                            + (node.IsMap() ? "map" : "list"))
                                  + "'");
    return v;
}

int integerField(const Located& loc, const YAML::Node& node, const std::string& field)
{
    const double v = numberField(loc, node, field);
    if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 1e9)
        loc.fail(node, field, "expected a whole number, got " + scalarText(node));
    return int(v);
}

bool boolField(const Located& loc, const YAML::Node& node, const std::string& field)
{
    if (!node.IsDefined())
        loc.fail(node, field, "missing");
    if (node.IsScalar() && node.Tag() != "!") {
        std::string s = node.Scalar();
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        if (s == "true" || s == "yes" || s == "on")
            return true;
        if (s == "false" || s == "no" || s == "off")
            return false;
    }
    loc.fail(node, field, "expected true or false");
}

// A parameter as written: a number, a string, or a list of either. Sets problem for anything else.
ParamValue paramValue(const YAML::Node& node, std::string& problem)
{
    if (node.IsScalar()) {
        double v = 0.0;
        if (plainNumber(node, v))
            return v;
        return node.Scalar();
    }
    if (node.IsSequence()) {
        std::vector<double> numbers;
        std::vector<std::string> strings;
        bool allNumbers = true;
        for (const auto& item : node) {
            if (!item.IsScalar()) {
                problem = "must be a list of numbers or names, not of lists or maps";
                return {};
            }
            double v = 0.0;
            allNumbers = allNumbers && plainNumber(item, v);
            numbers.push_back(v);
            strings.push_back(item.Scalar());
        }
        if (allNumbers)
            return numbers;
        return strings;
    }
    problem = node.IsNull() ? "has no value" : "must be a number, a name or a list, not a map";
    return {};
}

std::string knownTypes()
{
    std::string known;
    for (const auto& t : opTypes())
        known += (known.empty() ? "" : ", ") + t.name;
    return known;
}

runtime::FbankOptions readFeatures(const Located& loc, const YAML::Node& node)
{
    if (!node.IsMap())
        loc.fail(node, "features", "expected a map of fbank options, e.g. {num_mel_bins: 80, dither: 0.0}");
    runtime::FbankOptions o;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = it->first.Scalar();
        const YAML::Node v = it->second;  // a copy: yaml-cpp's iterator hands out a temporary
        const std::string field = "features." + key;
        if (key == "sample_rate")
            o.sampleRate = integerField(loc, v, field);
        else if (key == "num_mel_bins")
            o.numMelBins = integerField(loc, v, field);
        else if (key == "frame_length_ms")
            o.frameLengthMs = float(numberField(loc, v, field));
        else if (key == "frame_shift_ms")
            o.frameShiftMs = float(numberField(loc, v, field));
        else if (key == "dither")
            o.dither = float(numberField(loc, v, field));
        else if (key == "preemphasis")
            o.preemphasis = float(numberField(loc, v, field));
        else if (key == "remove_dc_offset")
            o.removeDcOffset = boolField(loc, v, field);
        else if (key == "snip_edges")
            o.snipEdges = boolField(loc, v, field);
        else if (key == "low_freq")
            o.lowFreq = float(numberField(loc, v, field));
        else if (key == "high_freq")
            o.highFreq = float(numberField(loc, v, field));
        else
            loc.fail(it->first, field,
                     "unknown fbank option (known: sample_rate, num_mel_bins, frame_length_ms, frame_shift_ms, "
                     "dither, preemphasis, remove_dc_offset, snip_edges, low_freq, high_freq)");
    }
    try {
        runtime::Fbank check(o);
    } catch (const InputError& e) {
        // The runtime names the C++ field ("FbankOptions.numMelBins must be ..."): name the YAML key
        // and point at its line.
        static const std::pair<const char*, const char*> names[] = {
            {"sampleRate", "sample_rate"},     {"numMelBins", "num_mel_bins"}, {"frameLengthMs", "frame_length_ms"},
            {"frameShiftMs", "frame_shift_ms"}, {"dither", "dither"},           {"preemphasis", "preemphasis"},
            {"lowFreq", "low_freq"},           {"highFreq", "high_freq"}};
        std::string message = e.what();
        for (const auto& [cpp, key] : names) {
            const std::string prefix = std::string("FbankOptions.") + cpp + " ";
            if (message.rfind(prefix, 0) == 0) {
                const YAML::Node at = node[key] ? node[key] : node;
                loc.fail(at, std::string("features.") + key, message.substr(prefix.size()));
            }
        }
        loc.fail(node, "features", message);
    }
    return o;
}

bool sameFbank(const runtime::FbankOptions& a, const runtime::FbankOptions& b)
{
    return a.sampleRate == b.sampleRate && a.numMelBins == b.numMelBins && a.frameLengthMs == b.frameLengthMs
           && a.frameShiftMs == b.frameShiftMs && a.dither == b.dither && a.preemphasis == b.preemphasis
           && a.removeDcOffset == b.removeDcOffset && a.snipEdges == b.snipEdges && a.lowFreq == b.lowFreq
           && a.highFreq == b.highFreq && a.inputScale == b.inputScale && a.energyFloor == b.energyFloor
           && a.ditherSeed == b.ditherSeed;
}

// Features of the signal's waveform. Without dither the Fbank is cached per thread (construction
// precomputes windows and mel banks); with dither a fresh one is seeded per run, so output depends
// only on the seed.
runtime::FeatureMatrix computeFeatures(const Signal& signal, const runtime::FbankOptions& options, std::uint64_t seed)
{
    if (options.dither != 0.0f) {
        runtime::FbankOptions o = options;
        o.ditherSeed = runtime::deriveSeed(seed, kDitherStream);
        runtime::Fbank fbank(o);
        return fbank.compute(signal.samples);
    }
    thread_local std::unique_ptr<runtime::Fbank> cached;
    if (!cached || !sameFbank(cached->options(), options))
        cached = std::make_unique<runtime::Fbank>(options);
    return cached->compute(signal.samples);
}

std::string opLabel(size_t index, const std::string& type)
{
    return "op " + std::to_string(index + 1) + " (" + type + ")";
}

std::vector<const Op*> view(const std::vector<std::unique_ptr<Op>>& ops)
{
    std::vector<const Op*> v;
    for (const auto& op : ops)
        v.push_back(op.get());
    return v;
}

std::string whereFor(const std::string& sourceName)
{
    return sourceName.empty() ? std::string() : sourceName + ": ";
}

void checkProbability(double p, const std::string& where)
{
    if (!(p >= 0.0 && p <= 1.0))
        throw InputError(where + ": p: the probability must be in [0, 1], got " + yamlNumber(p));
}

// Throws when a waveform op follows a feature op (the waveform is gone by then).
void checkOrder(const std::vector<const Op*>& ops, const std::string& where)
{
    for (size_t i = 0; i < ops.size(); ++i) {
        if (ops[i]->domain() != Domain::Features)
            continue;
        for (size_t j = i + 1; j < ops.size(); ++j)
            if (ops[j]->domain() == Domain::Waveform)
                throw InputError(where + opLabel(j, ops[j]->type()) + " works on the waveform but comes after the "
                                 "feature " + opLabel(i, ops[i]->type())
                                 + ": put every waveform op before the first feature op");
    }
}

} // namespace

Pipeline::Pipeline() = default;
Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;
Pipeline::~Pipeline() = default;

Pipeline::Pipeline(const Pipeline& other)
    : name_(other.name_), baseDir_(other.baseDir_), sourceName_(other.sourceName_), fbank_(other.fbank_)
{
    ops_.reserve(other.ops_.size());
    for (size_t i = 0; i < other.ops_.size(); ++i) {
        const Op& op = *other.ops_[i];
        auto copy = createOp(op.type(), op.params(), contextFor(i, op.type()));
        copy->setProbability(op.probability());
        ops_.push_back(std::move(copy));
    }
}

Pipeline& Pipeline::operator=(const Pipeline& other)
{
    if (this != &other) {
        Pipeline copy(other);
        *this = std::move(copy);
    }
    return *this;
}

OpContext Pipeline::contextFor(size_t index, const std::string& type) const
{
    OpContext c;
    c.baseDir = baseDir_;
    c.where = (sourceName_.empty() ? std::string("pipeline") : sourceName_) + ": " + opLabel(index, type);
    c.sampleRate = fbank_.sampleRate;
    c.numMelBins = fbank_.numMelBins;
    return c;
}

Pipeline Pipeline::fromYaml(const std::string& yaml, const std::string& sourceName, const std::string& baseDir)
{
    return io::readingYaml(io::YamlReader(sourceName), [&]() -> Pipeline {
        const Located loc(sourceName);
        const YAML::Node root = io::readYamlDocument(
            yaml, loc,
            {"a pipeline (a map with espalier_augment, name, features, ops)", {"espalier_augment", "name", "features", "ops"},
             "espalier_augment", kFormatVersion});

        Pipeline p;
        p.sourceName_ = sourceName;
        p.baseDir_ = baseDir;
        if (const YAML::Node name = root["name"]) {
            if (!name.IsScalar())
                loc.fail(name, "name", "expected a string");
            p.name_ = name.Scalar();
        }
        if (const YAML::Node features = root["features"])
            p.fbank_ = readFeatures(loc, features);

        const YAML::Node ops = root["ops"];
        if (!ops)
            throw InputError(sourceName + ": ops: missing; list the ops, e.g. ops: [{type: spec_augment}]");
        if (!ops.IsSequence() && !ops.IsNull())
            loc.fail(ops, "ops", "expected a list of ops");
        for (size_t i = 0; ops.IsSequence() && i < ops.size(); ++i) {
            const YAML::Node item = ops[i];
            if (!item.IsMap())
                loc.fail(item, "op " + std::to_string(i + 1), "expected a map such as {type: speed, factors: [0.9, 1.0, 1.1]}");
            const YAML::Node typeNode = item["type"];
            if (!typeNode || !typeNode.IsScalar())
                loc.fail(item, "op " + std::to_string(i + 1), "'type' is missing; give the op's type (" + knownTypes() + ")");
            const std::string type = typeNode.Scalar();
            const std::string where = loc.at(item) + ": " + opLabel(i, type);
            // "file:line: op 2 (noise): 'field' problem", at the line of the field itself.
            auto fieldError = [&](const YAML::Node& node, const std::string& key, const std::string& problem) {
                return InputError(loc.at(node) + ": " + opLabel(i, type) + ": '" + key + "' " + problem);
            };
            double probability = 1.0;
            ParamMap params;
            for (auto it = item.begin(); it != item.end(); ++it) {
                const std::string key = it->first.Scalar();
                const YAML::Node value = it->second;  // a copy: yaml-cpp's iterator hands out a temporary
                if (key == "type")
                    continue;
                if (key == "p") {
                    if (!plainNumber(value, probability))
                        throw fieldError(value, "p", "must be a probability in [0, 1], got '" + scalarText(value) + "'");
                    if (!(probability >= 0.0 && probability <= 1.0))
                        throw fieldError(value, "p", "must be within [0, 1], got " + scalarText(value));
                    continue;
                }
                std::string problem;
                ParamValue v = paramValue(value, problem);
                if (!problem.empty())
                    throw fieldError(value, key, problem);
                params[key] = std::move(v);
            }
            OpContext context = p.contextFor(i, type);
            context.where = where;
            std::unique_ptr<Op> op;
            try {
                op = createOp(type, params, context);
            } catch (const InputError& e) {
                // The op names the field; point at its line when the op spans several lines.
                const std::string message = e.what();
                for (auto it = item.begin(); it != item.end(); ++it) {
                    const std::string key = it->first.Scalar();
                    if (message.rfind(where + ": '" + key + "'", 0) == 0 && it->first.Mark().line != item.Mark().line)
                        throw InputError(loc.at(it->first) + ": " + message.substr(loc.at(item).size() + 2));
                }
                throw;
            }
            op->setProbability(probability);
            p.ops_.push_back(std::move(op));
            checkOrder(view(p.ops_), loc.at(item) + ": ");
        }
        return p;
    });
}

Pipeline Pipeline::load(const std::string& path)
{
    const std::string text = io::readFile(path);
    const std::string dir = std::filesystem::path(path).parent_path().string();
    return fromYaml(text, path, dir);
}

std::string Pipeline::toYaml() const
{
    std::string out = "espalier_augment: " + std::to_string(kFormatVersion) + "\n";
    if (!name_.empty())
        out += "name: " + yamlString(name_) + "\n";
    const runtime::FbankOptions d;
    const runtime::FbankOptions& f = fbank_;
    out += "features: {sample_rate: " + std::to_string(f.sampleRate) + ", num_mel_bins: " + std::to_string(f.numMelBins)
           + ", dither: " + yamlFloat(f.dither);
    auto optional = [&out](const char* key, float value, float fallback) {
        if (value != fallback)
            out += std::string(", ") + key + ": " + yamlFloat(value);
    };
    optional("frame_length_ms", f.frameLengthMs, d.frameLengthMs);
    optional("frame_shift_ms", f.frameShiftMs, d.frameShiftMs);
    optional("preemphasis", f.preemphasis, d.preemphasis);
    optional("low_freq", f.lowFreq, d.lowFreq);
    optional("high_freq", f.highFreq, d.highFreq);
    if (f.removeDcOffset != d.removeDcOffset)
        out += std::string(", remove_dc_offset: ") + (f.removeDcOffset ? "true" : "false");
    if (f.snipEdges != d.snipEdges)
        out += std::string(", snip_edges: ") + (f.snipEdges ? "true" : "false");
    out += "}\n";
    out += ops_.empty() ? "ops: []\n" : "ops:\n";
    for (const auto& op : ops_) {
        out += "  - {type: " + op->type() + ", p: " + yamlNumber(op->probability());
        for (const auto& [key, value] : op->params())
            out += ", " + key + ": " + yamlValue(value);
        out += "}\n";
    }
    return out;
}

void Pipeline::save(const std::string& path) const
{
    io::writeFileAtomic(path, toYaml());
}

void Pipeline::setFbankOptions(const runtime::FbankOptions& options)
{
    runtime::Fbank check(options);  // throws InputError naming the field
    Pipeline next(*this);
    next.fbank_ = options;
    for (size_t i = 0; i < next.ops_.size(); ++i) {
        const Op& op = *next.ops_[i];
        auto rebuilt = createOp(op.type(), op.params(), next.contextFor(i, op.type()));
        rebuilt->setProbability(op.probability());
        next.ops_[i] = std::move(rebuilt);
    }
    *this = std::move(next);
}

void Pipeline::insert(size_t index, const std::string& type, const ParamMap& params, double probability)
{
    if (index > ops_.size())
        throw InputError("cannot insert an op at position " + std::to_string(index + 1) + " of a pipeline of "
                         + std::to_string(ops_.size()) + " ops");
    const OpContext context = contextFor(index, type);
    checkProbability(probability, context.where);
    auto op = createOp(type, params, context);
    op->setProbability(probability);
    std::vector<const Op*> order = view(ops_);
    order.insert(order.begin() + std::ptrdiff_t(index), op.get());
    checkOrder(order, whereFor(sourceName_));
    ops_.insert(ops_.begin() + std::ptrdiff_t(index), std::move(op));
}

void Pipeline::replace(size_t index, const ParamMap& params, double probability)
{
    if (index >= ops_.size())
        throw InputError("no op " + std::to_string(index + 1) + " in a pipeline of " + std::to_string(ops_.size()));
    const std::string type = ops_[index]->type();
    const OpContext context = contextFor(index, type);
    checkProbability(probability, context.where);
    auto op = createOp(type, params, context);
    op->setProbability(probability);
    ops_[index] = std::move(op);
}

void Pipeline::remove(size_t index)
{
    if (index >= ops_.size())
        throw InputError("no op " + std::to_string(index + 1) + " in a pipeline of " + std::to_string(ops_.size()));
    ops_.erase(ops_.begin() + std::ptrdiff_t(index));
}

void Pipeline::move(size_t from, size_t to)
{
    if (from >= ops_.size() || to >= ops_.size())
        throw InputError("cannot move op " + std::to_string(from + 1) + " to position " + std::to_string(to + 1)
                         + " in a pipeline of " + std::to_string(ops_.size()) + " ops");
    if (from == to)
        return;
    std::vector<const Op*> order = view(ops_);
    const Op* moved = order[from];
    order.erase(order.begin() + std::ptrdiff_t(from));
    order.insert(order.begin() + std::ptrdiff_t(to), moved);
    checkOrder(order, whereFor(sourceName_));
    auto op = std::move(ops_[from]);
    ops_.erase(ops_.begin() + std::ptrdiff_t(from));
    ops_.insert(ops_.begin() + std::ptrdiff_t(to), std::move(op));
}

PipelineResult Pipeline::run(const Signal& input, std::uint64_t seed, const std::map<size_t, AppliedOp>& locked) const
{
    PipelineResult result;
    Signal& s = result.output;
    if (input.sampleRate != fbank_.sampleRate && input.sampleRate > 0)
        s.samples = audio::resample(input.samples, input.sampleRate, fbank_.sampleRate);
    else
        s.samples = input.samples;
    s.sampleRate = fbank_.sampleRate;
    result.applied.reserve(ops_.size());

    bool haveFeatures = false;
    for (size_t i = 0; i < ops_.size(); ++i) {
        const Op& op = *ops_[i];
        if (op.domain() == Domain::Features && !haveFeatures) {
            s.features = computeFeatures(s, fbank_, seed);
            haveFeatures = true;
        }
        AppliedOp record;
        const auto lock = locked.find(i);
        if (lock != locked.end() && lock->second.type == op.type()) {
            record = lock->second;
        } else {
            runtime::SeededRandom random(runtime::deriveSeed(seed, i));
            if (random.chance(op.probability())) {
                record = op.draw(s, random);
            } else {
                record.applied = false;
            }
        }
        record.type = op.type();
        record.index = int(i);
        if (record.applied)
            op.apply(s, record);
        result.applied.push_back(std::move(record));
    }
    if (!haveFeatures)
        s.features = computeFeatures(s, fbank_, seed);
    return result;
}

std::uint64_t Pipeline::utteranceSeed(std::uint64_t seed, std::uint64_t index)
{
    return runtime::deriveSeed(runtime::deriveSeed(seed, kUtteranceStream), index);
}

} // namespace espalier::augment
