#include "core/audio/audio_file.h"

#include "core/audio/resample.h"
#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <sndfile.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace espalier::audio {

namespace {

// Samples decoded per read call (all channels together), so the buffer stays small for any channel count.
constexpr sf_count_t kBlockSamples = 1 << 18;

std::string trimReason(std::string s)
{
    while (!s.empty() && (s.back() == '.' || s.back() == ' ' || s.back() == '\n')) s.pop_back();
    return s;
}

[[noreturn]] void throwFormat(const std::string& path, const std::string& why)
{
    throw FormatError("cannot decode audio file '" + path + "': " + why);
}

const char* majorName(int major)
{
    switch (major) {
    case SF_FORMAT_WAV: return "WAV";
    case SF_FORMAT_AIFF: return "AIFF";
    case SF_FORMAT_AU: return "AU";
    case SF_FORMAT_RAW: return "RAW";
    case SF_FORMAT_PAF: return "PAF";
    case SF_FORMAT_SVX: return "SVX";
    case SF_FORMAT_NIST: return "NIST";
    case SF_FORMAT_VOC: return "VOC";
    case SF_FORMAT_IRCAM: return "IRCAM";
    case SF_FORMAT_W64: return "W64";
    case SF_FORMAT_MAT4: return "MAT4";
    case SF_FORMAT_MAT5: return "MAT5";
    case SF_FORMAT_PVF: return "PVF";
    case SF_FORMAT_XI: return "XI";
    case SF_FORMAT_HTK: return "HTK";
    case SF_FORMAT_SDS: return "SDS";
    case SF_FORMAT_AVR: return "AVR";
    case SF_FORMAT_WAVEX: return "WAVEX";
    case SF_FORMAT_SD2: return "SD2";
    case SF_FORMAT_FLAC: return "FLAC";
    case SF_FORMAT_CAF: return "CAF";
    case SF_FORMAT_WVE: return "WVE";
    case SF_FORMAT_OGG: return "OGG";
    case SF_FORMAT_MPC2K: return "MPC2K";
    case SF_FORMAT_RF64: return "RF64";
    case SF_FORMAT_MPEG: return "MPEG";
    default: return "UNKNOWN";
    }
}

const char* subtypeName(int subtype)
{
    switch (subtype) {
    case SF_FORMAT_PCM_S8: return "PCM_S8";
    case SF_FORMAT_PCM_16: return "PCM_16";
    case SF_FORMAT_PCM_24: return "PCM_24";
    case SF_FORMAT_PCM_32: return "PCM_32";
    case SF_FORMAT_PCM_U8: return "PCM_U8";
    case SF_FORMAT_FLOAT: return "FLOAT";
    case SF_FORMAT_DOUBLE: return "DOUBLE";
    case SF_FORMAT_ULAW: return "ULAW";
    case SF_FORMAT_ALAW: return "ALAW";
    case SF_FORMAT_IMA_ADPCM: return "IMA_ADPCM";
    case SF_FORMAT_MS_ADPCM: return "MS_ADPCM";
    case SF_FORMAT_GSM610: return "GSM610";
    case SF_FORMAT_VOX_ADPCM: return "VOX_ADPCM";
    case SF_FORMAT_NMS_ADPCM_16: return "NMS_ADPCM_16";
    case SF_FORMAT_NMS_ADPCM_24: return "NMS_ADPCM_24";
    case SF_FORMAT_NMS_ADPCM_32: return "NMS_ADPCM_32";
    case SF_FORMAT_G721_32: return "G721_32";
    case SF_FORMAT_G723_24: return "G723_24";
    case SF_FORMAT_G723_40: return "G723_40";
    case SF_FORMAT_DWVW_12: return "DWVW_12";
    case SF_FORMAT_DWVW_16: return "DWVW_16";
    case SF_FORMAT_DWVW_24: return "DWVW_24";
    case SF_FORMAT_DWVW_N: return "DWVW_N";
    case SF_FORMAT_DPCM_8: return "DPCM_8";
    case SF_FORMAT_DPCM_16: return "DPCM_16";
    case SF_FORMAT_VORBIS: return "VORBIS";
    case SF_FORMAT_OPUS: return "OPUS";
    case SF_FORMAT_ALAC_16: return "ALAC_16";
    case SF_FORMAT_ALAC_20: return "ALAC_20";
    case SF_FORMAT_ALAC_24: return "ALAC_24";
    case SF_FORMAT_ALAC_32: return "ALAC_32";
    case SF_FORMAT_MPEG_LAYER_I: return "MPEG_LAYER_I";
    case SF_FORMAT_MPEG_LAYER_II: return "MPEG_LAYER_II";
    case SF_FORMAT_MPEG_LAYER_III: return "MPEG_LAYER_III";
    default: return "UNKNOWN";
    }
}

// Bytes per sample of uncompressed sample data; 0 when the data is compressed or of unknown size.
int uncompressedSampleBytes(int format)
{
    const int major = format & SF_FORMAT_TYPEMASK;
    if (major == SF_FORMAT_FLAC || major == SF_FORMAT_OGG || major == SF_FORMAT_MPEG) return 0;
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8:
    case SF_FORMAT_ULAW:
    case SF_FORMAT_ALAW: return 1;
    case SF_FORMAT_PCM_16: return 2;
    case SF_FORMAT_PCM_24: return 3;
    case SF_FORMAT_PCM_32:
    case SF_FORMAT_FLOAT: return 4;
    case SF_FORMAT_DOUBLE: return 8;
    default: return 0;
    }
}

std::uint32_t readLe32(const unsigned char* p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
}

std::uint32_t readBe32(const unsigned char* p)
{
    return (std::uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

// libsndfile silently shortens a WAV whose 'data' chunk claims more bytes than the file holds, so the
// RIFF chunks are walked here. Returns the promised and present byte counts when the data is cut short.
bool riffDataTruncated(int fd, long long fileSize, long long& promised, long long& present)
{
    unsigned char head[12];
    if (::pread(fd, head, 12, 0) != 12) return false;
    const bool little = std::memcmp(head, "RIFF", 4) == 0;
    if (!little && std::memcmp(head, "RIFX", 4) != 0) return false;
    if (std::memcmp(head + 8, "WAVE", 4) != 0) return false;
    long long pos = 12;
    for (int guard = 0; guard < 10000 && pos + 8 <= fileSize; ++guard) {
        unsigned char chunk[8];
        if (::pread(fd, chunk, 8, pos) != 8) return false;
        const std::uint32_t size = little ? readLe32(chunk + 4) : readBe32(chunk + 4);
        if (std::memcmp(chunk, "data", 4) == 0) {
            // 0 and 0xFFFFFFFF mark a stream written without knowing its length.
            if (size == 0 || size == 0xFFFFFFFFu) return false;
            promised = size;
            present = fileSize - (pos + 8);
            return promised > present;
        }
        pos += 8 + (long long)size + (size & 1);
    }
    return false;
}

// libsndfile reports open failures through one global error slot; opens hold this while reading it.
std::mutex& openErrorMutex()
{
    static std::mutex mutex;
    return mutex;
}

// Other containers (AIFF's SSND, AU's data size) are clamped the same way; libsndfile notes it in its
// header log as "<chunk> : N (should be M)". Returns that line when the audio chunk claims more bytes.
bool headerLogShowsTruncation(SNDFILE* file, std::string& line)
{
    std::vector<char> log(16384, '\0');
    sf_command(file, SFC_GET_LOG_INFO, log.data(), int(log.size()) - 1);
    std::istringstream lines(log.data());
    while (std::getline(lines, line)) {
        const auto start = line.find_first_not_of(' ');
        if (start == std::string::npos) continue;
        line.erase(0, start);
        const bool audioChunk = line.rfind("data ", 0) == 0 || line.rfind("SSND ", 0) == 0 ||
                                line.rfind("Data Size ", 0) == 0;
        const auto colon = line.find(':');
        const auto should = line.find("(should be ");
        if (!audioChunk || colon == std::string::npos || should == std::string::npos) continue;
        const long long claimed = std::strtoll(line.c_str() + colon + 1, nullptr, 10);
        const long long actual = std::strtoll(line.c_str() + should + 11, nullptr, 10);
        if (claimed > actual && claimed != 0xFFFFFFFFLL) return true;  // all ones: length unknown (streamed)
    }
    return false;
}

// An open audio file: the descriptor is ours, libsndfile decodes from it.
class SoundFile {
public:
    explicit SoundFile(const std::string& path) : path_(path)
    {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw IoError("cannot open audio file '" + path + "': " + std::strerror(errno));
        try {
            open();
        } catch (...) {
            if (file_) sf_close(file_);
            ::close(fd_);
            throw;
        }
    }
    ~SoundFile()
    {
        if (file_) sf_close(file_);
        ::close(fd_);
    }
    SoundFile(const SoundFile&) = delete;
    SoundFile& operator=(const SoundFile&) = delete;

    SNDFILE* handle() const { return file_; }
    const SF_INFO& info() const { return info_; }
    bool lengthKnown() const { return info_.frames > 0 && info_.frames < SF_COUNT_MAX; }

    AudioInfo audioInfo() const
    {
        AudioInfo out;
        out.sampleRate = info_.samplerate;
        out.channels = info_.channels;
        out.frames = lengthKnown() ? info_.frames : 0;
        out.format = std::string(majorName(info_.format & SF_FORMAT_TYPEMASK)) + " " +
                     subtypeName(info_.format & SF_FORMAT_SUBMASK);
        return out;
    }

private:
    void open()
    {
        struct stat st;
        if (::fstat(fd_, &st) != 0) throw IoError("cannot open audio file '" + path_ + "': " + std::strerror(errno));
        if (S_ISDIR(st.st_mode)) throw IoError("cannot open audio file '" + path_ + "': " + std::strerror(EISDIR));
        const bool regular = S_ISREG(st.st_mode);
        const long long fileSize = regular ? (long long)st.st_size : -1;
        if (regular && fileSize == 0) throwFormat(path_, "the file is empty");

        {
            std::lock_guard<std::mutex> lock(openErrorMutex());
            info_ = SF_INFO{};
            file_ = sf_open_fd(fd_, SFM_READ, &info_, SF_FALSE);
            if (!file_) throwFormat(path_, trimReason(sf_strerror(nullptr)));
        }
        if (info_.samplerate <= 0) throwFormat(path_, "invalid sample rate " + std::to_string(info_.samplerate));
        if (info_.channels <= 0) throwFormat(path_, "invalid channel count " + std::to_string(info_.channels));

        if (!regular) return;
        long long promised = 0, present = 0;
        if (riffDataTruncated(fd_, fileSize, promised, present))
            throwFormat(path_, "truncated (the header promises " + std::to_string(promised) + " bytes of audio, " +
                                   std::to_string(present) + " are present)");
        std::string logLine;
        if (headerLogShowsTruncation(file_, logLine)) throwFormat(path_, "truncated (header: " + logLine + ")");
        const int bytes = uncompressedSampleBytes(info_.format);
        if (bytes > 0 && lengthKnown()) {
            const long double needed = (long double)info_.frames * info_.channels * bytes;
            if (needed > (long double)fileSize)
                throwFormat(path_, "truncated (the header promises " + std::to_string(info_.frames) +
                                       " frames, more than the " + std::to_string(fileSize) + "-byte file can hold)");
        }
    }

    std::string path_;
    int fd_ = -1;
    SNDFILE* file_ = nullptr;
    SF_INFO info_{};
};

} // namespace

AudioInfo probeAudio(const std::string& path)
{
    SoundFile file(path);
    return file.audioInfo();
}

Audio readAudio(const std::string& path)
{
    SoundFile file(path);
    const SF_INFO& info = file.info();
    const int channels = info.channels;

    Audio audio;
    audio.sampleRate = info.samplerate;
    if (file.lengthKnown()) {
        // Uncompressed lengths were checked against the file size; compressed ones grow as decoded.
        const sf_count_t reserve = uncompressedSampleBytes(info.format) > 0 ? info.frames
                                                                           : std::min<sf_count_t>(info.frames, 1 << 20);
        audio.samples.reserve(size_t(reserve));
    }

    const sf_count_t blockFrames = std::max<sf_count_t>(1, kBlockSamples / channels);
    std::vector<float> block(size_t(blockFrames) * size_t(channels));
    const float scale = 1.0f / float(channels);
    for (;;) {
        sf_count_t want = blockFrames;
        if (file.lengthKnown()) want = std::min<sf_count_t>(want, info.frames - sf_count_t(audio.samples.size()));
        if (want <= 0) break;
        const sf_count_t got = sf_readf_float(file.handle(), block.data(), want);
        if (got <= 0) break;
        for (sf_count_t i = 0; i < got; ++i) {
            const float* frame = block.data() + size_t(i) * size_t(channels);
            float sum = 0.0f;
            for (int c = 0; c < channels; ++c) sum += frame[c];
            audio.samples.push_back(channels == 1 ? sum : sum * scale);
        }
    }
    if (sf_error(file.handle()) != SF_ERR_NO_ERROR)
        throwFormat(path, trimReason(sf_strerror(file.handle())) + " (after " + std::to_string(audio.samples.size()) +
                              " frames)");
    if (file.lengthKnown() && sf_count_t(audio.samples.size()) < info.frames)
        throwFormat(path, "truncated (the header promises " + std::to_string(info.frames) + " frames, only " +
                              std::to_string(audio.samples.size()) + " could be decoded)");
    if (audio.samples.empty()) throw FormatError("audio file '" + path + "' has no audio samples");
    for (float v : audio.samples)
        if (!std::isfinite(v)) throwFormat(path, "it contains NaN or infinite samples");
    return audio;
}

Audio readAudio(const std::string& path, int targetRate)
{
    if (targetRate <= 0)
        throw InputError("cannot read '" + path + "': invalid target sample rate " + std::to_string(targetRate));
    Audio audio = readAudio(path);
    if (audio.sampleRate != targetRate) {
        audio.samples = resample(audio.samples, audio.sampleRate, targetRate);
        audio.sampleRate = targetRate;
    }
    return audio;
}

void writeWav(const std::string& path, const Audio& audio)
{
    if (audio.sampleRate <= 0)
        throw InputError("cannot write '" + path + "': invalid sample rate " + std::to_string(audio.sampleRate));
    // Scaled by 32768 as libsndfile (and Kaldi) read 16-bit PCM back, so k/32768 round-trips exactly.
    std::vector<short> pcm(audio.samples.size());
    for (size_t i = 0; i < pcm.size(); ++i) {
        const float x = audio.samples[i];
        const float v = std::isnan(x) ? 0.0f : std::nearbyint(std::clamp(x, -1.0f, 1.0f) * 32768.0f);
        pcm[i] = short(std::clamp(v, -32768.0f, 32767.0f));
    }
    io::writeAtomicWith(path, [&](const std::string& tmp) {
        SF_INFO info{};
        info.samplerate = audio.sampleRate;
        info.channels = 1;
        info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        SNDFILE* file = nullptr;
        {
            std::lock_guard<std::mutex> lock(openErrorMutex());
            file = sf_open(tmp.c_str(), SFM_WRITE, &info);
            if (!file) throw IoError("cannot write '" + path + "': " + trimReason(sf_strerror(nullptr)));
        }
        const sf_count_t written = sf_write_short(file, pcm.data(), sf_count_t(pcm.size()));
        const std::string reason = trimReason(sf_strerror(file));
        const int closeError = sf_close(file);
        if (written != sf_count_t(pcm.size()) || closeError != 0)
            throw IoError("cannot write '" + path + "': " + reason);
    });
}

} // namespace espalier::audio
