#pragma once
// Reading and writing the manifest formats speech toolkits use:
//  - Kaldi data dir: wav.scp ("<utt> <path>") + text ("<utt> <transcript>") [+ utt2spk]
//  - WeNet data.list: JSON lines {"key","wav","txt"}
//  - NeMo manifest: JSON lines {"audio_filepath","duration","text"}
//  - AISHELL-1 layout: transcript/aishell_transcript_v0.8.txt + wav/{train,dev,test}/SPK/ID.wav (read only)
// Relative audio paths are resolved against the manifest's folder.
#include "core/data/utterance.h"
#include "core/runtime/enum_names.h"

#include <string>
#include <vector>

namespace espalier::data {

enum class ManifestFormat { Auto, Kaldi, WeNet, NeMo, Aishell };
const EnumNames<ManifestFormat>& manifestFormatNames();  // "auto", "kaldi", "wenet", "nemo", "aishell"
// A format name in any case ("WeNet"); throws InputError listing the choices.
ManifestFormat parseManifestFormat(const std::string& name);

// One problem found in a manifest, with where it is.
struct ManifestIssue {
    std::string file;
    int line = 0;        // 1-based; 0 when not tied to a line
    std::string key;     // utterance key when known
    std::string message;
    std::string toString() const;  // "file:line: [key] message"
};

struct ManifestReadResult {
    UtteranceList utterances;          // the well-formed entries, in file order
    std::vector<ManifestIssue> issues; // malformed lines, duplicate keys, missing text/audio entries
    // Where each utterance came from, parallel to utterances: the 1-based line of its audio entry in
    // audioFile and of its transcript in textFile (the same file for the JSON-lines formats; AISHELL
    // has no audio list, so its audio lines are 0).
    std::string audioFile, textFile;
    std::vector<int> audioLines, textLines;
};

// Detects the format of path: a Kaldi dir (wav.scp), an AISHELL-1 root, a WeNet data.list or a NeMo
// manifest (by the first JSON line's keys). Throws InputError naming the path if none fits.
ManifestFormat detectManifestFormat(const std::string& path);

// Reads leniently: malformed lines are reported in issues and skipped. Throws IoError if the
// manifest itself cannot be read. `split` selects train/dev/test for the AISHELL layout (ignored
// otherwise; empty = all).
ManifestReadResult readManifest(const std::string& path, ManifestFormat format = ManifestFormat::Auto,
                                const std::string& split = {});

// Reads strictly: throws InputError with the first issue (and the count of others) if any.
UtteranceList loadManifest(const std::string& path, ManifestFormat format = ManifestFormat::Auto);

// Writers (atomic). Kaldi writes wav.scp, text and utt2spk into dir; the JSON-lines writers write
// one file. Audio paths are written relative to the output folder when they lie inside it.
void writeKaldiDir(const std::string& dir, const UtteranceList& utterances);
void writeWenetList(const std::string& path, const UtteranceList& utterances);
void writeNemoManifest(const std::string& path, const UtteranceList& utterances);

} // namespace espalier::data
