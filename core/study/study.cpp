#include "core/study/study.h"

#include "core/io/atomic_file.h"
#include "core/io/yaml_document.h"
#include "core/io/yaml_reader.h"
#include "core/project/project.h"
#include "core/prune/recipe_formats.h"
#include "core/runtime/error.h"
#include "core/train/shipped_configs.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

namespace espalier::study {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kTopKeys = {"espalier_study", "description", "base", "corpus", "set", "axes"};
const std::vector<std::string> kAxisKeys = {"key", "values", "labels"};
constexpr long long kMaxCells = 10000;  // a grid beyond this is a typo, not a study
constexpr const char* kCellSource = "cell";

bool isPlainName(const std::string& name)
{
    if (name.empty() || name.front() == '-' || name.size() > 80)
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum((unsigned char)c) || c == '_' || c == '-';
    });
}

// Characters of a run id: [A-Za-z0-9._-], the rest replaced by '_'.
std::string sanitized(const std::string& text)
{
    std::string out;
    for (char c : text)
        out += std::isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-' ? c : '_';
    return out;
}

std::string flowYaml(const YAML::Node& node)
{
    if (node.IsNull())
        return "null";  // as a user writes it (yaml-cpp would write ~)
    YAML::Emitter out;
    out << YAML::Flow << node;
    return out.c_str();
}

YAML::Node parseValue(const std::string& yaml)
{
    return YAML::Load(yaml);
}

std::vector<std::string> splitKey(const std::string& key)
{
    std::vector<std::string> parts;
    std::stringstream in(key);
    for (std::string part; std::getline(in, part, '.');)
        parts.push_back(part);
    return parts;
}

// Sets (or, for null, removes) the dotted key in a config document. Recursion rather than walking
// with one handle: assigning yaml-cpp nodes rebinds the tree.
void setAt(YAML::Node node, const std::vector<std::string>& parts, size_t i, const YAML::Node& value,
           const std::string& key)
{
    const std::string& part = parts[i];
    if (i + 1 == parts.size()) {
        if (value.IsNull())
            node.remove(part);
        else
            node[part] = value;
        return;
    }
    if (!node[part] || node[part].IsNull())
        node[part] = YAML::Node(YAML::NodeType::Map);
    YAML::Node child = node[part];
    if (!child.IsMap())
        throw InputError(key + ": '" + part + "' is " + io::YamlReader::describe(child) + " in the base config, not a map");
    setAt(child, parts, i + 1, value, key);
}

void applySetting(YAML::Node root, const std::string& key, const std::string& yaml)
{
    const std::vector<std::string> parts = splitKey(key);
    if (parts.empty() || std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }))
        throw InputError("'" + key + "' is not a config key (dotted field names: optimizer.lr)");
    if (key == "data.corpus") {  // a new corpus brings its own splits
        for (const char* split : {"train", "dev", "test"})
            root["data"].remove(split);
    }
    setAt(root, parts, 0, parseValue(yaml), key);
}

// A training config's error without its "cell:LINE: " prefix (the line is of a generated document).
std::string withoutCellSource(const std::string& message)
{
    const std::string prefix = std::string(kCellSource) + ":";
    if (message.rfind(prefix, 0) != 0)
        return message;
    size_t i = prefix.size();
    while (i < message.size() && std::isdigit((unsigned char)message[i]))
        ++i;
    if (i < message.size() && message[i] == ':')
        ++i;
    while (i < message.size() && message[i] == ' ')
        ++i;
    return message.substr(i);
}

std::string describeValues(const std::vector<std::pair<std::string, std::string>>& values)
{
    std::string out;
    for (const auto& [key, value] : values)
        out += (out.empty() ? "" : ", ") + key + " = " + value;
    return out;
}

// The base config, resolved: absolute paths and the corpus's splits filled in.
train::TrainConfig loadBase(const StudyDefinition& d, const std::string& projectDir, const std::string& source)
{
    std::string corpus;
    if (!d.corpus.empty()) {
        const project::Project project = project::Project::open(projectDir);
        if (const project::CorpusEntry* entry = project.findCorpus(d.corpus))
            corpus = project.absoluteCorpusPath(*entry);
        else
            corpus = fs::path(d.corpus).is_absolute() ? d.corpus : (fs::path(projectDir) / d.corpus).lexically_normal().string();
        std::error_code ec;
        if (!fs::is_directory(corpus, ec))
            throw InputError(source + ": corpus: '" + d.corpus + "' is neither a corpus of the project nor a folder");
    }
    const fs::path file = fs::path(d.base).is_absolute() ? fs::path(d.base) : fs::path(projectDir) / d.base;
    std::error_code ec;
    if (fs::is_regular_file(file, ec))
        return train::TrainConfig::load(file.lexically_normal().string(), corpus);
    for (const train::ShippedConfig& shipped : train::shippedConfigs()) {
        if (shipped.name != d.base)
            continue;
        if (corpus.empty())
            throw InputError(source + ": corpus: missing; the shipped config '" + d.base + "' needs a corpus");
        return train::shippedConfig(d.base, corpus);
    }
    std::string names;
    for (const train::ShippedConfig& shipped : train::shippedConfigs())
        names += (names.empty() ? "" : ", ") + shipped.name;
    throw InputError(source + ": base: '" + d.base + "' is neither a training config file (relative to the project) "
                     "nor a shipped config (" + names + ")");
}

std::pair<std::string, std::string> splitAssignment(const std::string& text, const std::string& example)
{
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw InputError("'" + text + "': expected KEY=VALUE (" + example + ")");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

std::string valueAsYaml(const std::string& value, const std::string& text)
{
    try {
        return flowYaml(YAML::Load(value));
    } catch (const YAML::Exception& e) {
        throw InputError("'" + text + "': '" + value + "' is not a value: " + e.msg);
    }
}

} // namespace

StudySetting settingFromText(const std::string& text)
{
    const auto [key, value] = splitAssignment(text, "steps=300");
    return {key, valueAsYaml(value, text)};
}

StudyAxis axisFromText(const std::string& text)
{
    const auto [key, list] = splitAssignment(text, "seed=1,2,3");
    StudyAxis axis;
    axis.key = key;
    // Split at the commas outside brackets, so a flow value ([0.9, 0.98]) stays one value.
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i <= list.size(); ++i) {
        const char c = i < list.size() ? list[i] : ',';
        depth += (c == '[' || c == '{') - (c == ']' || c == '}');
        if (c != ',' || depth > 0)
            continue;
        const std::string value = list.substr(start, i - start);
        if (value.find_first_not_of(" \t") == std::string::npos)
            throw InputError("'" + text + "': an empty value (write null to remove the key)");
        axis.values.push_back({valueAsYaml(value, text), ""});
        start = i + 1;
    }
    return axis;
}

namespace {

std::string derivedLabelOrEmpty(const std::string& key, const std::string& yaml)
{
    const YAML::Node value = parseValue(yaml);
    if (value.IsNull())
        return "none";
    const std::string lastKey = splitKey(key).empty() ? key : splitKey(key).back();
    if (!value.IsScalar())
        return sanitized(lastKey + flowYaml(value));
    const std::string text = value.Scalar();
    if (text.empty())
        return "empty";
    if (text.find('/') != std::string::npos || fs::path(text).has_extension()) {
        const std::string stem = fs::path(text).stem().string();
        const bool numeric = std::all_of(stem.begin(), stem.end(), [](char c) {
            return std::isdigit((unsigned char)c) || c == '.' || c == '-' || c == 'e';
        });
        if (!numeric)  // an empty stem ("runs/") is numeric here, and falls through to the whole text
            return sanitized(stem);
    }
    const bool number = std::isdigit((unsigned char)text[0]) || text[0] == '-' || text[0] == '.';
    return sanitized(number ? lastKey + text : text);
}

// Cell `index`'s value on each axis: a mixed-radix count over the axes, the last one fastest.
std::vector<const AxisValue*> cellValues(const StudyDefinition& d, long long index)
{
    std::vector<const AxisValue*> values(d.axes.size());
    for (size_t a = d.axes.size(); a-- > 0;) {
        const long long size = (long long)d.axes[a].values.size();
        values[a] = &d.axes[a].values[size_t(index % size)];
        index /= size;
    }
    return values;
}

} // namespace

std::string derivedLabel(const std::string& key, const std::string& yaml)
{
    const std::string label = derivedLabelOrEmpty(key, yaml);
    return label.empty() ? "value" : label;  // a run id needs a part for every axis
}

StudyDefinition StudyDefinition::fromYaml(const std::string& text, const std::string& sourceName)
{
    const io::YamlReader r(sourceName);
    return io::readingYaml(r, [&] {
        const YAML::Node root = io::readYamlDocument(
            text, r, {"a study (a map with espalier_study, base, axes, ...)", kTopKeys, "espalier_study", kFormatVersion});
        StudyDefinition d;
        if (const YAML::Node n = root["description"])
            d.description = r.string(n, "description");
        d.base = r.string(root["base"], "base");
        if (d.base.empty())
            r.fail(root["base"], "base", "expected a training config file or a shipped config's name");
        if (const YAML::Node n = root["corpus"])
            d.corpus = r.string(n, "corpus");
        std::set<std::string> keys;
        if (const YAML::Node n = root["set"]) {
            if (!n.IsMap())
                r.fail(n, "set", "expected a map of config key to value, got " + io::YamlReader::describe(n));
            for (auto it = n.begin(); it != n.end(); ++it) {
                const std::string key = it->first.Scalar();
                if (!keys.insert(key).second)
                    r.fail(it->first, "set." + key, "set twice");
                d.set.push_back({key, flowYaml(it->second)});
            }
        }
        if (const YAML::Node n = root["axes"]) {
            if (!n.IsSequence())
                r.fail(n, "axes", "expected a list of {key, values}, got " + io::YamlReader::describe(n));
            for (size_t i = 0; i < n.size(); ++i) {
                const YAML::Node a = n[i];
                const std::string field = "axes[" + std::to_string(i) + "]";
                if (!a.IsMap())
                    r.fail(a, field, "expected a map with key and values, got " + io::YamlReader::describe(a));
                r.checkKeys(a, field, kAxisKeys);
                StudyAxis axis;
                axis.key = r.string(a["key"], field + ".key");
                axis.line = int(a.Mark().line) + 1;
                if (!keys.insert(axis.key).second)
                    r.fail(a["key"], field + ".key", "'" + axis.key + "' is already set or varied");
                const YAML::Node values = a["values"];
                if (!values || !values.IsSequence() || values.size() == 0)
                    r.fail(values ? values : a, field + ".values", "expected a non-empty list of values");
                for (const YAML::Node& v : values)
                    axis.values.push_back({flowYaml(v), ""});
                if (const YAML::Node labels = a["labels"]) {
                    if (!labels.IsSequence() || labels.size() != values.size())
                        r.fail(labels, field + ".labels", "expected one label per value (" + std::to_string(values.size()) + ")");
                    for (size_t j = 0; j < labels.size(); ++j) {
                        const std::string label = r.string(labels[j], field + ".labels");
                        if (label.empty() || sanitized(label) != label)
                            r.fail(labels[j], field + ".labels", "a label is part of a run id: letters, digits, '.', '_' and '-' only, got '" + label + "'");
                        axis.values[j].label = label;
                    }
                }
                d.axes.push_back(std::move(axis));
                if (d.cellCount() > kMaxCells)
                    r.fail(a, field, "the grid has more than " + std::to_string(kMaxCells) + " cells");
            }
        }
        return d;
    });
}

std::string StudyDefinition::toYaml() const
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "espalier_study" << YAML::Value << kFormatVersion;
    if (!description.empty())
        out << YAML::Key << "description" << YAML::Value << description;
    out << YAML::Key << "base" << YAML::Value << base;
    if (!corpus.empty())
        out << YAML::Key << "corpus" << YAML::Value << corpus;
    if (!set.empty()) {
        out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
        for (const StudySetting& s : set)
            out << YAML::Key << s.key << YAML::Value << parseValue(s.yaml);
        out << YAML::EndMap;
    }
    out << YAML::Key << "axes" << YAML::Value << YAML::BeginSeq;
    for (const StudyAxis& axis : axes) {
        out << YAML::BeginMap << YAML::Key << "key" << YAML::Value << axis.key;
        out << YAML::Key << "values" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const AxisValue& v : axis.values)
            out << parseValue(v.yaml);
        out << YAML::EndSeq;
        const bool labelled = std::any_of(axis.values.begin(), axis.values.end(), [](const AxisValue& v) { return !v.label.empty(); });
        if (labelled) {
            out << YAML::Key << "labels" << YAML::Value << YAML::Flow << YAML::BeginSeq;
            for (const AxisValue& v : axis.values)
                out << (v.label.empty() ? derivedLabel(axis.key, v.yaml) : v.label);
            out << YAML::EndSeq;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return io::emittedYaml(out, "the study");
}

long long StudyDefinition::cellCount() const
{
    long long n = 1;
    for (const StudyAxis& axis : axes)
        n *= (long long)axis.values.size();
    return n;
}

Study Study::open(const std::string& projectDir, const std::string& name)
{
    const fs::path file = fs::path(projectDir) / kFolder / name / kFileName;
    std::error_code ec;
    if (!isPlainName(name) || !fs::is_regular_file(file, ec)) {
        std::string names;
        for (const std::string& n : list(projectDir))
            names += (names.empty() ? "" : ", ") + n;
        throw InputError("no study '" + name + "' in " + projectDir + " (" + (names.empty() ? "it has none" : "studies: " + names) + ")");
    }
    StudyDefinition d = StudyDefinition::fromYaml(io::readFile(file.string()), file.string());
    d.name = name;
    return Study(projectDir, project::Project::open(projectDir).runsDir(), std::move(d));
}

Study Study::create(const std::string& projectDir, const StudyDefinition& definition)
{
    if (!isPlainName(definition.name))
        throw InputError("study name '" + definition.name + "': letters, digits, '_' and '-' only (it names a folder and its runs)");
    Study study(projectDir, project::Project::open(projectDir).runsDir(), definition);
    std::error_code ec;
    if (fs::exists(study.file(), ec))
        throw InputError("a study '" + definition.name + "' exists already: " + study.file());
    // What study.yaml will say, read back, so a study that could not be opened is never written.
    StudyDefinition reread = StudyDefinition::fromYaml(definition.toYaml(), study.file());
    reread.name = definition.name;
    study.definition_ = reread;
    study.expand();
    fs::create_directories(study.folder());
    io::writeFileAtomic(study.file(), definition.toYaml());
    return study;
}

std::vector<std::string> Study::list(const std::string& projectDir)
{
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(projectDir) / kFolder, ec)) {
        const std::string name = entry.path().filename().string();
        if (isPlainName(name) && fs::is_regular_file(entry.path() / kFileName, ec))
            names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string Study::folder() const
{
    return (fs::path(projectDir_) / kFolder / definition_.name).string();
}

std::string Study::file() const
{
    return (fs::path(folder()) / kFileName).string();
}

std::vector<std::string> Study::runIds() const
{
    std::vector<std::string> ids;
    const long long n = definition_.cellCount();
    for (long long index = 0; index < n; ++index) {
        const std::vector<const AxisValue*> values = cellValues(definition_, index);
        std::string id = definition_.name;
        for (size_t a = 0; a < values.size(); ++a)
            id += "-" + (values[a]->label.empty() ? derivedLabel(definition_.axes[a].key, values[a]->yaml) : values[a]->label);
        ids.push_back(id);
    }
    return ids;
}

std::vector<StudyCell> Study::expand() const
{
    const std::string source = file();
    const train::TrainConfig base = loadBase(definition_, projectDir_, source);
    const YAML::Node baseDoc = YAML::Load(base.toYaml());
    const std::vector<std::string> ids = runIds();
    std::set<std::string> seen;
    for (const std::string& id : ids)
        if (!seen.insert(id).second)
            throw InputError(source + ": two cells would both be run " + id + "; give the axes labels that tell their values apart");
    std::vector<StudyCell> cells;
    for (size_t index = 0; index < ids.size(); ++index) {
        StudyCell cell;
        cell.index = int(index);
        cell.runId = ids[index];
        YAML::Node doc = YAML::Clone(baseDoc);
        std::vector<std::pair<std::string, std::string>> values;
        const std::vector<const AxisValue*> chosen = cellValues(definition_, (long long)index);
        for (size_t a = 0; a < chosen.size(); ++a)
            values.emplace_back(definition_.axes[a].key, chosen[a]->yaml);
        cell.values = values;
        try {
            for (const StudySetting& s : definition_.set)
                applySetting(doc, s.key, s.yaml);
            for (const auto& [key, yaml] : values)
                applySetting(doc, key, yaml);
            YAML::Emitter out;
            out << doc;
            cell.config = train::TrainConfig::fromYaml(out.c_str(), kCellSource, projectDir_);
            cell.config.name = cell.runId;  // the run's label is its cell
            cell.config.validate();
            if (!cell.config.recipe.empty())
                prune::loadAnyRecipe(cell.config.recipe);
        } catch (const Error& e) {
            const std::string where = values.empty() ? "" : " (" + describeValues(values) + ")";
            throw InputError(source + ": cell " + cell.runId + where + ": " + withoutCellSource(e.what()));
        }
        cells.push_back(std::move(cell));
    }
    return cells;
}

std::string Study::runDir(const StudyCell& cell) const
{
    return (fs::path(runsDir_) / cell.runId).string();
}

std::string Study::lockFile(const StudyCell& cell) const
{
    return (fs::path(folder()) / ".locks" / (cell.runId + ".lock")).string();
}

} // namespace espalier::study
