#pragma once
// Renders fbank features as an RGB picture for previews (the CLI's before/after PNGs): time left to
// right, low mel bins at the bottom, viridis colours over a dB range, SpecAugment masks outlined.
#include "core/augment/applied_op.h"
#include "core/runtime/fbank.h"

#include <cstdint>
#include <string>
#include <vector>

namespace espalier::augment {

// 8-bit RGB pixels, rows top to bottom.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;  // width * height * 3
    const std::uint8_t* pixel(int x, int y) const { return &rgb[(size_t(y) * size_t(width) + size_t(x)) * 3]; }
};

// A colour range in dB (fbank values are natural-log energies; dB = 10 / ln 10 × value).
struct DbRange {
    double minDb = -80.0;
    double maxDb = 0.0;
};

struct SpectrogramStyle {
    bool fixedRange = false;       // use range; otherwise autoRange() of the image's own features
    DbRange range;
    double dynamicRangeDb = 80.0;  // for autoRange
    int minCellWidth = 1;          // pixels per frame at least
    int minCellHeight = 2;         // pixels per bin at least
    int minWidth = 600;            // frames and bins are scaled up by whole pixels to reach these
    int minHeight = 240;
    bool outlineMasks = true;
};

// [max(lowest, highest − dynamicRangeDb), highest] over the features, in dB; a 1 dB range around the
// value for constant input.
DbRange autoRange(const runtime::FeatureMatrix& features, double dynamicRangeDb = 80.0);

// Pixels per frame and per bin the renderer uses for a matrix of this shape.
int cellWidth(int frames, const SpectrogramStyle& style);
int cellHeight(int bins, const SpectrogramStyle& style);

// The viridis colour of t in [0, 1] (clamped).
void viridis(double t, std::uint8_t rgb[3]);

// Renders the features; each mask with a positive width is outlined with a thin white rectangle
// (a time mask spans all bins, a frequency mask all frames), clamped to the matrix. Throws
// InputError for empty features.
RgbImage renderSpectrogram(const runtime::FeatureMatrix& features, const std::vector<MaskRegion>& masks = {},
                           const SpectrogramStyle& style = {});

// Renders and writes a PNG atomically (io::writePng).
void writeSpectrogramPng(const std::string& path, const runtime::FeatureMatrix& features,
                         const std::vector<MaskRegion>& masks = {}, const SpectrogramStyle& style = {});

} // namespace espalier::augment
