#pragma once
// A study (docs/formats/study.md): a grid over a base training config. Each axis sets one config key
// (any field: recipe, augment, optimizer.lr, seed, ...) to each of its values; the cells are every
// combination, each one run of the project (runs/<study>-<labels>/). The definition lives in
// <project>/studies/<name>/study.yaml; which cells are done is read from their run folders
// (study_status.h), so a study is stopped and continued without a state file to keep in step.
#include "core/train/train_config.h"

#include <string>
#include <utility>
#include <vector>

namespace espalier::study {

struct AxisValue {
    std::string yaml;   // the value as YAML (flow style): "0.002", "recipes/s50.yaml", "null"
    std::string label;  // its part of the run id ("" = derived from the value)
};

struct StudyAxis {
    std::string key;    // a dotted training config path: "optimizer.lr", "recipe", "seed"
    std::vector<AxisValue> values;
    int line = 0;       // in study.yaml (0 when built in code)
};

// A key set to one value in every cell.
struct StudySetting {
    std::string key;
    std::string yaml;
};

struct StudyDefinition {
    static constexpr int kFormatVersion = 1;

    std::string name;         // the folder's name under studies/ ([A-Za-z0-9_-])
    std::string description;
    // A training config file (relative to the project folder) or a shipped config's name ("tiny", "small").
    std::string base;
    // The corpus replacing the base's data: a corpus of the project (by name) or a folder. Shipped bases need one.
    std::string corpus;
    std::vector<StudySetting> set;
    std::vector<StudyAxis> axes;

    // Parses study.yaml's text; InputError "source:line: field: problem".
    static StudyDefinition fromYaml(const std::string& text, const std::string& sourceName);
    std::string toYaml() const;
    long long cellCount() const;  // the product of the axes' sizes (1 with no axes)
};

// One combination of axis values.
struct StudyCell {
    int index = 0;           // in grid order: the last axis varies fastest
    std::string runId;       // "<study>-<label>-<label>"
    std::vector<std::pair<std::string, std::string>> values;  // axis key -> value as written
    train::TrainConfig config;  // the base with the settings and this cell's values applied, resolved
};

class Study {
public:
    static constexpr const char* kFolder = "studies";
    static constexpr const char* kFileName = "study.yaml";

    // Reads <projectDir>/studies/<name>/study.yaml. InputError for a missing study (naming the ones
    // there are), errors naming the file's line for a malformed one.
    static Study open(const std::string& projectDir, const std::string& name);
    // Checks the definition (every cell must expand) and writes its study.yaml. InputError when the
    // name is not a plain file name, a study of that name exists, or a cell's config is invalid.
    static Study create(const std::string& projectDir, const StudyDefinition& definition);
    // The names of the project's studies, sorted.
    static std::vector<std::string> list(const std::string& projectDir);

    const std::string& projectDir() const { return projectDir_; }
    const StudyDefinition& definition() const { return definition_; }
    std::string file() const;
    std::string folder() const;

    // Every cell, each config built and checked (recipes read). InputError naming study.yaml, the
    // cell's values and the field that is wrong; or when two cells would share a run id.
    std::vector<StudyCell> expand() const;
    // The run ids of the cells, in grid order, without building their configs.
    std::vector<std::string> runIds() const;
    std::string runDir(const StudyCell& cell) const;
    // The lock a process holds while it runs the cell (so two `study run`s share the queue).
    std::string lockFile(const StudyCell& cell) const;

private:
    Study(std::string projectDir, std::string runsDir, StudyDefinition definition)
        : projectDir_(std::move(projectDir)), runsDir_(std::move(runsDir)), definition_(std::move(definition)) {}
    std::string projectDir_;
    std::string runsDir_;
    StudyDefinition definition_;
};

// A command line's "KEY=VALUE" (--set steps=300) and "KEY=V1,V2,..." (--axis seed=1,2,3), each value
// read as YAML so a number stays a number. InputError naming the text when it is not of that shape.
StudySetting settingFromText(const std::string& text);
StudyAxis axisFromText(const std::string& text);

// An axis value's part of a run id when it has no label: a path's file stem ("s50"), "none" for null,
// else the key's last part and the value ("seed1", "lr0.002").
std::string derivedLabel(const std::string& key, const std::string& yaml);

} // namespace espalier::study
