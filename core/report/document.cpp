#include "core/report/document.h"

namespace espalier::report {

void Document::heading(const std::string& text, int level)
{
    Block b;
    b.kind = Block::Kind::Heading;
    b.level = level;
    b.text = text;
    blocks.push_back(std::move(b));
}

void Document::paragraph(const std::string& text)
{
    Block b;
    b.kind = Block::Kind::Paragraph;
    b.text = text;
    blocks.push_back(std::move(b));
}

void Document::table(Table t, bool primary)
{
    t.numeric.resize(t.header.size(), false);
    for (auto& row : t.rows)
        row.resize(t.header.size());
    Block b;
    b.kind = Block::Kind::Table;
    b.table = std::move(t);
    if (primary)
        primaryTable = static_cast<int>(blocks.size());
    blocks.push_back(std::move(b));
}

void Document::code(const std::string& text)
{
    Block b;
    b.kind = Block::Kind::Code;
    b.text = text;
    blocks.push_back(std::move(b));
}

void Document::details(const std::string& summary, const std::string& body)
{
    Block b;
    b.kind = Block::Kind::Details;
    b.text = summary;
    b.body = body;
    blocks.push_back(std::move(b));
}

} // namespace espalier::report
