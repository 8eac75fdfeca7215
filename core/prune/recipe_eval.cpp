#include "core/prune/recipe_eval.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

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
        if (!std::isfinite(v))
            fail("the result is not a finite number");
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
        // Each parenthesis and sign nests one call: bounded, so a long run of them is an error, not
        // a stack overflow.
        if (++depth_ > kMaxDepth)
            fail("nests deeper than " + std::to_string(kMaxDepth) + " levels");
        struct Leave {
            int& depth;
            ~Leave() { --depth; }
        } leave{depth_};
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
            const char* start = s_.c_str() + i_;
            char* end = nullptr;
            const double v = std::strtod(start, &end);
            if (end == start || !std::isfinite(v))
                fail("'" + s_.substr(i_, size_t(std::max<std::ptrdiff_t>(end - start, 1))) + "' is not a number");
            i_ += size_t(end - start);
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

    static constexpr int kMaxDepth = 200;
    const std::string& s_;
    const std::map<std::string, double>& vars_;
    size_t i_ = 0;
    int depth_ = 0;
};

} // namespace

double evaluateArithmetic(const std::string& expression, const std::map<std::string, double>& variables)
{
    return Arithmetic(expression, variables).run();
}

} // namespace espalier::prune
