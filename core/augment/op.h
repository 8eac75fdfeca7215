#pragma once
// One augmentation op: a configuration (validated when the pipeline is loaded, never mid-training),
// a probability, a draw of this application's random parameters, and a deterministic apply.
// Splitting draw from apply lets a preview lock an op (re-apply the same draw) and lets tests check
// exactly what was done.
//
// Each op type lives in ops/<type>.h as a class with
//   static std::unique_ptr<Op> create(const ParamMap& params, const OpContext& context);  // validates
//   static std::vector<ParamSpec> specs();                                                 // for editors
// and is listed in op_registry.cpp.
#include "core/augment/applied_op.h"
#include "core/augment/signal.h"
#include "core/runtime/random.h"

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace espalier::augment {

enum class Domain { Waveform, Features };

// A parameter's value as written in YAML: a number, a string, or a list of either.
using ParamValue = std::variant<double, std::string, std::vector<double>, std::vector<std::string>>;
using ParamMap = std::map<std::string, ParamValue>;

// Describes one parameter for editors and error messages.
struct ParamSpec {
    enum class Kind { Number, Integer, Choice, NumberList, ChoiceList, Path };
    std::string name;
    Kind kind = Kind::Number;
    std::string help;              // one line, English (the GUI translates its own labels)
    double min = 0.0, max = 0.0;   // for numbers and number lists; min == max means unbounded
    std::vector<std::string> choices;
    ParamValue defaultValue;
    bool required = false;
};

// Where an op's relative paths (noise manifests, impulse responses) are resolved, and what the
// pipeline's features look like (for validating mask widths against the bin count).
struct OpContext {
    std::string baseDir;        // folder of the pipeline file ("" = current directory)
    std::string where;          // "pipeline.yaml: op 3 (noise)" — prefix for error messages
    int sampleRate = 16000;
    int numMelBins = 80;
};

// Typed access to a ParamMap with errors naming the op and field (InputError), and a check that
// no unknown keys were given.
class ParamReader {
public:
    ParamReader(const ParamMap& params, const OpContext& context, const std::vector<ParamSpec>& specs);
    double number(const std::string& name) const;
    int integer(const std::string& name) const;
    std::string choice(const std::string& name) const;
    std::vector<double> numbers(const std::string& name) const;     // a single number becomes a list of one
    std::vector<std::string> choices(const std::string& name) const;
    std::string path(const std::string& name) const;                // resolved against baseDir; "" when unset
    bool has(const std::string& name) const;                        // given explicitly
    // A [lo, hi] pair (a list of two numbers, or one number meaning [x, x]), checked lo <= hi.
    std::pair<double, double> range(const std::string& name) const;
    [[noreturn]] void fail(const std::string& name, const std::string& problem) const;

private:
    const ParamValue& value(const std::string& name) const;
    const ParamSpec& spec(const std::string& name) const;
    const ParamMap& params_;
    const OpContext& context_;
    const std::vector<ParamSpec>& specs_;
};

class Op {
public:
    virtual ~Op() = default;
    virtual std::string type() const = 0;
    virtual Domain domain() const = 0;
    // The configuration as given (after defaults), for YAML and the editor.
    virtual ParamMap params() const = 0;
    // Draws this application's parameters; may look at the input (length, rate, feature shape).
    // Does not set index/applied: the pipeline does.
    virtual AppliedOp draw(const Signal& input, runtime::SeededRandom& random) const = 0;
    // Applies a draw; deterministic. Feature-domain ops may assume signal.hasFeatures(). May add
    // what it measured to the record, named "*_measured" (e.g. the noise op's "snr_measured_db").
    virtual void apply(Signal& signal, AppliedOp& drawn) const = 0;

    double probability() const { return probability_; }
    void setProbability(double p);  // throws InputError outside [0, 1]

private:
    double probability_ = 1.0;
};

} // namespace espalier::augment
