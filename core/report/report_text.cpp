#include "core/report/report_text.h"

#include "core/runtime/error.h"

#include <map>

namespace espalier::report {

namespace {

const std::map<std::string, std::string>& chinese()
{
    static const std::map<std::string, std::string> words{
        {"Espalier report", "Espalier 报告"},
        {"Project", "项目"},
        {"Generated", "生成时间"},
        {"Summary", "结果对比"},
        {"Metric", "指标"},
        {"baseline", "基线"},
        {"Change against the baseline in brackets (percentage points for CER and sparsity). Lower CER is better.",
         "括号内为相对基线的变化（CER 与稀疏度以百分点计）。CER 越低越好。"},
        {"What differs", "配置差异"},
        {"Only the settings whose values differ between the compared runs.", "只列出各运行之间取值不同的设置。"},
        {"The compared runs have the same settings.", "所比较的运行配置相同。"},
        {"Setting", "设置"},
        {"Runs", "运行"},
        {"Run", "运行"},
        {"Kind", "类型"},
        {"Model", "模型"},
        {"Precision", "精度"},
        {"State", "状态"},
        {"Steps", "步数"},
        {"Tags", "标签"},
        {"Note", "备注"},
        {"Configuration", "配置"},
        {"Reproduce", "复现"},
        {"Each run again, from its resolved config:", "用每个运行的完整配置重新运行："},
        {"Problems", "问题"},
        {"These run folders could not be read fully:", "以下运行目录未能完整读取："},
        {"Best dev CER", "最佳开发集 CER"},
        {"Sparsity", "稀疏度"},
        {"CER", "CER"},
        {"mean ± standard deviation over seeds", "多个随机种子的均值 ± 标准差"},
        {"Runs compared", "对比的运行"},
        {"train", "训练"},
        {"prune", "剪枝"},
        {"finished", "已完成"},
        {"stopped", "已停止"},
        {"empty", "未开始"},
        {"Environment", "运行环境"},
        {"Compiler", "编译器"},
        {"Launched by", "启动程序"},
        {"CPU", "CPU"},
        {"Instruction sets", "指令集"},
        {"Started", "开始"},
        {"Ended", "结束"},
        {"Launches", "启动记录"},
        {"cores", "核"},
        {"running", "运行中"},
        {"failed", "失败"},
        {"These runs were made before Espalier recorded its environment (run.json).",
         "这些运行产生于 Espalier 记录运行环境（run.json）之前。"},
        {"as they were launched", "当时的启动命令"},
    };
    return words;
}

} // namespace

std::string text(const std::string& language, const std::string& english)
{
    if (language == "zh_CN") {
        const auto it = chinese().find(english);
        if (it != chinese().end())
            return it->second;
    }
    return english;
}

void checkLanguage(const std::string& language)
{
    if (language != "en" && language != "zh_CN")
        throw InputError("--language: no report language '" + language + "' (use en or zh_CN)");
}

} // namespace espalier::report
