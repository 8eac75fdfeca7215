#include "core/prune/recipe_eval.h"

#include "core/runtime/error.h"

#include <cctype>

namespace espalier::prune {

namespace {

// Recursive descent over + - * / ( ), numbers and variable names.
class Arithmetic {
public:
    Arithmetic(const std::string& text, const std::map<std::string, double>& variables) : s_(text), vars_(variables) {}
    double run()
    {
        const double v = sum();
        skip();
        if (i_ != s_.size())
            fail("unexpected '" + s_.substr(i_, 1) + "'");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& why) const
    {
        throw InputError("eval(" + s_ + "): " + why + " (only numbers, the recipe's variables, + - * / and parentheses)");
    }
    void skip()
    {
        while (i_ < s_.size() && std::isspace((unsigned char)s_[i_]))
            ++i_;
    }
    double sum()
    {
        double v = product();
        for (skip(); i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-'); skip()) {
            const char op = s_[i_++];
            const double r = product();
            v = op == '+' ? v + r : v - r;
        }
        return v;
    }
    double product()
    {
        double v = unary();
        for (skip(); i_ < s_.size() && (s_[i_] == '*' || s_[i_] == '/'); skip()) {
            const char op = s_[i_++];
            const double r = unary();
            if (op == '/' && r == 0.0)
                fail("division by zero");
            v = op == '*' ? v * r : v / r;
        }
        return v;
    }
    double unary()
    {
        skip();
        if (i_ < s_.size() && (s_[i_] == '-' || s_[i_] == '+')) {
            const char op = s_[i_++];
            return op == '-' ? -unary() : unary();
        }
        return atom();
    }
    double atom()
    {
        skip();
        if (i_ >= s_.size())
            fail("ends too early");
        if (s_[i_] == '(') {
            ++i_;
            const double v = sum();
            skip();
            if (i_ >= s_.size() || s_[i_] != ')')
                fail("missing ')'");
            ++i_;
            return v;
        }
        if (std::isdigit((unsigned char)s_[i_]) || s_[i_] == '.') {
            size_t used = 0;
            const double v = std::stod(s_.substr(i_), &used);
            i_ += used;
            return v;
        }
        if (std::isalpha((unsigned char)s_[i_]) || s_[i_] == '_') {
            const size_t start = i_;
            while (i_ < s_.size() && (std::isalnum((unsigned char)s_[i_]) || s_[i_] == '_'))
                ++i_;
            const std::string name = s_.substr(start, i_ - start);
            const auto it = vars_.find(name);
            if (it == vars_.end())
                fail("unknown variable '" + name + "'");
            return it->second;
        }
        fail("unexpected '" + s_.substr(i_, 1) + "'");
    }

    const std::string& s_;
    const std::map<std::string, double>& vars_;
    size_t i_ = 0;
};

} // namespace

double evaluateArithmetic(const std::string& expression, const std::map<std::string, double>& variables)
{
    return Arithmetic(expression, variables).run();
}

} // namespace espalier::prune
