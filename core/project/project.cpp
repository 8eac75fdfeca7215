#include "core/project/project.h"

#include "core/io/atomic_file.h"
#include "core/io/yaml_document.h"
#include "core/runtime/error.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace espalier::project {

namespace {

std::string projectFileIn(const std::string& dir)
{
    return (fs::path(dir) / Project::kFileName).string();
}

// Reads a scalar field, turning yaml-cpp's conversion errors into one naming file, line and field.
template <typename T>
T field(const YAML::Node& node, const char* key, const T& fallback, const std::string& file)
{
    const YAML::Node value = node[key];
    if (!value)
        return fallback;
    try {
        return value.as<T>();
    } catch (const YAML::Exception&) {
        throw FormatError(file + ":" + std::to_string(value.Mark().line + 1) + ": field '" + key
                          + "' has the wrong type");
    }
}

} // namespace

Project Project::create(const std::string& dir, const std::string& name)
{
    if (name.empty())
        throw InputError("a project needs a name");
    if (isProject(dir))
        throw InputError("a project already exists at '" + dir + "'");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw IoError("cannot create project folder '" + dir + "': " + ec.message());
    Project project;
    project.dir_ = fs::absolute(dir).lexically_normal().string();
    project.config_.name = name;
    fs::create_directories(project.runsDir(), ec);
    fs::create_directories(project.reportsDir(), ec);
    project.save();
    return project;
}

bool Project::isProject(const std::string& dir)
{
    std::error_code ec;
    return fs::is_regular_file(projectFileIn(dir), ec);
}

Project Project::open(const std::string& path)
{
    return io::readingYaml(io::YamlReader(path), [&]() -> Project {
        fs::path dir = path;
        std::error_code ec;
        if (fs::is_regular_file(dir, ec))
            dir = dir.parent_path();
        const std::string file = projectFileIn(dir.string());
        if (!fs::exists(file, ec))
            throw IoError("no Espalier project at '" + path + "' (missing " + kFileName + ")");

        YAML::Node root;
        try {
            root = YAML::Load(io::readFile(file));
        } catch (const YAML::Exception& e) {
            throw FormatError(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
        }
        if (!root.IsMap())
            throw FormatError(file + ": expected a YAML mapping with 'name' and 'corpora'");

        Project project;
        project.dir_ = fs::absolute(dir).lexically_normal().string();
        const int version = field<int>(root, "espalier_project", kFormatVersion, file);
        if (version > kFormatVersion)
            throw FormatError(file + ": project format " + std::to_string(version)
                              + " is newer than this Espalier understands (" + std::to_string(kFormatVersion) + ")");
        project.config_.name = field<std::string>(root, "name", "", file);
        if (project.config_.name.empty())
            throw FormatError(file + ": field 'name' is missing or empty");
        project.config_.description = field<std::string>(root, "description", "", file);
        if (const YAML::Node defaults = root["defaults"])
            project.config_.sampleRate = field<int>(defaults, "sample_rate", 16000, file);
        if (project.config_.sampleRate <= 0)
            throw FormatError(file + ": defaults.sample_rate must be positive");

        if (const YAML::Node corpora = root["corpora"]) {
            if (!corpora.IsSequence())
                throw FormatError(file + ":" + std::to_string(corpora.Mark().line + 1)
                                  + ": 'corpora' must be a list");
            for (const YAML::Node& c : corpora) {
                const std::string where = file + ":" + std::to_string(c.Mark().line + 1);
                CorpusEntry entry;
                entry.name = field<std::string>(c, "name", "", file);
                entry.path = field<std::string>(c, "path", "", file);
                entry.format = field<std::string>(c, "format", "auto", file);
                if (entry.name.empty() || entry.path.empty())
                    throw FormatError(where + ": a corpus needs 'name' and 'path'");
                if (project.findCorpus(entry.name))
                    throw FormatError(where + ": corpus name '" + entry.name + "' is used twice");
                project.config_.corpora.push_back(entry);
            }
        }
        return project;
    });
}

std::string Project::filePath() const
{
    return projectFileIn(dir_);
}

void Project::addCorpus(const std::string& name, const std::string& path, const std::string& format)
{
    if (name.empty())
        throw InputError("a corpus needs a name");
    if (findCorpus(name))
        throw InputError("the project already has a corpus named '" + name + "'");
    fs::path p = fs::absolute(path).lexically_normal();
    const fs::path rel = p.lexically_relative(dir_);
    const bool inside = !rel.empty() && *rel.begin() != "..";
    config_.corpora.push_back({name, inside ? rel.string() : p.string(), format});
}

const CorpusEntry* Project::findCorpus(const std::string& name) const
{
    for (const auto& c : config_.corpora)
        if (c.name == name)
            return &c;
    return nullptr;
}

std::string Project::absoluteCorpusPath(const CorpusEntry& corpus) const
{
    const fs::path p = corpus.path;
    return (p.is_absolute() ? p : fs::path(dir_) / p).lexically_normal().string();
}

std::string Project::runsDir() const
{
    return (fs::path(dir_) / "runs").string();
}

std::string Project::reportsDir() const
{
    return (fs::path(dir_) / "reports").string();
}

void Project::save() const
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "espalier_project" << YAML::Value << kFormatVersion;
    out << YAML::Key << "name" << YAML::Value << config_.name;
    if (!config_.description.empty())
        out << YAML::Key << "description" << YAML::Value << config_.description;
    out << YAML::Key << "defaults" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "sample_rate" << YAML::Value << config_.sampleRate;
    out << YAML::EndMap;
    out << YAML::Key << "corpora" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : config_.corpora) {
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << c.name;
        out << YAML::Key << "path" << YAML::Value << c.path;
        out << YAML::Key << "format" << YAML::Value << c.format;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    io::writeFileAtomic(filePath(), std::string(out.c_str()) + "\n");
}

} // namespace espalier::project
