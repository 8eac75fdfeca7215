// The runtime's compute threads: every part of a parallel section runs exactly once on one to eight
// threads, a section started inside another runs inline (the attention heads' products did nest, and
// re-entering the pool hung it), an exception in any part reaches the caller, and the count is checked.
#include "core/runtime/error.h"
#include "core/runtime/thread_pool.h"

#include <QTest>

#include <atomic>
#include <stdexcept>
#include <vector>

using namespace espalier::runtime;

class TestThreadPool : public QObject {
    Q_OBJECT
private slots:
    void everyPartOnce()
    {
        for (const int threads : {1, 2, 3, 8}) {
            setComputeThreads(threads);
            for (const int maxParts : {1, 2, 5, 64}) {
                std::vector<std::atomic<int>> hits(static_cast<size_t>(maxParts));
                int seenParts = 0;
                parallelFor(maxParts, [&](int part, int parts) {
                    hits[size_t(part)]++;
                    if (part == 0)
                        seenParts = parts;
                });
                QCOMPARE(seenParts, std::min(threads, maxParts));
                for (int p = 0; p < seenParts; ++p)
                    QCOMPARE(hits[size_t(p)].load(), 1);
            }
        }
        setComputeThreads(1);
    }

    void nestedSectionsRunInline()
    {
        setComputeThreads(3);
        for (int repeat = 0; repeat < 200; ++repeat) {
            std::atomic<int> inner{0}, outer{0};
            parallelFor(3, [&](int, int) {
                ++outer;
                parallelFor(4, [&](int part, int parts) {
                    QCOMPARE(parts, 1);  // inline
                    QCOMPARE(part, 0);
                    ++inner;
                });
            });
            QCOMPARE(outer.load(), 3);
            QCOMPARE(inner.load(), 3);
        }
        setComputeThreads(1);
    }

    void exceptionsReachTheCaller()
    {
        setComputeThreads(3);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, parallelFor(3, [](int part, int) {
            if (part == 2)
                throw std::runtime_error("part 2");
        }));
        // The pool still works afterwards.
        std::atomic<int> n{0};
        parallelFor(3, [&](int, int) { ++n; });
        QCOMPARE(n.load(), 3);
        setComputeThreads(1);
        QVERIFY_THROWS_EXCEPTION(espalier::InputError, setComputeThreads(0));
        QVERIFY_THROWS_EXCEPTION(espalier::InputError, setComputeThreads(257));
    }
};

QTEST_GUILESS_MAIN(TestThreadPool)
#include "test_thread_pool.moc"
