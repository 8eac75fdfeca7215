#pragma once
// SparseML's eval(...) in recipes, as plain arithmetic: + - * / and parentheses over numbers and the
// recipe's variables. Nothing is ever executed. Torch-free.
#include <map>
#include <string>

namespace espalier::prune {

// Throws InputError "eval(EXPR): why" for anything but the arithmetic above (unknown variables,
// division by zero, stray characters).
double evaluateArithmetic(const std::string& expression, const std::map<std::string, double>& variables);

} // namespace espalier::prune
