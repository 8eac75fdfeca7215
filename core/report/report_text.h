#pragma once
// The words of a report in the reader's language. The engine has no Qt, so reports carry their own
// small catalogue: English is the key, Simplified Chinese ("zh_CN") its translation.
#include <string>

namespace espalier::report {

// English text in `language` ("en" or "zh_CN"); the English itself when there is no translation.
std::string text(const std::string& language, const std::string& english);
// Whether a language is one reports are written in; throws InputError naming --language otherwise.
void checkLanguage(const std::string& language);

} // namespace espalier::report
