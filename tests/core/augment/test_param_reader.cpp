#include "core/augment/applied_op.h"
#include "core/augment/op.h"
#include "core/runtime/error.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace espalier;
using namespace espalier::augment;

Q_DECLARE_METATYPE(espalier::augment::ParamValue)

namespace {

std::vector<ParamSpec> testSpecs()
{
    ParamSpec rate{"rate", ParamSpec::Kind::Number, "a rate", 0.0, 10.0, {}, 2.5, false};
    ParamSpec count{"count", ParamSpec::Kind::Integer, "a count", 1, 100, {}, 3.0, false};
    ParamSpec colour{"colour", ParamSpec::Kind::Choice, "a colour", 0, 0, {"red", "green"}, std::string("red"), false};
    ParamSpec kinds{"kinds", ParamSpec::Kind::ChoiceList, "kinds", 0, 0, {"a", "b", "c"},
                    std::vector<std::string>{"a", "b"}, false};
    ParamSpec span{"span", ParamSpec::Kind::NumberList, "a range", -5, 5, {}, std::vector<double>{-1, 1}, false};
    ParamSpec free{"free", ParamSpec::Kind::NumberList, "unbounded", 0, 0, {}, std::vector<double>{}, false};
    ParamSpec file{"file", ParamSpec::Kind::Path, "a path", 0, 0, {}, std::string(), false};
    return {rate, count, colour, kinds, span, free, file};
}

OpContext testContext()
{
    OpContext c;
    c.where = "p.yaml: op 2 (test)";
    c.baseDir = "/data/pipelines";
    return c;
}

// Runs f, expecting an InputError whose message starts with the context and names field.
template <class F>
void expectError(F f, const QString& field)
{
    try {
        f();
        QFAIL(qPrintable("no error for field " + field));
    } catch (const InputError& e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(message.startsWith("p.yaml: op 2 (test): "), qPrintable(message));
        QVERIFY2(message.contains("'" + field + "'"), qPrintable(message));
    }
}

class TrivialOp : public Op {
public:
    std::string type() const override { return "trivial"; }
    Domain domain() const override { return Domain::Waveform; }
    ParamMap params() const override { return {}; }
    AppliedOp draw(const Signal&, runtime::SeededRandom&) const override { return {}; }
    void apply(Signal&, AppliedOp&) const override {}
};

} // namespace

class TestParamReader : public QObject {
    Q_OBJECT

private slots:
    void defaultsWhenUnset()
    {
        const auto specs = testSpecs();
        const auto context = testContext();
        const ParamMap params;
        const ParamReader r(params, context, specs);
        QCOMPARE(r.number("rate"), 2.5);
        QCOMPARE(r.integer("count"), 3);
        QCOMPARE(QString::fromStdString(r.choice("colour")), QString("red"));
        QCOMPARE(r.choices("kinds"), (std::vector<std::string>{"a", "b"}));
        QCOMPARE(r.range("span"), std::make_pair(-1.0, 1.0));
        QVERIFY(r.numbers("free").empty());
        QCOMPARE(QString::fromStdString(r.path("file")), QString());
        QVERIFY(!r.has("rate"));
    }

    void givenValues()
    {
        const auto specs = testSpecs();
        const auto context = testContext();
        const ParamMap params{{"rate", 7.0},
                              {"count", std::vector<double>{42}},
                              {"colour", std::string("green")},
                              {"kinds", std::string("c")},
                              {"span", 4.0},
                              {"free", std::vector<std::string>{"1.5", "-2e3"}},
                              {"file", std::string("noise/list.txt")}};
        const ParamReader r(params, context, specs);
        QVERIFY(r.has("rate"));
        QCOMPARE(r.number("rate"), 7.0);
        QCOMPARE(r.integer("count"), 42);
        QCOMPARE(QString::fromStdString(r.choice("colour")), QString("green"));
        QCOMPARE(r.choices("kinds"), (std::vector<std::string>{"c"}));
        QCOMPARE(r.range("span"), std::make_pair(4.0, 4.0));  // one number means [x, x]
        QCOMPARE(r.numbers("free"), (std::vector<double>{1.5, -2000.0}));
        QCOMPARE(QString::fromStdString(r.path("file")), QString("/data/pipelines/noise/list.txt"));
    }

    void absolutePathKept()
    {
        const auto specs = testSpecs();
        const auto context = testContext();
        const ParamMap params{{"file", std::string("/abs/x.wav")}};
        QCOMPARE(QString::fromStdString(ParamReader(params, context, specs).path("file")), QString("/abs/x.wav"));
    }

    void unknownKeyListsKnown()
    {
        const auto specs = testSpecs();
        const auto context = testContext();
        const ParamMap params{{"rat", 1.0}};
        try {
            ParamReader r(params, context, specs);
            QFAIL("unknown key accepted");
        } catch (const InputError& e) {
            const QString m = e.what();
            QVERIFY2(m.startsWith("p.yaml: op 2 (test): unknown parameter 'rat'"), qPrintable(m));
            QVERIFY2(m.contains("rate, count, colour, kinds, span, free, file"), qPrintable(m));
        }
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<ParamValue>("value");
        QTest::addColumn<QString>("expect");  // a word the message must contain
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        QTest::newRow("rate NaN") << "rate" << ParamValue(nan) << "finite";
        QTest::newRow("rate inf") << "rate" << ParamValue(inf) << "finite";
        QTest::newRow("rate negative") << "rate" << ParamValue(-1.0) << "[0, 10]";
        QTest::newRow("rate above") << "rate" << ParamValue(11.0) << "[0, 10]";
        QTest::newRow("rate list") << "rate" << ParamValue(std::vector<double>{1, 2}) << "single number";
        QTest::newRow("rate text") << "rate" << ParamValue(std::string("fast")) << "fast";
        QTest::newRow("count fraction") << "count" << ParamValue(2.5) << "whole";
        QTest::newRow("colour unknown") << "colour" << ParamValue(std::string("blue")) << "red, green";
        QTest::newRow("colour number") << "colour" << ParamValue(1.0) << "a number";
        QTest::newRow("kinds unknown") << "kinds" << ParamValue(std::vector<std::string>{"a", "z"}) << "'z'";
        QTest::newRow("span reversed") << "span" << ParamValue(std::vector<double>{2, 1}) << "lo <= hi";
        QTest::newRow("span three") << "span" << ParamValue(std::vector<double>{1, 2, 3}) << "two numbers";
        QTest::newRow("span empty") << "span" << ParamValue(std::vector<double>{}) << "two numbers";
        QTest::newRow("span NaN") << "span" << ParamValue(std::vector<double>{nan, 1}) << "finite";
        QTest::newRow("span out") << "span" << ParamValue(std::vector<double>{-9, 1}) << "[-5, 5]";
        QTest::newRow("file number") << "file" << ParamValue(3.0) << "path";
    }

    void rejects()
    {
        QFETCH(QString, field);
        QFETCH(ParamValue, value);
        QFETCH(QString, expect);
        const auto specs = testSpecs();
        const auto context = testContext();
        const ParamMap params{{field.toStdString(), value}};
        const ParamReader r(params, context, specs);
        const std::string name = field.toStdString();
        try {
            for (const auto& s : specs) {
                if (s.name != name) continue;
                switch (s.kind) {
                case ParamSpec::Kind::Number: r.number(name); break;
                case ParamSpec::Kind::Integer: r.integer(name); break;
                case ParamSpec::Kind::Choice: r.choice(name); break;
                case ParamSpec::Kind::ChoiceList: r.choices(name); break;
                case ParamSpec::Kind::NumberList: r.range(name); break;
                case ParamSpec::Kind::Path: r.path(name); break;
                }
            }
            QFAIL("accepted");
        } catch (const InputError& e) {
            const QString m = e.what();
            QVERIFY2(m.startsWith("p.yaml: op 2 (test): '" + field + "'"), qPrintable(m));
            QVERIFY2(m.contains(expect), qPrintable(m));
        }
    }

    void requiredField()
    {
        auto specs = testSpecs();
        specs[0].required = true;
        const auto context = testContext();
        expectError([&] { ParamReader r(ParamMap{}, context, specs); }, "rate");
    }

    void probability()
    {
        TrivialOp op;
        QCOMPARE(op.probability(), 1.0);
        op.setProbability(0.25);
        QCOMPARE(op.probability(), 0.25);
        for (double bad : {-0.1, 1.01, std::numeric_limits<double>::quiet_NaN()}) {
            QVERIFY_THROWS_EXCEPTION(InputError, op.setProbability(bad));
            QCOMPARE(op.probability(), 0.25);
        }
    }

    void appliedOpHelpers()
    {
        AppliedOp a;
        a.type = "noise";
        QVERIFY(!a.hasValue("snr_db"));
        QCOMPARE(a.value("snr_db", -1.0), -1.0);
        a.set("snr_db", 12.5);
        a.set("snr_db", 12.25);  // replaces
        QCOMPARE(int(a.values.size()), 1);
        QCOMPARE(a.value("snr_db", 0), 12.25);
        a.setLabel("noise", "pink");
        QCOMPARE(QString::fromStdString(a.label("noise")), QString("pink"));
        QCOMPARE(QString::fromStdString(a.label("file")), QString());
    }

    void summaries_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("expected");
        QTest::newRow("speed") << "speed" << QString::fromUtf8("speed ×1.10");
        QTest::newRow("noise") << "noise" << "noise pink @ 12.5 dB";
        QTest::newRow("gain") << "gain" << "gain -3.0 dB";
        QTest::newRow("reverb") << "reverb" << "reverb RT60 0.45 s";
        QTest::newRow("masks") << "spec_augment" << "spec_augment: 2 freq masks, 1 time mask";
        QTest::newRow("generic") << "other" << "other: width=3, kind=x";
        QTest::newRow("skipped") << "skipped" << "gain: skipped";
    }

    void summaries()
    {
        QFETCH(QString, type);
        QFETCH(QString, expected);
        AppliedOp a;
        a.type = type.toStdString();
        if (type == "speed") a.set("factor", 1.1);
        if (type == "noise") {
            a.set("snr_db", 12.5);
            a.setLabel("noise", "pink");
            a.set("noise_seed", 1234);
        }
        if (type == "gain") a.set("gain_db", -3);
        if (type == "reverb") a.set("rt60", 0.45);
        if (type == "spec_augment") {
            a.masks = {{MaskAxis::Frequency, 3, 5}, {MaskAxis::Frequency, 40, 2}, {MaskAxis::Time, 10, 20}};
        }
        if (type == "other") {
            a.set("width", 3);
            a.set("x_measured", 0.5);  // measurements are not part of the line
            a.setLabel("kind", "x");
        }
        if (type == "skipped") {
            a.type = "gain";
            a.applied = false;
        }
        QCOMPARE(QString::fromStdString(a.summary()), expected);
    }
};

QTEST_APPLESS_MAIN(TestParamReader)
#include "test_param_reader.moc"
