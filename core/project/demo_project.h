#pragma once
// The built-in demo project: a project folder whose corpus is synthesised with libespeak-ng, so a
// user with no data of their own still gets the whole workflow.
#include "core/job/job.h"

#include <cstdint>
#include <string>

namespace espalier::project {

struct DemoProjectOptions {
    std::string dir;
    int utterances = 2000;
    std::uint64_t seed = 1;
};

// Creates (or completes) the demo project at options.dir: the project file and the corpus at
// corpora/demo. An existing project there keeps its settings; an existing demo corpus is kept.
class DemoProjectJob : public job::Job {
public:
    static constexpr const char* kCorpusName = "demo";
    explicit DemoProjectJob(DemoProjectOptions options) : options_(std::move(options)) {}
    std::string title() const override;
    std::vector<std::string> cliCommand() const override;
    void run(job::JobContext& context) override;

private:
    DemoProjectOptions options_;
};

} // namespace espalier::project
