#pragma once
// The studies the demo project ships, with the recipes they use: the seed's tables to reproduce on
// this machine (CER and parameters against sparsity; augmentation on or off). Written into a
// project's recipes/ and studies/ folders where they are missing, never over a user's edits.
#include <string>
#include <vector>

namespace espalier::project {

struct ShippedFile {
    std::string path;  // relative to the project folder
    std::string text;
};

const std::vector<ShippedFile>& demoStudyFiles();
// Writes each of demoStudyFiles() that the project lacks (atomically); returns the paths written.
std::vector<std::string> writeDemoStudies(const std::string& projectDir);

} // namespace espalier::project
