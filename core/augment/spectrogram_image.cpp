#include "core/augment/spectrogram_image.h"

#include "core/io/png.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <cmath>

namespace espalier::augment {

namespace {

constexpr double kDbPerNeper = 4.342944819032518;  // 10 / ln 10

// matplotlib's viridis at t = 0, 1/8, ..., 1.
constexpr std::uint8_t kViridis[9][3] = {{68, 1, 84},    {71, 44, 122},  {59, 81, 139},
                                         {44, 113, 142}, {33, 144, 141}, {39, 173, 129},
                                         {92, 200, 99},  {170, 220, 50}, {253, 231, 37}};

void setPixel(RgbImage& image, int x, int y, const std::uint8_t c[3])
{
    if (x < 0 || y < 0 || x >= image.width || y >= image.height)
        return;
    std::uint8_t* p = &image.rgb[(size_t(y) * size_t(image.width) + size_t(x)) * 3];
    p[0] = c[0];
    p[1] = c[1];
    p[2] = c[2];
}

// The outline of the pixel rectangle [x0, x1) × [y0, y1).
void outline(RgbImage& image, int x0, int y0, int x1, int y1)
{
    static const std::uint8_t white[3] = {255, 255, 255};
    for (int x = x0; x < x1; ++x) {
        setPixel(image, x, y0, white);
        setPixel(image, x, y1 - 1, white);
    }
    for (int y = y0; y < y1; ++y) {
        setPixel(image, x0, y, white);
        setPixel(image, x1 - 1, y, white);
    }
}

} // namespace

DbRange autoRange(const runtime::FeatureMatrix& features, double dynamicRangeDb)
{
    if (features.data.empty())
        return {};
    const auto [lo, hi] = std::minmax_element(features.data.begin(), features.data.end());
    const double top = *hi * kDbPerNeper;
    const double bottom = std::max(double(*lo) * kDbPerNeper, top - std::max(1.0, dynamicRangeDb));
    if (top - bottom < 1.0)
        return {top - 0.5, top + 0.5};
    return {bottom, top};
}

int cellWidth(int frames, const SpectrogramStyle& style)
{
    if (frames <= 0)
        return std::max(1, style.minCellWidth);
    return std::max({1, style.minCellWidth, (style.minWidth + frames - 1) / frames});
}

int cellHeight(int bins, const SpectrogramStyle& style)
{
    if (bins <= 0)
        return std::max(1, style.minCellHeight);
    return std::max({1, style.minCellHeight, (style.minHeight + bins - 1) / bins});
}

void viridis(double t, std::uint8_t rgb[3])
{
    t = std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0);
    const double x = t * 8.0;
    const int i = std::min(int(x), 7);
    const double a = x - i;
    for (int c = 0; c < 3; ++c)
        rgb[c] = std::uint8_t(std::lround(kViridis[i][c] + a * (kViridis[i + 1][c] - kViridis[i][c])));
}

RgbImage renderSpectrogram(const runtime::FeatureMatrix& features, const std::vector<MaskRegion>& masks,
                           const SpectrogramStyle& style)
{
    const int frames = features.frames;
    const int bins = features.bins;
    if (frames <= 0 || bins <= 0 || features.data.size() != size_t(frames) * size_t(bins))
        throw InputError("cannot draw a spectrogram of empty features (" + std::to_string(frames) + " frames x "
                         + std::to_string(bins) + " bins); is the audio shorter than one frame?");
    const DbRange range = style.fixedRange ? style.range : autoRange(features, style.dynamicRangeDb);
    const double span = std::max(1e-9, range.maxDb - range.minDb);
    const int cw = cellWidth(frames, style);
    const int ch = cellHeight(bins, style);

    RgbImage image;
    image.width = frames * cw;
    image.height = bins * ch;
    image.rgb.assign(size_t(image.width) * size_t(image.height) * 3, 0);
    for (int t = 0; t < frames; ++t) {
        for (int b = 0; b < bins; ++b) {
            std::uint8_t colour[3];
            viridis((features.at(t, b) * kDbPerNeper - range.minDb) / span, colour);
            const int y0 = (bins - 1 - b) * ch;  // low bins at the bottom
            for (int y = y0; y < y0 + ch; ++y)
                for (int x = t * cw; x < (t + 1) * cw; ++x)
                    setPixel(image, x, y, colour);
        }
    }
    if (style.outlineMasks) {
        for (const MaskRegion& m : masks) {
            const int limit = m.axis == MaskAxis::Time ? frames : bins;
            const int lo = std::clamp(m.start, 0, limit);
            const int hi = std::clamp(m.start + m.width, lo, limit);
            if (hi <= lo)
                continue;
            if (m.axis == MaskAxis::Time)
                outline(image, lo * cw, 0, hi * cw, image.height);
            else
                outline(image, 0, (bins - hi) * ch, image.width, (bins - lo) * ch);
        }
    }
    return image;
}

void writeSpectrogramPng(const std::string& path, const runtime::FeatureMatrix& features,
                         const std::vector<MaskRegion>& masks, const SpectrogramStyle& style)
{
    const RgbImage image = renderSpectrogram(features, masks, style);
    io::writePng(path, image.width, image.height, image.rgb);
}

} // namespace espalier::augment
