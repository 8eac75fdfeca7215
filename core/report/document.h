#pragma once
// A report as a document of headings, paragraphs, tables and code blocks, independent of the format
// it is rendered to (renderers.h). Text is UTF-8; numbers arrive already formatted.
#include <string>
#include <vector>

namespace espalier::report {

struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // each as long as header
    std::vector<bool> numeric;                   // per column: right-aligned
    std::string caption;
};

struct Block {
    enum class Kind { Heading, Paragraph, Table, Code, Details };
    Kind kind = Kind::Paragraph;
    int level = 2;         // headings: 1 (title) .. 3
    std::string text;      // heading, paragraph or code text; a Details block's summary line
    Table table;
    std::string body;      // a Details block's folded code text
};

struct Document {
    std::string title;
    std::string language = "en";   // "en" or "zh_CN": the HTML lang attribute
    std::vector<Block> blocks;
    int primaryTable = -1;         // index into blocks of the table a CSV export holds; -1: the first table

    void heading(const std::string& text, int level = 2);
    void paragraph(const std::string& text);
    void table(Table table, bool primary = false);
    void code(const std::string& text);
    void details(const std::string& summary, const std::string& body);
};

} // namespace espalier::report
