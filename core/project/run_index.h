#pragma once
// The project's run store: every run folder under runs/ (the truth) indexed in espalier.db (SQLite,
// WAL) so that listing, filtering and comparing hundreds of runs is instant. The index refreshes
// itself from the folders that changed since it last read them; reindex() rebuilds it from scratch.
// Tags, notes and archiving live in each run's annotations.json and are mirrored in the index.
// Several processes (a CLI training, the GUI) may use one project's index at once.
#include "core/train/run_info.h"
#include "core/train/run_record.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace espalier::project {

class SqliteDb;

// One run as the store knows it.
struct IndexedRun {
    train::RunRecord record;
    std::string kind;                          // "train", "prune" (a run with a pruning recipe)
    std::vector<std::string> tags;             // sorted, unique
    std::string note;
    bool archived = false;
    std::map<std::string, std::string> config; // the resolved config flattened: "optimizer.lr" -> "0.002"
    std::vector<std::string> parents;          // ids of the runs it started from (model.init)
    std::string modified;                      // UTC time of the folder's newest file, ISO 8601
    std::optional<train::RunInfo> info;        // run.json: command, versions, machine, launches
};

struct RunFilter {
    std::string kind;                          // "" = any
    std::string tag;                           // "" = any
    std::string state;                         // "empty", "stopped", "finished"; "" = any
    bool includeArchived = false;
    std::vector<std::pair<std::string, std::string>> config;  // every key must have this value
    std::string text;                          // substring of the id, name or note
};

struct RefreshStats {
    int read = 0;       // folders (re)read
    int unchanged = 0;
    int removed = 0;    // index entries whose folder is gone
};

class RunIndex {
public:
    static constexpr const char* kFileName = "espalier.db";
    static constexpr const char* kAnnotationsFile = "annotations.json";

    // Opens (creating) projectDir/espalier.db. An index file that is not an SQLite database, or of
    // another schema, is set aside and rebuilt. Throws IoError naming the file when it cannot be.
    explicit RunIndex(const std::string& projectDir);
    ~RunIndex();
    RunIndex(const RunIndex&) = delete;
    RunIndex& operator=(const RunIndex&) = delete;

    const std::string& projectDir() const { return projectDir_; }
    std::string runsDir() const;
    std::string dbPath() const;

    // Re-reads the folders whose files changed since they were indexed (and new ones), drops the
    // entries of folders that are gone, and sweeps deletions a killed process left half done.
    RefreshStats refresh();
    // Forgets everything and reads every folder.
    RefreshStats reindex();

    // The runs matching filter, newest id first (call refresh() first for an up-to-date answer).
    std::vector<IndexedRun> runs(const RunFilter& filter = {});
    std::optional<IndexedRun> run(const std::string& id);
    // A metric series of a run (train::readMetricSeries's names), by step.
    std::vector<train::CurvePoint> series(const std::string& id, const std::string& name);
    std::vector<std::string> seriesNames(const std::string& id);

    // Annotations: written to the run's annotations.json and the index in one locked step, so two
    // processes tagging at once lose nothing. Throws InputError for an unknown run id.
    void tag(const std::string& id, const std::vector<std::string>& add, const std::vector<std::string>& remove = {});
    void setNote(const std::string& id, const std::string& note);
    void setArchived(const std::string& id, bool archived);
    // Removes the run folder and its entry. The folder is first renamed to a hidden name, so a kill
    // halfway leaves either the whole run or nothing visible (refresh() finishes the removal).
    void remove(const std::string& id);

private:
    std::string requireFolder(const std::string& id);
    void writeRun(const IndexedRun& run, const std::string& signature);
    void eraseRun(const std::string& id);
    IndexedRun readIndexed(const std::string& id);
    void annotate(const std::string& id, const std::function<void(IndexedRun&)>& change);

    std::string projectDir_;
    std::unique_ptr<SqliteDb> db_;
};

// Reads a run folder as the store indexes it (never throws for a damaged run: see RunRecord::problem).
IndexedRun readIndexedRun(const std::string& runDir, const std::string& runsDir);

// A folder's change signature: sizes and modification times of the files the store reads.
std::string runFolderSignature(const std::string& runDir);

} // namespace espalier::project
