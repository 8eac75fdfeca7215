#include "core/model/parameter_info.h"

#include <algorithm>
#include <cctype>

namespace espalier::model {

namespace {

using Role = ParameterInfo::Role;

struct RoleText {
    Role role;
    const char* name;
    const char* label;
    const char* group;
};

constexpr RoleText kRoles[] = {
    {Role::Subsampling, "subsampling", "Subsampling", "subsampling"},
    {Role::AttentionQuery, "attention_query", "Attention query", "attention"},
    {Role::AttentionKey, "attention_key", "Attention key", "attention"},
    {Role::AttentionValue, "attention_value", "Attention value", "attention"},
    {Role::AttentionOutput, "attention_output", "Attention output", "attention"},
    {Role::AttentionPosition, "attention_position", "Attention position", "attention"},
    {Role::AttentionQkv, "attention_qkv", "Attention query/key/value", "attention"},
    {Role::FeedForwardIn, "feed_forward_in", "Feed-forward in", "feed_forward"},
    {Role::FeedForwardOut, "feed_forward_out", "Feed-forward out", "feed_forward"},
    {Role::MacaronIn, "macaron_in", "Macaron feed-forward in", "feed_forward"},
    {Role::MacaronOut, "macaron_out", "Macaron feed-forward out", "feed_forward"},
    {Role::ConvPointwiseIn, "conv_pointwise_in", "Conv pointwise in", "conv"},
    {Role::ConvDepthwise, "conv_depthwise", "Conv depthwise", "conv"},
    {Role::ConvPointwiseOut, "conv_pointwise_out", "Conv pointwise out", "conv"},
    {Role::Head, "head", "CTC head", "head"},
    {Role::Other, "other", "Other", "other"},
};

const RoleText& textOf(Role role)
{
    for (const RoleText& t : kRoles)
        if (t.role == role)
            return t;
    return kRoles[std::size(kRoles) - 1];
}

std::vector<std::string> split(const std::string& name)
{
    std::vector<std::string> parts;
    std::string current;
    for (char c : name) {
        if (c == '.') {
            parts.push_back(current);
            current.clear();
        } else {
            current += char(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    parts.push_back(current);
    return parts;
}

bool isNumber(const std::string& s)
{
    return !s.empty() && s.size() < 9 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool oneOf(const std::string& s, std::initializer_list<const char*> words)
{
    return std::any_of(words.begin(), words.end(), [&](const char* w) { return s == w; });
}

bool contains(const std::vector<std::string>& parts, std::initializer_list<const char*> words)
{
    return std::any_of(parts.begin(), parts.end(), [&](const std::string& p) { return oneOf(p, words); });
}

bool isSubsampling(const std::vector<std::string>& path)
{
    return contains(path, {"embed", "subsampling", "subsample", "conv_subsample", "frontend_conv", "input_layer"});
}

bool isHead(const std::vector<std::string>& path)
{
    return contains(path, {"ctc", "ctc_lo", "head", "ctc_head", "output_layer", "classifier", "lm_head", "decoder_ctc"});
}

bool isAttention(const std::vector<std::string>& path)
{
    return std::any_of(path.begin(), path.end(), [](const std::string& p) {
        return p.find("attn") != std::string::npos || p.find("attention") != std::string::npos;
    });
}

// Role from the module path (the name without its final "weight"/"bias" part).
Role roleOf(const std::vector<std::string>& path, const std::string& tensorName)
{
    if (tensorName == "in_proj_weight" || tensorName == "in_proj_bias")
        return Role::AttentionQkv;
    if (path.empty())
        return Role::Other;
    const std::string& leaf = path.back();
    if (isHead(path))
        return Role::Head;
    if (isSubsampling(path))
        return Role::Subsampling;
    if (oneOf(leaf, {"linear_q", "q_proj", "query", "wq", "to_q"}))
        return Role::AttentionQuery;
    if (oneOf(leaf, {"linear_k", "k_proj", "key", "wk", "to_k"}))
        return Role::AttentionKey;
    if (oneOf(leaf, {"linear_v", "v_proj", "value", "wv", "to_v"}))
        return Role::AttentionValue;
    if (oneOf(leaf, {"linear_pos", "pos_proj"}))
        return Role::AttentionPosition;
    if (oneOf(leaf, {"linear_qkv", "qkv", "qkv_proj"}))
        return Role::AttentionQkv;
    if (oneOf(leaf, {"linear_out", "out_proj", "wo", "to_out", "o_proj"}) && isAttention(path))
        return Role::AttentionOutput;
    if (oneOf(leaf, {"pointwise_conv1"}))
        return Role::ConvPointwiseIn;
    if (oneOf(leaf, {"depthwise_conv", "dw_conv"}))
        return Role::ConvDepthwise;
    if (oneOf(leaf, {"pointwise_conv2"}))
        return Role::ConvPointwiseOut;
    const bool in = oneOf(leaf, {"w_1", "w1", "linear1", "fc1", "linear_1"});
    const bool out = oneOf(leaf, {"w_2", "w2", "linear2", "fc2", "linear_2"});
    if (in || out) {
        const bool macaron = std::any_of(path.begin(), path.end(), [](const std::string& p) {
            return p.find("macaron") != std::string::npos || p == "ffn1" || p == "feed_forward1";
        });
        if (macaron)
            return in ? Role::MacaronIn : Role::MacaronOut;
        return in ? Role::FeedForwardIn : Role::FeedForwardOut;
    }
    return Role::Other;
}

} // namespace

int64_t ParameterInfo::numel() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

const EnumNames<Role>& roleNames()
{
    static const EnumNames<Role> names = [] {
        std::vector<std::pair<Role, const char*>> entries;
        for (const RoleText& t : kRoles)
            entries.emplace_back(t.role, t.name);
        return EnumNames<Role>(std::move(entries));
    }();
    return names;
}

const char* roleLabel(Role role) { return textOf(role).label; }
const char* roleGroup(Role role) { return textOf(role).group; }

int blockIndexFromName(const std::string& name)
{
    static const char* const kWords[] = {"blocks", "layers", "encoders", "layer", "block"};
    const std::vector<std::string> parts = split(name);
    for (size_t i = 0; i < parts.size(); ++i) {
        for (const char* word : kWords) {
            const std::string w = word;
            // "blocks.3" or a single token "blocks_3" / "block3".
            if (parts[i] == w && i + 1 < parts.size() && isNumber(parts[i + 1]))
                return std::stoi(parts[i + 1]);
            if (parts[i].size() > w.size() && parts[i].compare(0, w.size(), w) == 0) {
                std::string rest = parts[i].substr(w.size());
                if (rest[0] == '_')
                    rest.erase(0, 1);
                if (isNumber(rest))
                    return std::stoi(rest);
            }
        }
    }
    return -1;
}

ParameterInfo describeParameter(const std::string& name, std::vector<int64_t> shape)
{
    ParameterInfo info;
    info.name = name;
    info.shape = std::move(shape);
    info.block = blockIndexFromName(name);
    std::vector<std::string> path = split(name);
    const std::string tensorName = path.back();
    path.pop_back();
    const size_t dot = name.rfind('.');
    info.layer = dot == std::string::npos ? std::string() : name.substr(0, dot);
    info.role = roleOf(path, tensorName);
    if (info.role == ParameterInfo::Role::Subsampling || info.role == ParameterInfo::Role::Head)
        info.block = -1;
    const bool isWeight = tensorName.size() >= 6 && tensorName.compare(tensorName.size() - 6, 6, "weight") == 0;
    info.prunable = isWeight && info.shape.size() >= 2;
    return info;
}

} // namespace espalier::model
