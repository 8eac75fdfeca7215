// PNG writer and spectrogram renderer: the file decodes back (signature, IHDR, chunk CRCs, zlib
// inflate of IDAT) to the exact pixels; spectrograms put low bins at the bottom, use the colour range
// asked for and outline masks in white.
#include "core/augment/spectrogram_image.h"
#include "core/io/atomic_file.h"
#include "core/io/png.h"
#include "core/runtime/error.h"

#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

using namespace espalier;
using namespace espalier::augment;

namespace {

std::uint32_t u32(const std::string& s, size_t at)
{
    return (std::uint32_t(std::uint8_t(s[at])) << 24) | (std::uint32_t(std::uint8_t(s[at + 1])) << 16)
           | (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

struct Decoded {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;
    std::vector<std::string> chunks;
};

// A strict decoder for what encodePng writes: 8-bit RGB, filter 0, one or more IDAT chunks.
Decoded decode(const std::string& png)
{
    Decoded d;
    if (png.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) != 0)
        throw std::runtime_error("bad signature");
    std::string idat;
    size_t at = 8;
    while (at + 12 <= png.size()) {
        const std::uint32_t length = u32(png, at);
        const std::string type = png.substr(at + 4, 4);
        const std::string data = png.substr(at + 8, length);
        const std::uint32_t crc = u32(png, at + 8 + length);
        const std::uint32_t expected =
            std::uint32_t(crc32(0, reinterpret_cast<const Bytef*>(png.data() + at + 4), uInt(length + 4)));
        if (crc != expected)
            throw std::runtime_error("bad CRC in " + type);
        d.chunks.push_back(type);
        if (type == "IHDR") {
            d.width = int(u32(data, 0));
            d.height = int(u32(data, 4));
            if (data[8] != 8 || data[9] != 2 || data[10] != 0 || data[11] != 0 || data[12] != 0)
                throw std::runtime_error("unexpected IHDR");
        } else if (type == "IDAT") {
            idat += data;
        }
        at += 12 + length;
    }
    if (at != png.size())
        throw std::runtime_error("trailing bytes");
    const size_t row = size_t(d.width) * 3 + 1;
    std::string raw(row * size_t(d.height), '\0');
    uLongf rawSize = uLongf(raw.size());
    if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &rawSize, reinterpret_cast<const Bytef*>(idat.data()),
                   uLong(idat.size()))
            != Z_OK
        || rawSize != raw.size())
        throw std::runtime_error("bad IDAT");
    for (int y = 0; y < d.height; ++y) {
        if (raw[size_t(y) * row] != 0)
            throw std::runtime_error("unexpected filter");
        d.rgb.insert(d.rgb.end(), raw.begin() + std::ptrdiff_t(size_t(y) * row + 1),
                     raw.begin() + std::ptrdiff_t(size_t(y + 1) * row));
    }
    return d;
}

runtime::FeatureMatrix ramp(int frames, int bins)
{
    // Value rises with the bin: the top of the image (high bins) is bright.
    runtime::FeatureMatrix f;
    f.frames = frames;
    f.bins = bins;
    for (int t = 0; t < frames; ++t)
        for (int b = 0; b < bins; ++b)
            f.data.push_back(float(b) / float(bins - 1) * 10.0f);
    return f;
}

std::vector<std::uint8_t> colour(const RgbImage& image, int x, int y)
{
    const std::uint8_t* p = image.pixel(x, y);
    return {p[0], p[1], p[2]};
}

} // namespace

class TestPng : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("1x1") << 1 << 1;
        QTest::newRow("odd") << 37 << 5;
        QTest::newRow("wide") << 1000 << 3;
    }
    void roundTrip()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        std::vector<std::uint8_t> rgb(size_t(width) * height * 3);
        for (size_t i = 0; i < rgb.size(); ++i)
            rgb[i] = std::uint8_t((i * 131 + i / 7) & 0xff);
        const std::string path = tmp_.filePath(QString("img%1x%2.png").arg(width).arg(height)).toStdString();
        io::writePng(path, width, height, rgb);
        const Decoded d = decode(io::readFile(path));
        QCOMPARE(d.width, width);
        QCOMPARE(d.height, height);
        QCOMPARE(d.rgb, rgb);
        QCOMPARE(d.chunks.front(), std::string("IHDR"));
        QCOMPARE(d.chunks.back(), std::string("IEND"));
    }

    void rejectsBadSizes()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, io::encodePng(0, 4, {}));
        QVERIFY_THROWS_EXCEPTION(InputError, io::encodePng(2, 2, std::vector<std::uint8_t>(11)));
        QVERIFY_THROWS_EXCEPTION(IoError, io::writePng(tmp_.filePath("no/such/dir/x.png").toStdString(), 1, 1, {1, 2, 3}));
    }

    void spectrogramOrientationAndScale()
    {
        const runtime::FeatureMatrix f = ramp(50, 20);
        SpectrogramStyle style;
        style.fixedRange = true;
        style.range = {0.0, 10.0 * 4.342944819032518};
        const RgbImage image = renderSpectrogram(f, {}, style);
        QCOMPARE(image.width, 50 * cellWidth(50, style));
        QCOMPARE(image.height, 20 * cellHeight(20, style));
        QVERIFY(image.width >= style.minWidth && image.height >= style.minHeight);
        std::uint8_t low[3], high[3];
        viridis(0.0, low);
        viridis(1.0, high);
        QCOMPARE(colour(image, 3, image.height - 1), std::vector<std::uint8_t>(low, low + 3));  // bin 0 at the bottom
        QCOMPARE(colour(image, image.width - 1, 0), std::vector<std::uint8_t>(high, high + 3));
        QCOMPARE(colour(image, 0, 0), colour(image, image.width - 1, 0));  // constant along time

        // A wider range maps the same value to a darker colour.
        SpectrogramStyle wide = style;
        wide.range.maxDb *= 2;
        const RgbImage darker = renderSpectrogram(f, {}, wide);
        std::uint8_t mid[3];
        viridis(0.5, mid);
        QCOMPARE(colour(darker, 0, 0), std::vector<std::uint8_t>(mid, mid + 3));

        // Per-image range: the brightest cell gets the top colour.
        const RgbImage own = renderSpectrogram(f);
        QCOMPARE(colour(own, 0, 0), std::vector<std::uint8_t>(high, high + 3));
    }

    void masksOutlinedInWhite()
    {
        const runtime::FeatureMatrix f = ramp(100, 10);
        SpectrogramStyle style;
        style.minWidth = 100;   // one pixel per frame
        style.minHeight = 40;   // four pixels per bin
        const RgbImage plain = renderSpectrogram(f, {}, style);
        const RgbImage masked = renderSpectrogram(
            f, {{MaskAxis::Time, 20, 10}, {MaskAxis::Frequency, 2, 3}, {MaskAxis::Time, 60, 0}}, style);
        const std::vector<std::uint8_t> white{255, 255, 255};
        QCOMPARE(masked.width, 100);
        QCOMPARE(masked.height, 40);
        // Time mask frames [20, 30): vertical edges at x = 20 and 29, over the full height.
        QCOMPARE(colour(masked, 20, 5), white);
        QCOMPARE(colour(masked, 29, 17), white);
        QCOMPARE(colour(masked, 25, 0), white);
        QCOMPARE(colour(masked, 25, 39), white);
        QCOMPARE(colour(masked, 25, 17), colour(plain, 25, 17));  // inside: the data stays visible
        // Frequency mask bins [2, 5): rows (10 - 5) * 4 = 20 to (10 - 2) * 4 - 1 = 31.
        QCOMPARE(colour(masked, 50, 20), white);
        QCOMPARE(colour(masked, 50, 31), white);
        QCOMPARE(colour(masked, 50, 25), colour(plain, 50, 25));
        QCOMPARE(colour(masked, 50, 19), colour(plain, 50, 19));
        // Zero-width masks draw nothing.
        QCOMPARE(colour(masked, 60, 5), colour(plain, 60, 5));

        const std::string path = tmp_.filePath("spec.png").toStdString();
        writeSpectrogramPng(path, f, {{MaskAxis::Time, 20, 10}}, style);
        const Decoded d = decode(io::readFile(path));
        QCOMPARE(d.width, 100);
        QCOMPARE(d.height, 40);
        QVERIFY_THROWS_EXCEPTION(InputError, renderSpectrogram(runtime::FeatureMatrix{}));
    }
};

QTEST_GUILESS_MAIN(TestPng)
#include "test_png.moc"
