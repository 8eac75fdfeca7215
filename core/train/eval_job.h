#pragma once
// Scoring a trained model on a manifest as a Job (espalier-cli eval, the GUI): decode with the
// checkpoint's own features and vocabulary, CER as WeNet's compute-cer. Torch-free header.
#include "core/eval/cer.h"
#include "core/job/job.h"

#include <string>

namespace espalier::train {

// A checkpoint file as given, or for a run folder its best checkpoint (else its newest). Throws
// InputError when there is none.
std::string resolveCheckpoint(const std::string& modelOrRun);

class EvalJob : public job::Job {
public:
    // beam 1 decodes greedily; more runs CTC prefix beam search of that width.
    EvalJob(std::string modelOrRun, std::string manifest, int beam = 1);

    std::string title() const override;
    std::vector<std::string> cliCommand() const override;
    void run(job::JobContext& context) override;

    const std::string& checkpoint() const { return checkpoint_; }  // resolved when run
    const eval::CerAccumulator& result() const { return result_; }

private:
    std::string model_;
    std::string manifest_;
    int beam_;
    std::string checkpoint_;
    eval::CerAccumulator result_;
};

} // namespace espalier::train
