#pragma once
// A corpus is a folder of split folders (train, dev, test_clean, ...), each a manifest that
// readManifest() understands (our own splits hold data.list plus Kaldi wav.scp/text), or a single
// manifest / AISHELL-1 root.
#include "core/data/manifest.h"

#include <string>
#include <vector>

namespace espalier::data {

struct CorpusSplit {
    std::string name;   // "train", "dev", "test_clean", ... (AISHELL: train/dev/test)
    std::string path;   // manifest path handed to readManifest
    ManifestFormat format = ManifestFormat::Auto;
};

// Reads one split's manifest leniently (passes the split name on for the AISHELL layout).
ManifestReadResult readSplit(const CorpusSplit& split);

// Finds the splits of a corpus folder. A folder that is itself one manifest gives one split named
// after the folder. Throws InputError naming the path if nothing readable is found.
std::vector<CorpusSplit> findSplits(const std::string& corpusPath);

struct SplitStats {
    std::string name;
    size_t utterances = 0;
    double hours = 0.0;          // from manifest durations, or audio headers when missing
    size_t characters = 0;       // normalised transcript characters
    size_t vocabulary = 0;       // distinct normalised characters
    size_t speakers = 0;
    double minDuration = 0.0, maxDuration = 0.0, meanDuration = 0.0;
};

struct CorpusStats {
    std::string path;
    std::vector<SplitStats> splits;
    SplitStats total;            // name "total"; vocabulary over all splits
};

// Counts, hours, characters, vocabulary and speakers of every split and of the whole corpus.
// Malformed manifest lines are skipped; durations missing from the manifest come from audio headers
// (utterances whose audio cannot be read count in utterances but not in the durations).
CorpusStats corpusStats(const std::string& corpusPath);

} // namespace espalier::data
