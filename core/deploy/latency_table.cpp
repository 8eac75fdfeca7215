#include "core/deploy/latency_table.h"

#include <algorithm>
#include <cstdio>

namespace espalier::deploy {

LatencyTable buildLatencyTable(const BenchSession& session,
                               const std::map<std::string, std::map<std::string, double>>& cers)
{
    LatencyTable t;
    t.device = session.device;
    for (const BenchModel& m : session.models)
        t.models.push_back(m.label);
    t.inputs = session.inputNames();
    for (const std::string& input : t.inputs) {
        std::vector<LatencyCell> row;
        for (const std::string& model : t.models) {
            LatencyCell c;
            const runtime::LatencySummary s = session.summary(model, input);
            c.medianMs = s.median;
            c.p90Ms = s.p90;
            c.samples = s.count;
            const auto m = cers.find(model);
            if (m != cers.end()) {
                const auto v = m->second.find(input);
                if (v != m->second.end())
                    c.cer = v->second;
            }
            row.push_back(c);
        }
        if (!row.empty() && row[0].samples > 0 && row[0].medianMs > 0)
            for (LatencyCell& c : row)
                if (c.samples > 0)
                    c.ratio = c.medianMs / row[0].medianMs;
        t.cells.push_back(row);
    }
    return t;
}

std::string formatLatencyTable(const LatencyTable& t)
{
    auto pad = [](std::string s, size_t width) {
        // Widths in bytes; labels are ASCII in practice, and the table stays readable when not.
        if (s.size() < width)
            s += std::string(width - s.size(), ' ');
        return s;
    };
    size_t inputWidth = 6;
    for (const std::string& i : t.inputs)
        inputWidth = std::max(inputWidth, i.size() + 2);
    std::string out = "device " + t.device + "\n" + pad("input", inputWidth);
    for (const std::string& m : t.models)
        out += pad(m, 30);
    out += "\n";
    for (size_t r = 0; r < t.inputs.size(); ++r) {
        out += pad(t.inputs[r], inputWidth);
        for (const LatencyCell& c : t.cells[r]) {
            char buf[96];
            std::string cell;
            if (c.cer) {
                std::snprintf(buf, sizeof buf, "CER %.2f %%  ", 100.0 * *c.cer);
                cell += buf;
            }
            if (c.samples > 0) {
                std::snprintf(buf, sizeof buf, "%.1f ms", c.medianMs);
                cell += buf;
                if (c.ratio && c.ratio != 1.0) {
                    std::snprintf(buf, sizeof buf, " (%.2fx)", *c.ratio);
                    cell += buf;
                }
            } else {
                cell += "-";
            }
            out += pad(cell, 30);
        }
        out += "\n";
    }
    return out;
}

} // namespace espalier::deploy
