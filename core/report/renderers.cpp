#include "core/report/renderers.h"

#include "core/eval/display_width.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

namespace espalier::report {

std::string percentText(const std::optional<double>& fraction)
{
    if (!fraction)
        return "";
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %%", *fraction * 100.0);
    return text;
}


namespace {

std::string markdownCell(const std::string& text)
{
    std::string out;
    for (const char ch : text) {
        if (ch == '|')
            out += "\\|";
        else if (ch == '<')
            out += "&lt;";  // a cell's text, not HTML the code host would render
        else if (ch == '&')
            out += "&amp;";
        else if (ch == '\n')
            out += "<br>";
        else
            out += ch;
    }
    return out.empty() ? " " : out;
}

std::string htmlEscape(const std::string& text)
{
    std::string out;
    for (const char ch : text) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += ch;
        }
    }
    return out;
}

std::string csvField(const std::string& text)
{
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string out = "\"";
    for (const char ch : text)
        out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

constexpr const char* kStyle = R"css(
body{font-family:"Noto Sans","Noto Sans CJK SC",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6rem;border-bottom:2px solid #4a7d3a;padding-bottom:.3rem}
h2{font-size:1.25rem;margin-top:2rem;color:#2f5724}
h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.92rem}
th,td{border:1px solid #c9cfc4;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#eef3ea}
td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{caption-side:top;text-align:left;font-weight:600;padding-bottom:.3rem}
pre{background:#f4f5f2;padding:.6rem;overflow-x:auto;font-size:.85rem}
details{margin:.3rem 0}
)css";

} // namespace

std::string renderMarkdown(const Document& document)
{
    std::ostringstream out;
    out << "# " << document.title << "\n\n";
    for (const Block& b : document.blocks) {
        switch (b.kind) {
        case Block::Kind::Heading:
            out << std::string(static_cast<std::size_t>(std::clamp(b.level, 1, 6)), '#') << ' ' << b.text << "\n\n";
            break;
        case Block::Kind::Paragraph:
            out << b.text << "\n\n";
            break;
        case Block::Kind::Code:
            out << "```\n" << b.text << (b.text.empty() || b.text.back() != '\n' ? "\n" : "") << "```\n\n";
            break;
        case Block::Kind::Details:
            out << "<details><summary>" << htmlEscape(b.text) << "</summary>\n\n```\n" << b.body
                << (b.body.empty() || b.body.back() != '\n' ? "\n" : "") << "```\n\n</details>\n\n";
            break;
        case Block::Kind::Table: {
            const Table& t = b.table;
            if (!t.caption.empty())
                out << "**" << t.caption << "**\n\n";
            out << '|';
            for (const auto& h : t.header)
                out << ' ' << markdownCell(h) << " |";
            out << "\n|";
            for (std::size_t c = 0; c < t.header.size(); ++c)
                out << (t.numeric[c] ? " ---: |" : " --- |");
            out << '\n';
            for (const auto& row : t.rows) {
                out << '|';
                for (const auto& cell : row)
                    out << ' ' << markdownCell(cell) << " |";
                out << '\n';
            }
            out << '\n';
            break;
        }
        }
    }
    return out.str();
}

std::string renderHtml(const Document& document)
{
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"" << (document.language == "zh_CN" ? "zh-CN" : "en") << "\">\n<head>\n"
        << "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>" << htmlEscape(document.title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
        << "<h1>" << htmlEscape(document.title) << "</h1>\n";
    for (const Block& b : document.blocks) {
        switch (b.kind) {
        case Block::Kind::Heading: {
            const int level = std::clamp(b.level, 1, 6);
            out << "<h" << level << '>' << htmlEscape(b.text) << "</h" << level << ">\n";
            break;
        }
        case Block::Kind::Paragraph:
            out << "<p>" << htmlEscape(b.text) << "</p>\n";
            break;
        case Block::Kind::Code:
            out << "<pre>" << htmlEscape(b.text) << "</pre>\n";
            break;
        case Block::Kind::Details:
            out << "<details><summary>" << htmlEscape(b.text) << "</summary><pre>" << htmlEscape(b.body)
                << "</pre></details>\n";
            break;
        case Block::Kind::Table: {
            const Table& t = b.table;
            out << "<table>\n";
            if (!t.caption.empty())
                out << "<caption>" << htmlEscape(t.caption) << "</caption>\n";
            out << "<thead><tr>";
            for (const auto& h : t.header)
                out << "<th>" << htmlEscape(h) << "</th>";
            out << "</tr></thead>\n<tbody>\n";
            for (const auto& row : t.rows) {
                out << "<tr>";
                for (std::size_t c = 0; c < row.size(); ++c)
                    out << (t.numeric[c] ? "<td class=\"num\">" : "<td>") << htmlEscape(row[c]) << "</td>";
                out << "</tr>\n";
            }
            out << "</tbody>\n</table>\n";
            break;
        }
        }
    }
    out << "</body>\n</html>\n";
    return out.str();
}

std::string renderCsv(const Document& document)
{
    const Block* primary = nullptr;
    if (document.primaryTable >= 0 && static_cast<std::size_t>(document.primaryTable) < document.blocks.size())
        primary = &document.blocks[static_cast<std::size_t>(document.primaryTable)];
    for (std::size_t i = 0; !primary && i < document.blocks.size(); ++i)
        if (document.blocks[i].kind == Block::Kind::Table)
            primary = &document.blocks[i];
    std::string out = "\xEF\xBB\xBF";  // UTF-8 byte-order mark: spreadsheets then read CJK text right
    if (!primary)
        return out;
    const auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t c = 0; c < cells.size(); ++c)
            out += (c ? "," : "") + csvField(cells[c]);
        out += "\r\n";
    };
    line(primary->table.header);
    for (const auto& row : primary->table.rows)
        line(row);
    return out;
}

std::string renderTextTable(const Table& table)
{
    std::vector<int> widths(table.header.size(), 0);
    const auto measure = [&](const std::vector<std::string>& cells) {
        for (std::size_t c = 0; c < cells.size() && c < widths.size(); ++c)
            widths[c] = std::max(widths[c], eval::displayWidth(cells[c]));
    };
    measure(table.header);
    for (const auto& row : table.rows)
        measure(row);
    std::string out;
    const auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (std::size_t c = 0; c < cells.size() && c < widths.size(); ++c) {
            const std::string pad(static_cast<std::size_t>(widths[c] - eval::displayWidth(cells[c])), ' ');
            const bool right = c < table.numeric.size() && table.numeric[c];
            text += (c ? "  " : "") + (right ? pad + cells[c] : cells[c] + (c + 1 < cells.size() ? pad : ""));
        }
        out += text + "\n";
    };
    line(table.header);
    for (const auto& row : table.rows)
        line(row);
    return out;
}

Format formatOfPath(const std::string& path)
{
    const auto dot = path.find_last_of('.');
    std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == "md" || ext == "markdown")
        return Format::Markdown;
    if (ext == "html" || ext == "htm")
        return Format::Html;
    if (ext == "csv")
        return Format::Csv;
    throw InputError("--out " + path + ": cannot tell the report format from the extension (use .md, .html or .csv)");
}

std::string render(const Document& document, Format format)
{
    switch (format) {
    case Format::Markdown: return renderMarkdown(document);
    case Format::Html: return renderHtml(document);
    case Format::Csv: return renderCsv(document);
    }
    return {};
}

} // namespace espalier::report
