#pragma once
// Global CMVN statistics over every utterance of a manifest, computed with the shared fbank.
#include "core/audio/cmvn.h"
#include "core/job/job.h"
#include "core/runtime/fbank.h"

#include <string>

namespace espalier::data {

// Decodes each utterance (resampled to the fbank's rate), computes fbank and accumulates the
// statistics. Reports progress as the fraction of the caller's current stage. Unreadable utterances
// fail the job with the file named.
audio::CmvnStats computeGlobalCmvn(const std::string& manifestPath, const runtime::FbankOptions& fbank,
                                   job::JobContext& context);

// As a Job that writes the statistics to outPath (WeNet global_cmvn JSON).
class GlobalCmvnJob : public job::Job {
public:
    GlobalCmvnJob(std::string manifestPath, std::string outPath, runtime::FbankOptions fbank)
        : manifest_(std::move(manifestPath)), out_(std::move(outPath)), fbank_(fbank) {}
    std::string title() const override { return "Compute global CMVN"; }
    std::vector<std::string> cliCommand() const override;
    void run(job::JobContext& context) override;

private:
    std::string manifest_;
    std::string out_;
    runtime::FbankOptions fbank_;
};

} // namespace espalier::data
