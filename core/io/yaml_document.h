#pragma once
// The prologue every YAML document Espalier reads goes through (model and training configs,
// augmentation pipelines, recipes): parse errors as "file:line: invalid YAML: ...", a map at the
// root, only known top-level keys, and the format version ("espalier_train: 1") checked: missing,
// older or newer than this release reads, each with a message that says what to do.
#include "core/io/yaml_reader.h"
#include "core/runtime/error.h"

#include <string>
#include <vector>

namespace espalier::io {

struct YamlDocumentSpec {
    std::string what;               // "a training config (a map with espalier_train, data, model, ...)"
    std::vector<std::string> keys;  // the top-level keys allowed; empty: any
    std::string versionKey;         // "espalier_train"; empty: the document has no version
    int version = 1;                // the newest version this release reads
    bool versionRequired = true;    // false: a document without the key is read as the newest
};

// Parses text; throws InputError "source:line: invalid YAML: ..." (source is reader's).
YAML::Node parseYaml(const std::string& text, const YamlReader& reader);

// Checks a parsed document (or a map embedded in another one) against spec; throws InputError.
void checkYamlDocument(const YAML::Node& root, const YamlReader& reader, const YamlDocumentSpec& spec);

// parseYaml, then checkYamlDocument: the root node.
YAML::Node readYamlDocument(const std::string& text, const YamlReader& reader, const YamlDocumentSpec& spec);

// Runs read(), which reads a document with the reader's typed fields, and turns what yaml-cpp itself
// throws on a document of an unexpected shape (a scalar indexed like a map, say) into an InputError
// at the line it names: a reader never lets a library exception escape past the file's name.
template <typename Read>
auto readingYaml(const YamlReader& reader, Read read) -> decltype(read())
{
    try {
        return read();
    } catch (const YAML::Exception& e) {
        throw InputError(reader.at(e.mark) + ": " + e.msg);
    }
}

// What an emitter wrote, with a final newline; throws InputError naming `what` when it failed.
std::string emittedYaml(const YAML::Emitter& out, const std::string& what);

} // namespace espalier::io
