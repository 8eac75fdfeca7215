#pragma once
// NumPy .npy (format 1.0, little-endian float32, C order) reading and writing, so features can be
// compared with anyone's tools (numpy.load).
#include <string>
#include <vector>

namespace espalier::io {

struct NpyArray {
    std::vector<size_t> shape;
    std::vector<float> data;
};

// Writes atomically; throws IoError.
void writeNpy(const std::string& path, const float* data, const std::vector<size_t>& shape);
// Reads '<f4' arrays only; throws FormatError naming the file for anything else.
NpyArray readNpy(const std::string& path);

} // namespace espalier::io
