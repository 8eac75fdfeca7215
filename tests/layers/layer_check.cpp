#include "tests/layers/layer_check.h"

#include <algorithm>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace layercheck {

namespace {

bool startsWith(const std::string& text, const std::string& prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> splitTabs(const std::string& line)
{
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, '\t'))
        fields.push_back(field);
    return fields;
}

// "$<LINK_ONLY:espalier_io>" -> "espalier_io"; other items unchanged.
std::string unwrapGeneratorExpression(std::string item)
{
    while (startsWith(item, "$<") && item.back() == '>') {
        const size_t colon = item.find(':');
        if (colon == std::string::npos)
            break;
        item = item.substr(colon + 1, item.size() - colon - 2);
    }
    return item;
}

// The layers, bottom first. A target's layer is that of its folder.
enum Layer { Runtime, Engine, Views, Mains, Checks };
const char* const kLayerNames[] = {"runtime (core/runtime)", "core", "widgets", "app", "tests and benchmarks"};

Layer layerOf(const std::string& dir)
{
    if (dir == "core/runtime" || startsWith(dir, "core/runtime/"))
        return Runtime;
    if (dir == "core" || startsWith(dir, "core/"))
        return Engine;
    if (dir == "widgets" || startsWith(dir, "widgets/"))
        return Views;
    if (dir == "app" || startsWith(dir, "app/"))
        return Mains;
    return Checks;
}

bool isTorchItem(const std::string& item)
{
    static const std::regex torch(R"((^|/|::)(lib)?(torch|torch_cpu|torch_library|torch_global_deps|c10|caffe2)[^/]*$)");
    return std::regex_search(item, torch);
}

bool isQtItem(const std::string& item) { return startsWith(item, "Qt6::") || startsWith(item, "Qt::") || item.find("libQt6") != std::string::npos; }

bool isTorchHeader(const std::string& path)
{
    for (const char* prefix : {"torch/", "ATen/", "c10/", "caffe2/"})
        if (startsWith(path, prefix))
            return true;
    return false;
}

bool isGenerated(const std::string& path)
{
    return path.size() > 4 && path.compare(path.size() - 4, 4, ".moc") == 0;
}

struct Graph {
    const Manifest& manifest;
    std::map<std::string, std::set<std::string>> closures;  // our targets reachable, the target included
    std::map<std::string, std::set<std::string>> externals;  // what else the closure links

    const std::set<std::string>& closure(const std::string& name)
    {
        if (auto it = closures.find(name); it != closures.end())
            return it->second;
        std::set<std::string> reach{name};
        std::set<std::string> outside;
        std::vector<std::string> stack{name};
        while (!stack.empty()) {
            const std::string current = stack.back();
            stack.pop_back();
            for (const std::string& raw : manifest.targets.at(current).links) {
                const std::string item = unwrapGeneratorExpression(raw);
                if (manifest.targets.count(item)) {
                    if (reach.insert(item).second)
                        stack.push_back(item);
                } else {
                    outside.insert(item);
                }
            }
        }
        externals[name] = std::move(outside);
        return closures[name] = std::move(reach);
    }
};

// A cycle through our targets' direct links, as "a -> b -> a", or nothing.
std::optional<std::string> findCycle(const Manifest& manifest)
{
    std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
    std::vector<std::string> path;
    std::function<std::optional<std::string>(const std::string&)> visit = [&](const std::string& name) -> std::optional<std::string> {
        state[name] = 1;
        path.push_back(name);
        for (const std::string& raw : manifest.targets.at(name).links) {
            const std::string next = unwrapGeneratorExpression(raw);
            if (!manifest.targets.count(next))
                continue;
            if (state[next] == 1) {
                std::string cycle;
                for (auto it = std::find(path.begin(), path.end(), next); it != path.end(); ++it)
                    cycle += *it + " -> ";
                return cycle + next;
            }
            if (state[next] == 0)
                if (auto found = visit(next))
                    return found;
        }
        path.pop_back();
        state[name] = 2;
        return std::nullopt;
    };
    for (const auto& [name, target] : manifest.targets)
        if (state[name] == 0)
            if (auto found = visit(name))
                return found;
    return std::nullopt;
}

} // namespace

Manifest Manifest::parse(const std::string& text)
{
    Manifest manifest;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty())
            continue;
        const std::vector<std::string> f = splitTabs(line);
        const auto bad = [&] { return std::runtime_error("layer manifest line " + std::to_string(number) + ": " + line); };
        if (f.size() == 4 && f[0] == "target") {
            Target& t = manifest.targets[f[1]];
            t.name = f[1];
            t.dir = f[2];
            t.usesTorch = f[3] == "1";
        } else if (f.size() == 3 && (f[0] == "source" || f[0] == "link")) {
            auto it = manifest.targets.find(f[1]);
            if (it == manifest.targets.end())
                throw bad();
            (f[0] == "source" ? it->second.sources : it->second.links).push_back(f[2]);
        } else {
            throw bad();
        }
    }
    return manifest;
}

std::vector<Include> includesOf(const std::string& text)
{
    static const std::regex include(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
    std::vector<Include> out;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    std::smatch m;
    while (std::getline(in, line)) {
        ++number;
        if (std::regex_search(line, m, include))
            out.push_back({number, m[2].str(), m[1].str() == "<"});
    }
    return out;
}

std::string Problem::str() const
{
    return line > 0 ? file + ":" + std::to_string(line) + ": " + what : file + ": " + what;
}

std::vector<Problem> check(const Manifest& manifest, const Tree& tree)
{
    std::vector<Problem> problems;
    Graph graph{manifest, {}, {}};

    std::map<std::string, std::set<std::string>> owners;  // file -> targets listing it
    for (const auto& [name, target] : manifest.targets)
        for (const std::string& source : target.sources)
            owners[source].insert(name);

    // The build graph.
    if (auto cycle = findCycle(manifest))
        problems.push_back({"build graph", 0, "targets link in a cycle: " + *cycle});
    for (const auto& [name, target] : manifest.targets) {
        const Layer layer = layerOf(target.dir);
        for (const std::string& raw : target.links) {
            const std::string item = unwrapGeneratorExpression(raw);
            auto dep = manifest.targets.find(item);
            if (dep == manifest.targets.end())
                continue;
            const Layer depLayer = layerOf(dep->second.dir);
            if (depLayer > layer)
                problems.push_back({name, 0, "links " + item + " of a higher layer (" + kLayerNames[depLayer]
                                                 + " above " + kLayerNames[layer] + ")"});
        }
        if (name == "espalier-run")
            for (const std::string& dep : graph.closure(name))
                if (dep != name && layerOf(manifest.targets.at(dep).dir) != Runtime)
                    problems.push_back({name, 0, "links " + dep + ": the on-device runner links only the runtime"});
        if (layer > Engine)
            continue;
        graph.closure(name);
        for (const std::string& item : graph.externals[name]) {
            if (isQtItem(item))
                problems.push_back({name, 0, "reaches Qt (" + item + "): the engine never links Qt"});
            if (!target.usesTorch && isTorchItem(item))
                problems.push_back({name, 0, "reaches LibTorch (" + item
                                                 + ") but is torch-free (link it through espalier_link_torch, or keep torch out)"});
        }
    }

    // Every header is in a source list.
    for (const std::string& header : tree.headers)
        if (!owners.count(header))
            problems.push_back({header, 0, "is in no target's source list"});

    // Every include of every listed source; and which linked targets each target's includes use.
    std::set<std::pair<std::string, std::string>> checked;  // (file, target)
    for (const auto& [name, target] : manifest.targets) {
        const std::set<std::string>& reach = graph.closure(name);
        const Layer layer = layerOf(target.dir);
        std::set<std::string> used;  // targets owning a header this target's sources include
        for (const std::string& file : target.sources) {
            if (!checked.insert({file, name}).second)
                continue;
            const std::optional<std::string> text = tree.read(file);
            if (!text)
                continue;  // a generated source
            for (const Include& inc : includesOf(*text)) {
                if (inc.system) {
                    if (layer <= Engine && !target.usesTorch && isTorchHeader(inc.path))
                        problems.push_back({file, inc.line, "includes <" + inc.path + "> but " + name + " is torch-free"});
                    if (layer <= Engine && inc.path.size() > 1 && inc.path[0] == 'Q' && std::isupper(static_cast<unsigned char>(inc.path[1])))
                        problems.push_back({file, inc.line, "includes <" + inc.path + ">: the engine never uses Qt"});
                    continue;
                }
                if (isGenerated(inc.path))
                    continue;
                auto owner = owners.find(inc.path);
                if (owner == owners.end()) {
                    problems.push_back({file, inc.line, tree.read(inc.path)
                                                            ? "includes \"" + inc.path + "\", which is in no target's source list"
                                                            : "includes \"" + inc.path + "\", which names no file from the repository root"});
                    continue;
                }
                used.insert(owner->second.begin(), owner->second.end());
                const bool reachable = std::any_of(owner->second.begin(), owner->second.end(),
                                                   [&](const std::string& o) { return reach.count(o) > 0; });
                if (!reachable)
                    problems.push_back({file, inc.line, "includes \"" + inc.path + "\" of " + *owner->second.begin()
                                                            + ", which " + name + " does not link"});
            }
        }
        // A target links exactly what its sources use: every target it links directly owns a header
        // one of them includes.
        for (const std::string& raw : target.links) {
            const std::string item = unwrapGeneratorExpression(raw);
            auto dep = manifest.targets.find(item);
            if (dep != manifest.targets.end() && !dep->second.sources.empty() && !used.count(item))
                problems.push_back({name, 0, "links " + item + " but none of its sources includes a header of it"});
        }
    }
    return problems;
}

} // namespace layercheck
