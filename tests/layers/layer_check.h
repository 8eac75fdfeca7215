#pragma once
// The layer check: reads the build graph CMake wrote (cmake/LayerManifest.cmake) and every source's
// include lines, and lists each place where the code reaches past what its target links.
//
// Rules (docs/architecture.md, "Layers and CMake targets"):
//  - an include names a file from the repository root ("core/prune/recipe.h"), and that file is in
//    the source list of the including file's own target or of a target it links, directly or not;
//  - every header of the tree is in some target's source list;
//  - links go down the layers runtime < core < widgets < app < tests/bench, never up; the graph of
//    our targets has no cycle; espalier-run links only the runtime;
//  - core never reaches Qt; a core target not marked as using LibTorch (espalier_link_torch) neither
//    links it, directly or through another target, nor includes its headers.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace layercheck {

struct Target {
    std::string name;
    std::string dir;          // relative to the repository root
    bool usesTorch = false;   // marked by espalier_link_torch()
    std::vector<std::string> sources;
    std::vector<std::string> links;  // as written in CMake: our targets, imported targets, paths
};

struct Manifest {
    std::map<std::string, Target> targets;
    // Parses the manifest's text; throws std::runtime_error naming the line of a malformed record.
    static Manifest parse(const std::string& text);
};

struct Include {
    int line = 0;
    std::string path;  // between the quotes, or between <> for a system include
    bool system = false;
};

// The #include lines of a source text.
std::vector<Include> includesOf(const std::string& text);

struct Problem {
    std::string file;  // or the target, for problems of the build graph
    int line = 0;
    std::string what;
    std::string str() const;
};

struct Tree {
    // Returns a file's text (path relative to the repository), or nothing when there is no such file.
    std::function<std::optional<std::string>(const std::string&)> read;
    // Every header (.h) of the tree, relative to the repository.
    std::vector<std::string> headers;
};

std::vector<Problem> check(const Manifest& manifest, const Tree& tree);

} // namespace layercheck
