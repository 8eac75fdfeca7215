// espalier-cli export: a checkpoint to the deployable .espm container, each 2-D weight dense or CSR
// (auto: timed here, or with --device on that device).
#include "app/cli/commands.h"
#include "core/deploy/device_session.h"
#include "core/deploy/espm_export.h"
#include "core/deploy/target_layout.h"
#include "core/job/job.h"
#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace espalier::cli {

namespace {

struct ExportArgs {
    std::string model, out, sparse = "auto";
    double density = 0.5;
    std::string device, project = ".";
};

int exportCommand(const CliContext& context, const ExportArgs& args)
{
    deploy::ExportOptions options;
    options.policy = deploy::sparsePolicyNames().require(args.sparse, "--sparse");
    options.csrDensity = args.density;
    // --device: the auto policy's timings come from that device's runner.
    std::unique_ptr<deploy::DeviceSession> session;
    job::CancellationToken token;
    if (!args.device.empty()) {
        if (options.policy != deploy::SparsePolicy::Auto)
            throw InputError("--device times the auto policy on a device; it needs --sparse auto");
        const deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(args.project);
        session = std::make_unique<deploy::DeviceSession>(registry.get(args.device), registry, &token);
        options.target = deploy::layoutTimerOn(*session);
        options.targetName = args.device;
    }
    const deploy::ExportResult r = deploy::exportEspm(args.model, args.out, options);
    int sparse = 0;
    for (const auto& t : r.tensors)
        sparse += t.sparse ? 1 : 0;
    if (context.json) {
        nlohmann::json tensors = nlohmann::json::array();
        for (const auto& t : r.tensors)
            tensors.push_back({{"name", t.name}, {"shape", t.shape}, {"density", t.density},
                               {"layout", t.sparse ? "csr" : "dense"}, {"dense_us", t.denseUs}, {"sparse_us", t.sparseUs}});
        context.printJson({{"checkpoint", r.checkpoint}, {"out", r.out}, {"bytes", r.fileBytes}, {"kernel", r.kernel},
                           {"timed_on", r.timedOn},
                           {"policy", deploy::sparsePolicyNames().name(options.policy)}, {"sparse_tensors", sparse},
                           {"tensors", tensors}});
        return kExitOk;
    }
    for (const auto& t : r.tensors) {
        if (t.shape.size() != 2 || context.quiet)
            continue;
        std::printf("  %-52s %5lld x %-5lld density %5.1f %%  %s", t.name.c_str(), (long long)t.shape[0],
                    (long long)t.shape[1], 100.0 * t.density, t.sparse ? "csr  " : "dense");
        if (t.denseUs > 0.0)
            std::printf("  (dense %.1f us, csr %.1f us at 128 frames on %s)", t.denseUs, t.sparseUs, r.timedOn.c_str());
        std::printf("\n");
    }
    std::printf("%s -> %s: %zu tensors, %d stored CSR (%s), %.2f MB\n", r.checkpoint.c_str(), r.out.c_str(),
                r.tensors.size(), sparse, deploy::sparsePolicyNames().name(options.policy), double(r.fileBytes) / 1e6);
    return kExitOk;
}

} // namespace

void addDeployCommands(CLI::App& app, const CliContext& context, Action& action)
{
    auto args = std::make_shared<ExportArgs>();
    CLI::App* cmd = app.add_subcommand("export", "Write a checkpoint as a deployable .espm model (docs/formats/espm.md)");
    cmd->add_option("--model", args->model, "Checkpoint (.pt) or run folder (its best checkpoint)")->required();
    cmd->add_option("--out", args->out, "The .espm file to write")->required();
    cmd->add_option("--sparse", args->sparse,
                    "auto: time dense and CSR for each weight here and keep the faster; csr: CSR at or below --density; "
                    "dense: no CSR")
        ->capture_default_str();
    cmd->add_option("--density", args->density, "The csr policy's density threshold")->capture_default_str();
    cmd->add_option("--device", args->device, "auto: time dense against CSR on this device of the project (devices.yaml)");
    cmd->add_option("--project", args->project, "The project whose devices --device names")->capture_default_str();
    cmd->callback([&context, &action, args] { action = [&context, args] { return exportCommand(context, *args); }; });
}

} // namespace espalier::cli
