#include "core/project/run_index.h"

#include "core/io/atomic_file.h"
#include "core/project/sqlite_db.h"
#include "core/runtime/error.h"
#include "core/train/run_paths.h"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <set>
#include <sstream>

namespace espalier::project {

namespace fs = std::filesystem;

namespace {

constexpr int kSchemaVersion = 2;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs(
  id TEXT PRIMARY KEY, dir TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, model TEXT NOT NULL,
  precision TEXT NOT NULL, state TEXT NOT NULL, planned_steps INTEGER NOT NULL, max_minutes REAL NOT NULL,
  steps_done INTEGER NOT NULL, sparsity REAL, best_dev_cer REAL, problem TEXT NOT NULL,
  tags TEXT NOT NULL, note TEXT NOT NULL, archived INTEGER NOT NULL, parents TEXT NOT NULL,
  modified TEXT NOT NULL, info TEXT NOT NULL, signature TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run_config(run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(run_id, key));
CREATE TABLE IF NOT EXISTS run_tests(run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  test TEXT NOT NULL, cer REAL NOT NULL, n INTEGER, c INTEGER, s INTEGER, d INTEGER, i INTEGER,
  PRIMARY KEY(run_id, test));
CREATE TABLE IF NOT EXISTS run_metrics(run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  series TEXT NOT NULL, step REAL NOT NULL, value REAL NOT NULL);
CREATE INDEX IF NOT EXISTS run_metrics_by_run ON run_metrics(run_id, series);
)sql";

constexpr const char* kDeletingPrefix = ".deleting-";

// "a.b" -> scalar; a sequence of scalars is one value "[x, y]"; maps inside sequences get "[i]".
void flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out)
{
    if (node.IsMap()) {
        for (const auto& item : node)
            flatten(item.second, prefix.empty() ? item.first.Scalar() : prefix + "." + item.first.Scalar(), out);
    } else if (node.IsSequence()) {
        const bool scalars = std::all_of(node.begin(), node.end(), [](const YAML::Node& n) { return n.IsScalar(); });
        if (scalars) {
            std::string joined = "[";
            for (std::size_t i = 0; i < node.size(); ++i)
                joined += (i ? ", " : "") + node[i].Scalar();
            out[prefix] = joined + "]";
        } else {
            for (std::size_t i = 0; i < node.size(); ++i)
                flatten(node[i], prefix + "[" + std::to_string(i) + "]", out);
        }
    } else if (node.IsScalar()) {
        out[prefix] = node.Scalar();
    } else if (node.IsNull()) {
        out[prefix] = "";
    }
}

std::string isoUtc(fs::file_time_type t)
{
    const auto system = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        t - fs::file_time_type::clock::now() + std::chrono::system_clock::now());
    const std::time_t tt = std::chrono::system_clock::to_time_t(system);
    std::tm utc{};
    gmtime_r(&tt, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

// The files whose change means a run must be re-read.
std::vector<std::string> watchedFiles(const std::string& runDir)
{
    const train::RunPaths p(runDir);
    return {p.config(), p.metrics(), runDir + "/" + RunIndex::kAnnotationsFile, p.checkpoints() + "/best.json",
            p.results() + "/summary.json", p.checkpoints(), runDir + "/" + train::kRunInfoFile};
}

std::string joinTags(const std::vector<std::string>& tags)
{
    return nlohmann::json(tags).dump();
}

std::vector<std::string> splitJsonList(const std::string& text)
{
    try {
        return nlohmann::json::parse(text).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception&) {
        return {};
    }
}

// annotations.json: {"tags": [...], "note": "...", "archived": false}. A damaged file is reported
// through problem and read as empty.
void readAnnotations(const std::string& runDir, IndexedRun& run)
{
    const std::string path = runDir + "/" + RunIndex::kAnnotationsFile;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return;
    try {
        const nlohmann::json j = nlohmann::json::parse(io::readFile(path));
        if (!j.is_object())
            throw FormatError("not a JSON object");
        std::set<std::string> tags;
        if (j.contains("tags")) {
            if (!j["tags"].is_array())
                throw FormatError("field 'tags' is not a list");
            for (const auto& t : j["tags"]) {
                if (!t.is_string())
                    throw FormatError("field 'tags' holds a value that is not text");
                tags.insert(t.get<std::string>());
            }
        }
        run.tags.assign(tags.begin(), tags.end());
        if (j.contains("note")) {
            if (!j["note"].is_string())
                throw FormatError("field 'note' is not text");
            run.note = j["note"].get<std::string>();
        }
        if (j.contains("archived")) {
            if (!j["archived"].is_boolean())
                throw FormatError("field 'archived' is not true or false");
            run.archived = j["archived"].get<bool>();
        }
    } catch (const std::exception& e) {
        run.tags.clear();
        run.note.clear();
        run.archived = false;
        const std::string problem = path + ": " + e.what();
        run.record.problem = run.record.problem.empty() ? problem : run.record.problem + "; " + problem;
    }
}

void writeAnnotations(const IndexedRun& run)
{
    const nlohmann::json j{{"tags", run.tags}, {"note", run.note}, {"archived", run.archived}};
    io::writeFileAtomic(run.record.dir + "/" + RunIndex::kAnnotationsFile, j.dump(2) + "\n");
}

// The id of the run holding a checkpoint path (runs/<id>/checkpoints/x.pt or runs/<id>), or "".
std::string runOfPath(const std::string& path, const std::string& runsDir)
{
    if (path.empty())
        return "";
    std::error_code ec;
    const fs::path runs = fs::weakly_canonical(runsDir, ec);
    fs::path p = fs::weakly_canonical(path, ec);
    for (; !p.empty() && p.has_parent_path() && p != p.parent_path(); p = p.parent_path())
        if (p.parent_path() == runs)
            return p.filename().string();
    return "";
}

bool isVisibleRunFolder(const fs::directory_entry& entry)
{
    std::error_code ec;
    return entry.is_directory(ec) && entry.path().filename().string()[0] != '.'
        && fs::is_regular_file(train::RunPaths(entry.path().string()).config(), ec);
}

} // namespace

std::string runFolderSignature(const std::string& runDir)
{
    std::string signature;
    for (const std::string& file : watchedFiles(runDir)) {
        std::error_code ec;
        const auto status = fs::status(file, ec);
        if (ec || !fs::exists(status)) {
            signature += "-;";
            continue;
        }
        const auto size = fs::is_regular_file(status) ? fs::file_size(file, ec) : 0;
        const auto time = fs::last_write_time(file, ec).time_since_epoch().count();
        signature += std::to_string(size) + ":" + std::to_string(time) + ";";
    }
    return signature;
}

IndexedRun readIndexedRun(const std::string& runDir, const std::string& runsDir)
{
    IndexedRun run;
    run.record = train::readRunRecord(runDir);
    try {
        flatten(YAML::LoadFile(train::RunPaths(runDir).config()), "", run.config);
    } catch (const std::exception&) {
        // readRunRecord has described the config's problem already
    }
    const auto recipe = run.config.find("recipe");
    run.kind = recipe != run.config.end() && !recipe->second.empty() ? "prune" : "train";
    const auto init = run.config.find("model.init");
    if (init != run.config.end())
        if (std::string parent = runOfPath(init->second, runsDir); !parent.empty() && parent != run.record.id)
            run.parents.push_back(parent);
    readAnnotations(runDir, run);
    try {
        run.info = train::readRunInfo(runDir);
    } catch (const std::exception& e) {
        run.record.problem += (run.record.problem.empty() ? "" : "; ") + std::string(e.what());
    }

    fs::file_time_type newest{};
    for (const std::string& file : watchedFiles(runDir)) {
        std::error_code ec;
        const auto t = fs::last_write_time(file, ec);
        if (!ec && t > newest)
            newest = t;
    }
    run.modified = isoUtc(newest);
    return run;
}

RunIndex::RunIndex(const std::string& projectDir) : projectDir_(projectDir)
{
    std::error_code ec;
    if (!fs::is_directory(projectDir, ec))
        throw IoError(projectDir + ": no such project folder");
    const auto open = [this] {
        db_ = std::make_unique<SqliteDb>(dbPath());
        db_->exec(kSchema);
        SqliteStatement version(*db_, "SELECT value FROM meta WHERE key = 'schema'");
        if (!version.step()) {
            db_->exec("INSERT INTO meta(key, value) VALUES('schema', '" + std::to_string(kSchemaVersion) + "')");
            return true;
        }
        return version.text(0) == std::to_string(kSchemaVersion);
    };
    bool usable = false;
    try {
        usable = open();
    } catch (const IoError&) {
        usable = false;  // not a database (or damaged): the folders are the truth, rebuild it
    }
    if (!usable) {
        db_.reset();
        for (const char* suffix : {"", "-wal", "-shm"})
            fs::rename(dbPath() + suffix, dbPath() + suffix + ".old", ec);
        if (!open())
            throw IoError(dbPath() + ": cannot create the index");
    }
}

RunIndex::~RunIndex() = default;

std::string RunIndex::runsDir() const
{
    return projectDir_ + "/runs";
}

std::string RunIndex::dbPath() const
{
    return projectDir_ + "/" + kFileName;
}

RefreshStats RunIndex::refresh()
{
    RefreshStats stats;
    std::map<std::string, std::string> folders;  // id -> signature
    std::error_code ec;
    for (fs::directory_iterator it(runsDir(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(kDeletingPrefix, 0) == 0) {
            std::error_code removeEc;
            fs::remove_all(it->path(), removeEc);  // a removal a killed process left half done
        } else if (isVisibleRunFolder(*it)) {
            folders[name] = runFolderSignature(it->path().string());
        }
    }
    SqliteTransaction transaction(*db_);
    std::map<std::string, std::string> indexed;
    SqliteStatement select(*db_, "SELECT id, signature FROM runs");
    while (select.step())
        indexed[select.text(0)] = select.text(1);
    for (const auto& [id, signature] : indexed)
        if (!folders.count(id)) {
            eraseRun(id);
            ++stats.removed;
        }
    for (const auto& [id, signature] : folders) {
        const auto known = indexed.find(id);
        if (known != indexed.end() && known->second == signature) {
            ++stats.unchanged;
            continue;
        }
        writeRun(readIndexedRun(runsDir() + "/" + id, runsDir()), signature);
        ++stats.read;
    }
    transaction.commit();
    return stats;
}

RefreshStats RunIndex::reindex()
{
    {
        SqliteTransaction transaction(*db_);
        db_->exec("DELETE FROM runs");
        transaction.commit();
    }
    return refresh();
}

void RunIndex::eraseRun(const std::string& id)
{
    SqliteStatement(*db_, "DELETE FROM runs WHERE id = ?").bind(1, id).run();
}

void RunIndex::writeRun(const IndexedRun& run, const std::string& signature)
{
    const train::RunRecord& r = run.record;
    eraseRun(r.id);
    SqliteStatement insert(*db_,
                           "INSERT INTO runs(id, dir, kind, name, model, precision, state, planned_steps, max_minutes,"
                           " steps_done, sparsity, best_dev_cer, problem, tags, note, archived, parents, modified,"
                           " info, signature) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    insert.bind(1, r.id).bind(2, r.dir).bind(3, run.kind).bind(4, r.name).bind(5, r.model).bind(6, r.precision);
    insert.bind(7, std::string(train::runStateNames().name(r.state))).bind(8, r.plannedSteps).bind(9, r.maxMinutes);
    insert.bind(10, r.stepsDone).bind(11, r.sparsity).bind(12, r.bestDevCer).bind(13, r.problem);
    insert.bind(14, joinTags(run.tags)).bind(15, run.note).bind(16, static_cast<long long>(run.archived));
    insert.bind(17, joinTags(run.parents)).bind(18, run.modified);
    insert.bind(19, run.info ? train::runInfoJson(*run.info) : std::string()).bind(20, signature);
    insert.run();

    SqliteStatement config(*db_, "INSERT INTO run_config(run_id, key, value) VALUES(?,?,?)");
    for (const auto& [key, value] : run.config)
        config.bind(1, r.id).bind(2, key).bind(3, value).run();
    SqliteStatement tests(*db_, "INSERT INTO run_tests(run_id, test, cer, n, c, s, d, i) VALUES(?,?,?,?,?,?,?,?)");
    for (const auto& [name, t] : r.tests)
        tests.bind(1, r.id).bind(2, name).bind(3, t.cer).bind(4, t.n).bind(5, t.c).bind(6, t.s).bind(7, t.d).bind(8, t.i).run();
    SqliteStatement metrics(*db_, "INSERT INTO run_metrics(run_id, series, step, value) VALUES(?,?,?,?)");
    for (const auto& [name, points] : train::readMetricSeries(train::RunPaths(r.dir).metrics()))
        for (const auto& point : points)
            metrics.bind(1, r.id).bind(2, name).bind(3, point.step).bind(4, point.value).run();
}

IndexedRun RunIndex::readIndexed(const std::string& id)
{
    IndexedRun run;
    SqliteStatement select(*db_,
                           "SELECT id, dir, kind, name, model, precision, state, planned_steps, max_minutes, steps_done,"
                           " sparsity, best_dev_cer, problem, tags, note, archived, parents, modified, info FROM runs"
                           " WHERE id = ?");
    select.bind(1, id);
    if (!select.step())
        throw InputError("no run '" + id + "' in " + runsDir());
    train::RunRecord& r = run.record;
    r.id = select.text(0);
    r.dir = select.text(1);
    run.kind = select.text(2);
    r.name = select.text(3);
    r.model = select.text(4);
    r.precision = select.text(5);
    r.state = train::runStateNames().parse(select.text(6)).value_or(train::RunState::Empty);
    r.plannedSteps = select.integer(7);
    r.maxMinutes = select.real(8);
    r.stepsDone = select.integer(9);
    r.sparsity = select.optionalReal(10);
    r.bestDevCer = select.optionalReal(11);
    r.problem = select.text(12);
    run.tags = splitJsonList(select.text(13));
    run.note = select.text(14);
    run.archived = select.integer(15) != 0;
    run.parents = splitJsonList(select.text(16));
    run.modified = select.text(17);
    if (const std::string info = select.text(18); !info.empty())
        run.info = train::parseRunInfo(info, dbPath());

    SqliteStatement config(*db_, "SELECT key, value FROM run_config WHERE run_id = ?");
    config.bind(1, id);
    while (config.step())
        run.config[config.text(0)] = config.text(1);
    SqliteStatement tests(*db_, "SELECT test, cer, n, c, s, d, i FROM run_tests WHERE run_id = ?");
    tests.bind(1, id);
    while (tests.step())
        r.tests[tests.text(0)] = {tests.real(1), tests.integer(2), tests.integer(3), tests.integer(4),
                                  tests.integer(5), tests.integer(6)};
    return run;
}

std::vector<IndexedRun> RunIndex::runs(const RunFilter& filter)
{
    std::vector<std::string> ids;
    {
        SqliteStatement select(*db_, "SELECT id FROM runs ORDER BY id DESC");
        while (select.step())
            ids.push_back(select.text(0));
    }
    std::vector<IndexedRun> result;
    for (const std::string& id : ids) {
        IndexedRun run = readIndexed(id);
        const auto& r = run.record;
        if ((!filter.kind.empty() && run.kind != filter.kind)
            || (!filter.tag.empty() && std::find(run.tags.begin(), run.tags.end(), filter.tag) == run.tags.end())
            || (!filter.state.empty() && train::runStateNames().name(r.state) != filter.state)
            || (!filter.includeArchived && run.archived))
            continue;
        const bool configMatches = std::all_of(filter.config.begin(), filter.config.end(), [&](const auto& kv) {
            const auto it = run.config.find(kv.first);
            return it != run.config.end() && it->second == kv.second;
        });
        const bool textMatches = filter.text.empty() || r.id.find(filter.text) != std::string::npos
            || r.name.find(filter.text) != std::string::npos || run.note.find(filter.text) != std::string::npos;
        if (configMatches && textMatches)
            result.push_back(std::move(run));
    }
    return result;
}

std::optional<IndexedRun> RunIndex::run(const std::string& id)
{
    try {
        return readIndexed(id);
    } catch (const InputError&) {
        return std::nullopt;
    }
}

std::vector<train::CurvePoint> RunIndex::series(const std::string& id, const std::string& name)
{
    std::vector<train::CurvePoint> points;
    SqliteStatement select(*db_, "SELECT step, value FROM run_metrics WHERE run_id = ? AND series = ? ORDER BY rowid");
    select.bind(1, id).bind(2, name);
    while (select.step())
        points.push_back({select.real(0), select.real(1)});
    return points;
}

std::vector<std::string> RunIndex::seriesNames(const std::string& id)
{
    std::vector<std::string> names;
    SqliteStatement select(*db_, "SELECT DISTINCT series FROM run_metrics WHERE run_id = ? ORDER BY series");
    select.bind(1, id);
    while (select.step())
        names.push_back(select.text(0));
    return names;
}

std::string RunIndex::requireFolder(const std::string& id)
{
    const std::string dir = runsDir() + "/" + id;
    std::error_code ec;
    if (id.empty() || id.find('/') != std::string::npos || id[0] == '.' || !fs::is_regular_file(dir + "/config.yaml", ec))
        throw InputError("no run '" + id + "' in " + runsDir());
    return dir;
}

void RunIndex::annotate(const std::string& id, const std::function<void(IndexedRun&)>& change)
{
    const std::string dir = requireFolder(id);
    SqliteTransaction transaction(*db_);  // the writer's lock: the read-modify-write below is not interleaved
    IndexedRun run = readIndexedRun(dir, runsDir());
    change(run);
    std::sort(run.tags.begin(), run.tags.end());
    run.tags.erase(std::unique(run.tags.begin(), run.tags.end()), run.tags.end());
    writeAnnotations(run);
    writeRun(readIndexedRun(dir, runsDir()), runFolderSignature(dir));  // the index says what the folder says
    transaction.commit();
}

void RunIndex::tag(const std::string& id, const std::vector<std::string>& add, const std::vector<std::string>& remove)
{
    for (const std::string& t : add)
        if (t.empty() || t.find_first_of(",\n") != std::string::npos)
            throw InputError("tag '" + t + "': a tag is non-empty text without commas or line breaks");
    annotate(id, [&](IndexedRun& run) {
        run.tags.insert(run.tags.end(), add.begin(), add.end());
        for (const std::string& t : remove)
            run.tags.erase(std::remove(run.tags.begin(), run.tags.end(), t), run.tags.end());
    });
}

void RunIndex::setNote(const std::string& id, const std::string& note)
{
    annotate(id, [&](IndexedRun& run) { run.note = note; });
}

void RunIndex::setArchived(const std::string& id, bool archived)
{
    annotate(id, [&](IndexedRun& run) { run.archived = archived; });
}

void RunIndex::remove(const std::string& id)
{
    const std::string dir = requireFolder(id);
    SqliteTransaction transaction(*db_);
    const std::string hidden = runsDir() + "/" + kDeletingPrefix + id;
    std::error_code ec;
    fs::rename(dir, hidden, ec);
    if (ec)
        throw IoError(dir + ": cannot remove the run: " + ec.message());
    eraseRun(id);
    transaction.commit();
    fs::remove_all(hidden, ec);  // if this is cut short, the next refresh() finishes it
}

} // namespace espalier::project
