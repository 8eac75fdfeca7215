// espalier-cli project ...: create (optionally the demo project), describe project folders, rebuild
// their run index.
#include "app/cli/commands.h"
#include "core/project/demo_project.h"
#include "core/project/project.h"
#include "core/project/run_index.h"

namespace espalier::cli {

void addProjectCommands(CLI::App& app, const CliContext& context, Action& action)
{
    CLI::App* project = app.add_subcommand("project", "Project folders: create, describe, reindex");
    project->require_subcommand(1);

    struct Args {
        std::string dir, name = "Untitled";
        bool demo = false;
        project::DemoProjectOptions demoOptions;
    };
    auto args = std::make_shared<Args>();

    CLI::App* create = project->add_subcommand("create", "Create a project folder (--demo: with the synthesised demo corpus)");
    create->add_option("dir", args->dir, "Project folder")->required();
    create->add_option("--name", args->name, "Project name")->capture_default_str();
    create->add_flag("--demo", args->demo, "Create the demo project and synthesise its corpus");
    create->add_option("--utterances", args->demoOptions.utterances, "Demo corpus size")->capture_default_str();
    create->add_option("--seed", args->demoOptions.seed, "Demo corpus seed")->capture_default_str();
    create->callback([&context, &action, args] {
        action = [&context, args] {
            if (args->demo) {
                args->demoOptions.dir = args->dir;
                project::DemoProjectJob job(args->demoOptions);
                return context.runJob(job);
            }
            const project::Project p = project::Project::create(args->dir, args->name);
            if (context.json)
                context.printJson({{"dir", p.dir()}, {"name", p.config().name}});
            else
                std::printf("created project '%s' at %s\n", p.config().name.c_str(), p.dir().c_str());
            return kExitOk;
        };
    });

    CLI::App* info = project->add_subcommand("info", "Describe a project: name, corpora");
    info->add_option("dir", args->dir, "Project folder")->required();
    info->callback([&context, &action, args] {
        action = [&context, args] {
            const project::Project p = project::Project::open(args->dir);
            if (context.json) {
                nlohmann::json corpora = nlohmann::json::array();
                for (const auto& c : p.config().corpora)
                    corpora.push_back({{"name", c.name}, {"path", p.absoluteCorpusPath(c)}, {"format", c.format}});
                context.printJson({{"dir", p.dir()}, {"name", p.config().name},
                                   {"sample_rate", p.config().sampleRate}, {"corpora", corpora}});
                return kExitOk;
            }
            std::printf("project  %s\nfolder   %s\nrate     %d Hz\n", p.config().name.c_str(), p.dir().c_str(),
                        p.config().sampleRate);
            for (const auto& c : p.config().corpora)
                std::printf("corpus   %s  %s (%s)\n", c.name.c_str(), p.absoluteCorpusPath(c).c_str(), c.format.c_str());
            return kExitOk;
        };
    });

    CLI::App* reindex = project->add_subcommand("reindex", "Rebuild the run index (espalier.db) from the run folders");
    reindex->add_option("dir", args->dir, "Project folder")->required();
    reindex->callback([&context, &action, args] {
        action = [&context, args] {
            project::RunIndex index(project::Project::open(args->dir).dir());
            const project::RefreshStats stats = index.reindex();
            if (context.json)
                context.printJson({{"index", index.dbPath()}, {"runs", stats.read}});
            else
                std::printf("indexed %d run%s into %s\n", stats.read, stats.read == 1 ? "" : "s", index.dbPath().c_str());
            return kExitOk;
        };
    });
}

} // namespace espalier::cli
