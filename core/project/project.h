#pragma once
// A project is a folder: espalier-project.yaml (name, corpora, defaults), runs/, reports/ and, in
// later issues, devices.yaml and the espalier.db index.
#include <string>
#include <vector>

namespace espalier::project {

struct CorpusEntry {
    std::string name;
    std::string path;            // as stored: relative to the project folder when inside it
    std::string format = "auto"; // a manifest format name (data::parseManifestFormat)
};

struct ProjectConfig {
    std::string name;
    std::string description;
    int sampleRate = 16000;
    std::vector<CorpusEntry> corpora;
};

class Project {
public:
    static constexpr const char* kFileName = "espalier-project.yaml";
    static constexpr int kFormatVersion = 1;

    // Creates the folder (if needed) and a new project file. Throws InputError if a project exists there.
    static Project create(const std::string& dir, const std::string& name);
    // Opens a project folder (or its espalier-project.yaml). Throws IoError / FormatError naming the
    // file and line for a missing or malformed project file.
    static Project open(const std::string& path);
    static bool isProject(const std::string& dir);

    const std::string& dir() const { return dir_; }
    std::string filePath() const;
    const ProjectConfig& config() const { return config_; }
    ProjectConfig& config() { return config_; }

    // Registers a corpus (path stored relative when inside the project). Throws InputError on a
    // duplicate name. Call save() to persist.
    void addCorpus(const std::string& name, const std::string& path, const std::string& format = "auto");
    const CorpusEntry* findCorpus(const std::string& name) const;
    std::string absoluteCorpusPath(const CorpusEntry& corpus) const;
    std::string runsDir() const;
    std::string reportsDir() const;

    void save() const;  // atomic

private:
    std::string dir_;
    ProjectConfig config_;
};

} // namespace espalier::project
