#include "core/data/corpus.h"
#include "core/runtime/error.h"
#include "tests/core/data/data_test_util.h"

#include <QtTest>

using namespace espalier;
using namespace espalier::data;
using datatest::pathIn;
using datatest::writeText;

namespace {

QStringList names(const std::vector<CorpusSplit>& splits)
{
    QStringList out;
    for (const auto& s : splits) out << QString::fromStdString(s.name);
    return out;
}

const std::string kWenetLine = "{\"key\":\"a\",\"wav\":\"a.wav\",\"txt\":\"x\"}\n";

} // namespace

class TestCorpus : public QObject {
    Q_OBJECT

private slots:
    void ordersSplits()
    {
        QTemporaryDir dir;
        const std::string root = pathIn(dir, "corpus");
        for (const char* split : {"test_noisy", "other", "dev", "test_clean", "train", "test_dialect"})
            writeText(root + "/" + split + "/wav.scp", "a a.wav\n");
        writeText(root + "/dev/data.list", kWenetLine);
        writeText(root + "/train_sp/data.list", kWenetLine);
        writeText(root + "/notes/readme.txt", "not a split\n");
        writeText(root + "/stats.json", "{\"hours\": 1}\n");
        const auto splits = findSplits(root);
        QCOMPARE(names(splits), (QStringList{"train", "train_sp", "dev", "test_clean", "test_dialect", "test_noisy",
                                             "other"}));
        QCOMPARE(splits[0].path, root + "/train");
        QCOMPARE(splits[0].format, ManifestFormat::Kaldi);
        QCOMPARE(splits[1].format, ManifestFormat::WeNet);
        QCOMPARE(splits[2].format, ManifestFormat::Kaldi);  // wav.scp wins over data.list
    }

    void singleManifestIsOneSplit()
    {
        QTemporaryDir dir;
        writeText(pathIn(dir, "kaldi_dev/wav.scp"), "a a.wav\n");
        writeText(pathIn(dir, "wn/data.list"), kWenetLine);
        writeText(pathIn(dir, "nemo_test.json"), "{\"audio_filepath\":\"a.wav\",\"duration\":1,\"text\":\"x\"}\n");
        auto splits = findSplits(pathIn(dir, "kaldi_dev/"));
        QCOMPARE(names(splits), QStringList{"kaldi_dev"});
        QCOMPARE(splits[0].format, ManifestFormat::Kaldi);
        QCOMPARE(names(findSplits(pathIn(dir, "wn/data.list"))), QStringList{"wn"});
        splits = findSplits(pathIn(dir, "nemo_test.json"));
        QCOMPARE(names(splits), QStringList{"nemo_test"});
        QCOMPARE(splits[0].format, ManifestFormat::NeMo);
    }

    void aishellRootGivesItsSplits()
    {
        QTemporaryDir dir;
        const std::string root = pathIn(dir, "data_aishell");
        writeText(root + "/transcript/aishell_transcript_v0.8.txt", "BAC009S0002W0122 而 对\nBAC009S0724W0121 甚至\n");
        datatest::writeTone(root + "/wav/train/S0002/BAC009S0002W0122.wav", 0.5);
        datatest::writeTone(root + "/wav/test/S0724/BAC009S0724W0121.wav", 0.25);
        const auto splits = findSplits(root);
        QCOMPARE(names(splits), (QStringList{"train", "test"}));
        QCOMPARE(splits[1].format, ManifestFormat::Aishell);
        const ManifestReadResult test = readSplit(splits[1]);
        QCOMPARE(test.utterances.size(), size_t(1));
        QCOMPARE(test.utterances[0].text, std::string("甚至"));

        const CorpusStats stats = corpusStats(root);
        QCOMPARE(stats.splits.size(), size_t(2));
        QCOMPARE(stats.splits[0].speakers, size_t(1));
        QCOMPARE(stats.total.speakers, size_t(2));
        QCOMPARE(stats.total.characters, size_t(4));
        QVERIFY(qAbs(stats.total.hours - 0.75 / 3600) < 1e-9);
    }

    void rejectsWhatIsNoCorpus()
    {
        QTemporaryDir dir;
        writeText(pathIn(dir, "empty/notes.txt"), "hi\n");
        for (const char* bad : {"empty", "missing"}) {
            try {
                findSplits(pathIn(dir, bad));
                QFAIL(bad);
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(pathIn(dir, bad))), e.what());
            }
        }
    }

    void computesStats()
    {
        QTemporaryDir dir;
        const std::string root = pathIn(dir, "corpus");
        // train (WeNet, no durations: read from the audio): 1 s, 2 s, 3 s, and one unreadable file.
        UtteranceList train = {{"t1", pathIn(dir, "audio/t1.wav"), "你好", 0.0, ""},
                               {"t2", pathIn(dir, "audio/t2.wav"), "你好吗？", 0.0, ""},
                               {"t3", pathIn(dir, "audio/t3.wav"), "Hello", 0.0, ""},
                               {"t4", pathIn(dir, "audio/missing.wav"), "好", 0.0, ""}};
        datatest::writeTone(train[0].audioPath, 1.0);
        datatest::writeTone(train[1].audioPath, 2.0);
        datatest::writeTone(train[2].audioPath, 3.0, 8000);
        writeWenetList(root + "/train/data.list", train);
        // dev (Kaldi with utt2dur and utt2spk): the manifest's durations are used, not the audio's.
        UtteranceList dev = {{"d1", pathIn(dir, "audio/t1.wav"), "再见 hello", 10.0, "s1"},
                             {"d2", pathIn(dir, "audio/t1.wav"), "。", 20.0, "s2"},
                             {"d3", pathIn(dir, "audio/t1.wav"), "见", 30.0, "s1"}};
        writeKaldiDir(root + "/dev", dev);

        const CorpusStats stats = corpusStats(root);
        QCOMPARE(stats.path, root);
        QCOMPARE(stats.splits.size(), size_t(2));
        const SplitStats& t = stats.splits[0];
        QCOMPARE(t.name, std::string("train"));
        QCOMPARE(t.utterances, size_t(4));
        QCOMPARE(t.characters, size_t(2 + 3 + 5 + 1));
        QCOMPARE(t.vocabulary, size_t(7));  // 你 好 吗 H E L O
        QCOMPARE(t.speakers, size_t(0));
        QVERIFY(qAbs(t.hours - 6.0 / 3600) < 1e-9);
        QVERIFY(qAbs(t.minDuration - 1.0) < 1e-9);
        QVERIFY(qAbs(t.maxDuration - 3.0) < 1e-9);
        QVERIFY(qAbs(t.meanDuration - 2.0) < 1e-9);

        const SplitStats& d = stats.splits[1];
        QCOMPARE(d.name, std::string("dev"));
        QCOMPARE(d.utterances, size_t(3));
        QCOMPARE(d.characters, size_t(2 + 5 + 0 + 1));
        QCOMPARE(d.vocabulary, size_t(6));  // 再 见 H E L O
        QCOMPARE(d.speakers, size_t(2));
        QVERIFY(qAbs(d.hours - 60.0 / 3600) < 1e-9);
        QCOMPARE(d.minDuration, 10.0);
        QCOMPARE(d.maxDuration, 30.0);
        QCOMPARE(d.meanDuration, 20.0);

        const SplitStats& all = stats.total;
        QCOMPARE(all.name, std::string("total"));
        QCOMPARE(all.utterances, size_t(7));
        QCOMPARE(all.characters, size_t(19));
        QCOMPARE(all.vocabulary, size_t(9));  // 你 好 吗 再 见 H E L O
        QCOMPARE(all.speakers, size_t(2));
        QVERIFY(qAbs(all.hours - 66.0 / 3600) < 1e-9);
        QVERIFY(qAbs(all.minDuration - 1.0) < 1e-9);
        QCOMPARE(all.maxDuration, 30.0);
        QVERIFY(qAbs(all.meanDuration - 66.0 / 6) < 1e-9);
    }
};

QTEST_GUILESS_MAIN(TestCorpus)
#include "test_corpus.moc"
