#include "core/io/yaml_document.h"

#include "core/runtime/error.h"

namespace espalier::io {

YAML::Node parseYaml(const std::string& text, const YamlReader& reader)
{
    try {
        return YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw InputError(reader.at(e.mark) + ": invalid YAML: " + e.msg);
    }
}

void checkYamlDocument(const YAML::Node& root, const YamlReader& reader, const YamlDocumentSpec& spec)
{
    if (!root.IsMap())
        throw InputError(reader.at(root) + ": expected " + spec.what + ", got "
                         + (root.IsNull() ? std::string("an empty document") : YamlReader::describe(root)));
    if (!spec.keys.empty())
        reader.checkKeys(root, "", spec.keys);
    if (spec.versionKey.empty())
        return;
    const YAML::Node version = root[spec.versionKey];
    const std::string newest = std::to_string(spec.version);
    if (!version) {
        if (spec.versionRequired)
            reader.fail(root, spec.versionKey, "missing; the file must start with '" + spec.versionKey + ": " + newest + "'");
        return;
    }
    const long long v = reader.integer(version, spec.versionKey);
    if (v > spec.version)
        reader.fail(version, spec.versionKey, "format version " + std::to_string(v) + " is newer than this Espalier reads ("
                                                  + newest + "); upgrade Espalier");
    if (v < 1)
        reader.fail(version, spec.versionKey, "expected format version " + newest);
}

YAML::Node readYamlDocument(const std::string& text, const YamlReader& reader, const YamlDocumentSpec& spec)
{
    YAML::Node root = parseYaml(text, reader);
    checkYamlDocument(root, reader, spec);
    return root;
}

std::string emittedYaml(const YAML::Emitter& out, const std::string& what)
{
    if (!out.good())
        throw InputError("cannot write " + what + ": " + out.GetLastError());
    return std::string(out.c_str()) + "\n";
}

} // namespace espalier::io
