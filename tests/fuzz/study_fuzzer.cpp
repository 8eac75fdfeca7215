// libFuzzer harness: study definitions as users write them (studies/NAME/study.yaml) and the
// command-line forms of their settings and axes. What is read is written back and read again the
// same, and its grid's run ids are derived without a crash. An espalier::Error is a clean refusal.
#include "core/runtime/error.h"
#include "core/study/study.h"
#include "tests/fuzz/fuzz_util.h"

#include <cstdlib>

namespace {

// The run ids of a definition, as Study::runIds makes them (the labels and the mixed-radix order),
// without a project folder: every value's label is derived or given.
void labelsOf(const espalier::study::StudyDefinition& d)
{
    for (const espalier::study::StudyAxis& axis : d.axes)
        for (const espalier::study::AxisValue& v : axis.values)
            if (v.label.empty() && espalier::study::derivedLabel(axis.key, v.yaml).empty())
                std::abort();  // every value needs a non-empty part of the run id
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace espalier;
    const std::string text = fuzzutil::text(data, size);
    try {
        const study::StudyDefinition d = study::StudyDefinition::fromYaml(text, "study.yaml");
        labelsOf(d);
        const study::StudyDefinition again = study::StudyDefinition::fromYaml(d.toYaml(), "written.yaml");
        if (again.toYaml() != d.toYaml() || again.cellCount() != d.cellCount())
            std::abort();  // what we write, we read the same
    } catch (const Error&) {
    }
    try {
        (void)study::axisFromText(text);
    } catch (const Error&) {
    }
    try {
        (void)study::settingFromText(text);
    } catch (const Error&) {
    }
    return 0;
}
