#include "core/prune/outside_recipe.h"

namespace espalier::prune {

std::vector<std::string> outsideParamList(const io::YamlReader& r, const YAML::Node& node, const std::string& field)
{
    std::vector<std::string> out;
    if (node.IsScalar())
        out.push_back(r.string(node, field));
    else if (node.IsSequence())
        for (size_t i = 0; i < node.size(); ++i)
            out.push_back(r.string(node[i], field));
    else
        r.fail(node, field, "expected a parameter name, pattern or list of them");
    for (std::string& p : out)
        if (p == "__ALL__")
            p = "__ALL_PRUNABLE__";  // only prunable weights are ever pruned here
    return out;
}

} // namespace espalier::prune
