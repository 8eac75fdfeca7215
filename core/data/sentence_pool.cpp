#include "core/data/sentence_pool.h"

#include "core/data/utf8.h"
#include "core/runtime/error.h"

#include <functional>
#include <map>
#include <stdexcept>

namespace espalier::data {

const EnumNames<SentenceKind>& sentenceKindNames()
{
    static const EnumNames<SentenceKind> names{{SentenceKind::Command, "command"},
                                               {SentenceKind::Number, "number"},
                                               {SentenceKind::DateTime, "datetime"},
                                               {SentenceKind::Everyday, "everyday"}};
    return names;
}

namespace {

const char* const kDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

// 1..9999 in characters, with 零 for inner gaps (1005 → 一千零五).
std::string section(int x)
{
    static const char* const units[] = {"", "十", "百", "千"};
    static const int powers[] = {1, 10, 100, 1000};
    std::string out;
    bool gap = false;
    for (int pos = 3; pos >= 0; --pos) {
        const int d = (x / powers[pos]) % 10;
        if (d == 0) {
            gap = !out.empty();
            continue;
        }
        if (gap)
            out += kDigits[0];
        gap = false;
        out += kDigits[d];
        out += units[pos];
    }
    return out;
}

bool startsWith(const std::string& text, const std::string& prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

std::string hanziNumber(long long n)
{
    if (n < 0 || n >= 1000000000000LL)
        throw InputError("hanziNumber: " + std::to_string(n) + " is outside 0..999999999999");
    if (n == 0)
        return kDigits[0];
    const long long groups[] = {n / 100000000LL, (n / 10000) % 10000, n % 10000};
    const char* const bigUnits[] = {"亿", "万", ""};
    std::string out;
    bool gap = false;
    for (int g = 0; g < 3; ++g) {
        const int value = int(groups[g]);
        if (value == 0) {
            gap = !out.empty();
            continue;
        }
        if (!out.empty() && (gap || value < 1000))
            out += kDigits[0];
        gap = false;
        out += section(value);
        out += bigUnits[g];
    }
    if (startsWith(out, "一十"))
        out.erase(0, std::string("一").size());
    for (const char* unit : {"千", "万", "亿"}) {
        if (startsWith(out, std::string("二") + unit)) {
            out.replace(0, std::string("二").size(), "两");
            break;
        }
    }
    return out;
}

std::string hanziDigits(const std::string& digits, bool yaoForOne)
{
    std::string out;
    for (char c : digits) {
        if (c < '0' || c > '9')
            throw InputError("hanziDigits: '" + digits + "' has a character that is not a digit");
        out += (yaoForOne && c == '1') ? "幺" : kDigits[c - '0'];
    }
    return out;
}

namespace {

using Random = SeededRandom;
using Words = std::vector<std::string>;
using Filler = std::function<std::string(Random&)>;

// A count before a measure word: 两 for 2 (两张, 两斤).
std::string countReading(int n)
{
    return n == 2 ? "两" : hanziNumber(n);
}

std::string hourReading(int hour)
{
    return hour == 2 ? "两" : hanziNumber(hour);
}

// Minutes after the hour: 5 → 零五分, 30 → 三十分.
std::string minuteReading(int minute)
{
    return (minute < 10 ? kDigits[0] : "") + hanziNumber(minute) + "分";
}

std::string digitString(Random& r, int length, bool leadingNonZero)
{
    std::string s;
    for (int i = 0; i < length; ++i)
        s += char('0' + (i == 0 && leadingNonZero ? r.between(1, 9) : r.between(0, 9)));
    return s;
}

Filler words(Words list)
{
    return [list = std::move(list)](Random& r) { return r.pick(list); };
}

const std::map<std::string, Filler>& fillers()
{
    static const std::map<std::string, Filler> table = [] {
        std::map<std::string, Filler> f;
        f["room"] = words({"客厅", "卧室", "厨房", "书房", "阳台", "卫生间", "餐厅", "儿童房", "主卧", "次卧", "走廊",
                           "车库", "玄关", "客房"});
        f["light"] = words({"灯", "台灯", "吊灯", "灯带", "床头灯", "吸顶灯", "落地灯", "壁灯"});
        f["appliance"] = words({"空调", "电视", "风扇", "加湿器", "空气净化器", "热水器", "洗衣机", "扫地机器人", "窗帘",
                                "音响", "电饭煲", "电暖器", "投影仪", "除湿机", "洗碗机"});
        f["open"] = words({"打开", "关闭", "关掉", "开启", "帮我打开", "帮我关掉"});
        f["onOff"] = words({"打开", "关上", "关掉", "关了", "打开吧"});
        f["mode"] = words({"制冷模式", "制热模式", "睡眠模式", "自动模式", "静音模式", "节能模式", "除湿模式"});
        f["adjust"] = words({"调亮一点", "调暗一点", "调亮一些", "调暗一些"});
        f["city"] = words({"北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆", "天津", "苏州",
                           "长沙", "郑州", "青岛", "厦门", "昆明", "大连", "哈尔滨", "沈阳", "南宁", "合肥", "福州",
                           "济南", "贵阳", "兰州", "拉萨", "乌鲁木齐"});
        f["place"] = words({"最近的加油站", "火车站", "机场", "人民医院", "市图书馆", "最近的超市", "公司", "学校",
                            "体育馆", "地铁站", "停车场", "电影院", "银行", "邮局", "动物园", "博物馆"});
        f["person"] = words({"妈妈", "爸爸", "爷爷", "奶奶", "外婆", "外公", "老王", "小李", "张老师", "李医生", "哥哥",
                             "姐姐", "弟弟", "妹妹", "王经理", "刘阿姨", "陈师傅", "赵同学"});
        f["genre"] = words({"轻音乐", "流行歌曲", "儿歌", "古典音乐", "摇滚乐", "民谣", "相声", "评书", "新闻", "京剧",
                            "钢琴曲", "有声小说"});
        f["food"] = words({"火锅", "饺子", "面条", "米饭", "包子", "烤鸭", "炒饭", "馄饨", "汤圆", "粽子", "凉皮",
                           "麻辣烫", "小笼包", "烧烤"});
        f["task"] = words({"开会", "吃药", "取快递", "交电费", "给妈妈打电话", "接孩子", "去健身", "买菜", "浇花",
                           "写周报", "还书", "交作业", "关窗户", "喝水"});
        f["weekday"] = words({"星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期天", "周一", "周二", "周三",
                              "周四", "周五", "周六", "周日"});
        f["weekdayShort"] = words({"一", "二", "三", "四", "五", "六", "日"});
        f["dayref"] = words({"今天", "明天", "后天", "下周一", "这个周末", "明天晚上", "今天下班后"});
        f["partday"] = words({"早上", "上午", "中午", "下午", "傍晚", "晚上", "凌晨"});
        f["ticket"] = words({"火车票", "机票", "高铁票", "船票"});
        f["fixedCommand"] = words({"关闭所有的灯", "打开全屋的灯", "暂停播放", "继续播放", "播放下一首", "播放上一首",
                                   "音量大一点", "声音小一点", "把灯光调暗一点", "把亮度调到最高", "打开扫地机器人",
                                   "窗帘拉开一半", "停止计时", "今天有什么新闻", "明天早上叫我起床", "取消所有的闹钟",
                                   "帮我查一下快递", "讲一个笑话", "讲一个故事", "现在几点了", "今天星期几"});
        f["fixedEveryday"] = words({
            "今天天气真不错", "谢谢你的帮助", "我想喝一杯热茶", "请问洗手间在哪里", "我们明天一起去公园吧",
            "这个周末有什么安排", "晚饭已经准备好了", "路上注意安全", "祝你生日快乐", "新年快乐万事如意",
            "请把门关上", "我有点累了想休息一下", "这家餐厅的菜很好吃", "你最近身体怎么样", "外面正在下大雨",
            "记得带上雨伞", "孩子们在院子里玩", "我明天要早点起床", "这本书非常有意思", "请帮我倒一杯水",
            "我们坐地铁去吧", "电梯暂时停止使用", "会议马上就要开始了", "请大家保持安静", "我对这个结果很满意",
            "你能再说一遍吗", "我没有听清楚", "欢迎来到我们的城市", "他每天早上都去跑步", "周末我们去爬山吧",
            "超市里的人太多了", "这件事情我来处理", "明天的考试一定要加油", "奶奶在厨房里包饺子", "窗外的风景很美",
            "我们一起去看电影吧", "请问附近有银行吗", "这个问题有点复杂", "今天的工作都完成了", "火车马上就要进站了",
            "别忘了给花浇水", "小猫在沙发上睡觉", "春天来了花都开了", "请出示您的车票", "祝你一路顺风",
            "我想学习弹钢琴", "他说话的声音很好听", "晚上早点休息", "这道菜有点辣", "谢谢你请我吃饭",
            "我们下个月去旅游", "天气预报说明天有雪", "对不起我来晚了", "没关系下次注意就好", "你好很高兴认识你",
            "请慢慢说不要着急", "这里的空气很新鲜", "图书馆里不能大声说话", "大家辛苦了", "路上堵车了"});

        f["temp"] = [](Random& r) { return hanziNumber(r.between(16, 30)); };
        f["signedTemp"] = [](Random& r) {
            const int t = r.between(-15, 40);
            return t < 0 ? "零下" + hanziNumber(-t) : hanziNumber(t);
        };
        f["pct"] = [](Random& r) { return hanziNumber(10 * r.between(1, 10)); };
        f["minutes"] = [](Random& r) { return hanziNumber(r.between(1, 60)); };
        f["phone"] = [](Random& r) {
            static const Words prefixes = {"13", "15", "17", "18", "19"};
            return hanziDigits(r.pick(prefixes) + digitString(r, 9, false), true);
        };
        f["code"] = [](Random& r) { return hanziDigits(digitString(r, r.between(4, 6), false), true); };
        f["roomNo"] = [](Random& r) { return hanziDigits(digitString(r, r.between(3, 4), true), true); };
        f["floor"] = [](Random& r) { return hanziNumber(r.between(1, 30)); };
        f["amount"] = [](Random& r) {
            static const Words units = {"元", "块", "块钱"};
            const int kind = r.between(0, 3);
            if (kind == 0)  // 十二块五
                return hanziNumber(r.between(1, 99)) + "块" + hanziNumber(r.between(1, 9));
            const int value = kind == 1 ? r.between(1, 100) : kind == 2 ? r.between(100, 9999) : 100 * r.between(1, 99);
            return (value == 2 ? std::string("两") : hanziNumber(value)) + r.pick(units);
        };
        f["purchase"] = [](Random& r) {
            static const std::vector<std::pair<std::string, Words>> items = {
                {"斤", {"苹果", "香蕉", "橘子", "大米", "猪肉", "白菜", "土豆", "西红柿", "葡萄"}},
                {"个", {"西瓜", "鸡蛋", "面包", "馒头", "杯子"}},
                {"瓶", {"牛奶", "矿泉水", "酱油", "啤酒"}},
                {"本", {"书", "杂志", "笔记本"}},
                {"袋", {"面粉", "洗衣粉", "薯片"}},
            };
            const auto& group = r.pick(items);
            const int n = r.between(1, 12);
            return countReading(n) + group.first + r.pick(group.second);
        };
        f["ticketCount"] = [](Random& r) { return countReading(r.between(1, 5)); };
        f["family"] = [](Random& r) { return countReading(r.between(2, 8)); };
        f["distance"] = [](Random& r) { return hanziNumber(r.between(1, 300)); };
        f["busNo"] = [](Random& r) { return hanziNumber(r.between(1, 999)); };
        f["page"] = [](Random& r) { return hanziNumber(r.between(1, 500)); };
        f["age"] = [](Random& r) { return hanziNumber(r.between(3, 99)); };
        f["score"] = [](Random& r) { return hanziNumber(r.between(0, 30)); };
        f["scoreHundred"] = [](Random& r) { return hanziNumber(r.between(40, 100)); };
        f["days"] = [](Random& r) { return hanziNumber(r.between(2, 365)); };
        f["hours"] = [](Random& r) { return countReading(r.between(1, 10)); };
        f["year"] = [](Random& r) {
            const int year = r.between(0, 3) == 0 ? r.between(1950, 1999) : r.between(2000, 2035);
            return hanziDigits(std::to_string(year));
        };
        f["month"] = [](Random& r) { return hanziNumber(r.between(1, 12)); };
        f["day"] = [](Random& r) { return hanziNumber(r.between(1, 28)); };
        f["clock"] = [](Random& r) {
            std::string out = hourReading(r.between(1, 12)) + "点";
            switch (r.between(0, 5)) {
            case 0: return out;
            case 1: return out + "整";
            case 2: return out + "半";
            case 3: return out + (r.between(0, 1) ? "一刻" : "三刻");
            default: return out + minuteReading(5 * r.between(1, 11));
            }
        };
        f["clock24"] = [](Random& r) {
            const int minute = 5 * r.between(0, 11);
            return hanziNumber(r.between(0, 23)) + "点" + (minute == 0 ? std::string("整") : minuteReading(minute));
        };
        return f;
    }();
    return table;
}

using Kind = SentenceKind;

const std::vector<SentencePool::Template>& builtInTemplates()
{
    static const std::vector<SentencePool::Template> templates = {
        // Voice-assistant commands.
        {Kind::Command, 6, "{open}{room}的{light}"},
        {Kind::Command, 5, "把{room}的{light}{onOff}"},
        {Kind::Command, 5, "{open}{room}的{appliance}"},
        {Kind::Command, 4, "把{room}的{appliance}{onOff}"},
        {Kind::Command, 4, "把空调调到{temp}度"},
        {Kind::Command, 3, "把{room}的空调调到{temp}度"},
        {Kind::Command, 2, "空调温度调到{temp}度"},
        {Kind::Command, 3, "把{appliance}调到{mode}"},
        {Kind::Command, 3, "把{room}的{light}{adjust}"},
        {Kind::Command, 2, "音量调到百分之{pct}"},
        {Kind::Command, 2, "亮度调到百分之{pct}"},
        {Kind::Command, 1, "把窗帘打开百分之{pct}"},
        {Kind::Command, 2, "播放{genre}"},
        {Kind::Command, 2, "我想听{genre}"},
        {Kind::Command, 1, "来一首{genre}"},
        {Kind::Command, 3, "{city}今天天气怎么样"},
        {Kind::Command, 2, "{dayref}{city}会下雨吗"},
        {Kind::Command, 2, "导航到{place}"},
        {Kind::Command, 2, "去{place}怎么走"},
        {Kind::Command, 4, "{fixedCommand}"},
        // Numbers.
        {Kind::Number, 3, "拨打{phone}"},
        {Kind::Number, 3, "我的手机号是{phone}"},
        {Kind::Number, 2, "给{person}打电话"},
        {Kind::Number, 2, "验证码是{code}"},
        {Kind::Number, 1, "房间号是{roomNo}"},
        {Kind::Number, 1, "请到{floor}楼{roomNo}房间"},
        {Kind::Number, 3, "转账{amount}给{person}"},
        {Kind::Number, 2, "给{person}转{amount}"},
        {Kind::Number, 2, "这件衣服{amount}"},
        {Kind::Number, 2, "一共消费了{amount}"},
        {Kind::Number, 1, "账户余额还有{amount}"},
        {Kind::Number, 3, "帮我买{purchase}"},
        {Kind::Number, 2, "帮我订{ticketCount}张去{city}的{ticket}"},
        {Kind::Number, 1, "我家有{family}口人"},
        {Kind::Number, 1, "这个月跑了{distance}公里"},
        {Kind::Number, 1, "{busNo}路公交车马上到站"},
        {Kind::Number, 1, "请翻到第{page}页"},
        {Kind::Number, 1, "我今年{age}岁了"},
        {Kind::Number, 2, "{city}今天最高气温{signedTemp}度"},
        {Kind::Number, 2, "定一个{minutes}分钟的倒计时"},
        {Kind::Number, 1, "{minutes}分钟后提醒我{task}"},
        {Kind::Number, 1, "比分是{score}比{score}"},
        {Kind::Number, 1, "这次考试考了{scoreHundred}分"},
        // Dates and times.
        {Kind::DateTime, 3, "{year}年{month}月{day}日"},
        {Kind::DateTime, 2, "今天是{month}月{day}号{weekday}"},
        {Kind::DateTime, 2, "我的生日是{month}月{day}号"},
        {Kind::DateTime, 2, "会议改到{month}月{day}日{partday}{clock}"},
        {Kind::DateTime, 1, "{year}年{month}月{day}日是{weekday}"},
        {Kind::DateTime, 1, "合同在{year}年{month}月到期"},
        {Kind::DateTime, 2, "{partday}{clock}"},
        {Kind::DateTime, 2, "现在是{partday}{clock}"},
        {Kind::DateTime, 2, "设置一个{dayref}{partday}{clock}的闹钟"},
        {Kind::DateTime, 2, "{dayref}{partday}{clock}提醒我{task}"},
        {Kind::DateTime, 1, "火车{dayref}{partday}{clock}出发"},
        {Kind::DateTime, 1, "航班{partday}{clock}起飞"},
        {Kind::DateTime, 1, "我们{partday}{clock}在{place}见面"},
        {Kind::DateTime, 1, "{weekday}{partday}有空吗"},
        {Kind::DateTime, 1, "下周{weekdayShort}去{city}出差"},
        {Kind::DateTime, 1, "现在是{clock24}"},
        {Kind::DateTime, 1, "距离春节还有{days}天"},
        {Kind::DateTime, 1, "会议开了{hours}个小时"},
        // Everyday phrases.
        {Kind::Everyday, 10, "{fixedEveryday}"},
        {Kind::Everyday, 2, "我{dayref}想吃{food}"},
        {Kind::Everyday, 2, "{person}{dayref}要去{city}出差"},
        {Kind::Everyday, 1, "{person}喜欢听{genre}"},
        {Kind::Everyday, 1, "{city}的{food}很有名"},
        {Kind::Everyday, 1, "{person}在{room}里看书"},
        {Kind::Everyday, 1, "我们{dayref}去{place}吧"},
        {Kind::Everyday, 1, "{person}说{dayref}会来{city}"},
    };
    return templates;
}

std::string render(const std::string& pattern, Random& random)
{
    std::string out;
    size_t pos = 0;
    while (pos < pattern.size()) {
        const size_t open = pattern.find('{', pos);
        if (open == std::string::npos) {
            out.append(pattern, pos, std::string::npos);
            break;
        }
        const size_t close = pattern.find('}', open);
        if (close == std::string::npos)
            throw std::logic_error("sentence template without closing brace: " + pattern);
        out.append(pattern, pos, open - pos);
        const std::string slot = pattern.substr(open + 1, close - open - 1);
        const auto filler = fillers().find(slot);
        if (filler == fillers().end())
            throw std::logic_error("sentence template with unknown slot {" + slot + "}: " + pattern);
        out += filler->second(random);
        pos = close + 1;
    }
    return out;
}

} // namespace

SentencePool::SentencePool() : templates_(builtInTemplates())
{
    for (const auto& t : templates_)
        totalWeight_ += std::uint64_t(t.weight);
}

Sentence SentencePool::draw(SeededRandom& random) const
{
    for (int attempt = 0; attempt < 64; ++attempt) {
        std::uint64_t r = random.below(totalWeight_);
        const Template* chosen = &templates_.back();
        for (const auto& t : templates_) {
            if (r < std::uint64_t(t.weight)) {
                chosen = &t;
                break;
            }
            r -= std::uint64_t(t.weight);
        }
        std::string text = render(chosen->pattern, random);
        const size_t length = utf8Length(text);
        if (length >= size_t(kMinChars) && length <= size_t(kMaxChars))
            return {std::move(text), chosen->kind};
    }
    return {"今天天气真不错", SentenceKind::Everyday};
}

} // namespace espalier::data
