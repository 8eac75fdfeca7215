#pragma once
// A report document rendered to text formats: Markdown that renders on a code host (GitHub-style
// tables, folded details), one self-contained HTML file (inline style, nothing fetched), and CSV of
// its primary table (RFC 4180, UTF-8 with a byte-order mark so spreadsheets read CJK text).
#include "core/report/document.h"

#include <optional>
#include <string>

namespace espalier::report {

// A fraction as a percentage with two decimals ("12.34 %"); "" for none. Tables and terminals alike.
std::string percentText(const std::optional<double>& fraction);

std::string renderMarkdown(const Document& document);
std::string renderHtml(const Document& document);
std::string renderCsv(const Document& document);
// One table as aligned plain text for a terminal (East Asian wide characters count two columns).
std::string renderTextTable(const Table& table);

enum class Format { Markdown, Html, Csv };
// The format an output path's extension names (.md, .html/.htm, .csv); throws InputError otherwise.
Format formatOfPath(const std::string& path);
std::string render(const Document& document, Format format);

} // namespace espalier::report
