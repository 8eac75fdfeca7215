#pragma once
// The op types a pipeline may use, by name.
#include "core/augment/op.h"

namespace espalier::augment {

struct OpType {
    std::string name;        // "speed", "tempo", "crop", "gain", "noise", "reverb", "spec_augment"
    Domain domain;
    std::string description; // one line, English
};

const std::vector<OpType>& opTypes();
std::vector<ParamSpec> opParamSpecs(const std::string& type);  // throws InputError for unknown types
// Creates and validates an op; throws InputError naming context.where and the field.
std::unique_ptr<Op> createOp(const std::string& type, const ParamMap& params, const OpContext& context);

} // namespace espalier::augment
