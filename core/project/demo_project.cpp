#include "core/project/demo_project.h"

#include "core/data/corpus_synth.h"
#include "core/project/demo_studies.h"
#include "core/project/project.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace espalier::project {

std::string DemoProjectJob::title() const
{
    return "Create demo project";
}

std::vector<std::string> DemoProjectJob::cliCommand() const
{
    return {"espalier-cli", "project", "create", options_.dir, "--demo",
            "--utterances", std::to_string(options_.utterances), "--seed", std::to_string(options_.seed)};
}

void DemoProjectJob::run(job::JobContext& context)
{
    Project project = Project::isProject(options_.dir) ? Project::open(options_.dir)
                                                        : Project::create(options_.dir, "Espalier demo");
    const std::string corpusDir = (fs::path(project.dir()) / "corpora" / kCorpusName).string();
    std::error_code ec;
    if (fs::exists(fs::path(corpusDir) / "synth.json", ec)) {
        context.info("demo corpus already present at " + corpusDir);
    } else {
        data::SynthOptions synth;
        synth.outDir = corpusDir;
        synth.utterances = options_.utterances;
        synth.seed = options_.seed;
        data::synthesizeCorpus(synth, context);
    }
    if (!project.findCorpus(kCorpusName)) {
        project.addCorpus(kCorpusName, corpusDir);
        project.save();
    }
    for (const std::string& file : writeDemoStudies(project.dir()))
        context.info("wrote " + file);
    context.info("demo project ready at " + project.dir());
}

} // namespace espalier::project
