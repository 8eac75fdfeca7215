#include "core/project/demo_studies.h"

#include "core/io/atomic_file.h"

#include <filesystem>

namespace espalier::project {

namespace fs = std::filesystem;

namespace {

// One gradual magnitude-pruning recipe per target: AGP (Zhu & Gupta) over steps 200..1000 of the
// studies' 1500, so every cell fine-tunes 500 steps at its final sparsity.
std::string sparsityRecipe(const std::string& name, const std::string& sparsity)
{
    return "# Global unstructured magnitude pruning to " + name + " % along AGP's cubic curve (the seed's stage 2),\n"
           "# written by the demo project for studies/seed-sparsity.\n"
           "espalier_recipe: 1\n"
           "name: sparsity-" + name + "\n"
           "stages:\n"
           "  - type: unstructured\n"
           "    scope: global\n"
           "    schedule: {shape: agp_cubic, unit: steps, initial_sparsity: 0.0, final_sparsity: " + sparsity + ",\n"
           "               begin: 200, end: 1000, frequency: 50}\n"
           "    params: __ALL_PRUNABLE__\n"
           "    exclude: [\"re:.*subsampling.*\"]\n";
}

const char* kSparsityStudy = R"(# The seed's sparsity table on the demo corpus: dense, 50 % and 70 % unstructured sparsity, each
# trained with gradual pruning for 1500 steps (about 10 minutes a cell on two CPU cores).
#   espalier-cli study run seed-sparsity --project .
#   espalier-cli report --project . --study seed-sparsity --out reports/seed-sparsity.html
espalier_study: 1
description: CER and parameters against sparsity (dense, 50 %, 70 %)
base: small
corpus: demo
set:
  steps: 1500
  max_minutes: 0
  eval_every: 250
axes:
  - key: recipe
    values: [null, recipes/sparsity-50.yaml, recipes/sparsity-70.yaml]
    labels: [dense, s50, s70]
)";

const char* kAugmentStudy = R"(# Augmentation on the demo corpus: none, WeNet's AISHELL recipe (SpecAugment), and the seed's full
# pipeline (speed, noise, reverberation, SpecAugment), 1500 steps each.
#   espalier-cli study run augment --project .
espalier_study: 1
description: CER with and without augmentation
base: small
corpus: demo
set:
  steps: 1500
  max_minutes: 0
  eval_every: 250
axes:
  - key: augment
    values: [none, wenet-aishell, seed-full]
    labels: [none, specaugment, full]
)";

} // namespace

const std::vector<ShippedFile>& demoStudyFiles()
{
    static const std::vector<ShippedFile> files = {
        {"recipes/sparsity-50.yaml", sparsityRecipe("50", "0.5")},
        {"recipes/sparsity-70.yaml", sparsityRecipe("70", "0.7")},
        {"studies/seed-sparsity/study.yaml", kSparsityStudy},
        {"studies/augment/study.yaml", kAugmentStudy},
    };
    return files;
}

std::vector<std::string> writeDemoStudies(const std::string& projectDir)
{
    std::vector<std::string> written;
    for (const ShippedFile& f : demoStudyFiles()) {
        const fs::path path = fs::path(projectDir) / f.path;
        std::error_code ec;
        if (fs::exists(path, ec))
            continue;
        fs::create_directories(path.parent_path(), ec);
        io::writeFileAtomic(path.string(), f.text);
        written.push_back(path.string());
    }
    return written;
}

} // namespace espalier::project
