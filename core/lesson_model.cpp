#include "core/lesson_model.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>

namespace proclab {

int CpuCount() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

int64_t ParamSpec::Default() const {
  if (default_is_cpu_count) return std::clamp<int64_t>(CpuCount(), min, max);
  return default_value;
}

std::string ParamSpec::Format(int64_t value) const {
  if (kind == ParamKind::kChoice && value >= 0 && static_cast<size_t>(value) < choices.size())
    return std::string(choices[static_cast<size_t>(value)]);
  return std::to_string(value);
}

namespace {

// Choice names that are words, in Chinese. Names that are code (map, apply_async) have none.
std::string_view ChoiceInChinese(std::string_view choice) {
  static constexpr std::pair<std::string_view, std::string_view> kWords[] = {
      {"off", "关闭"},      {"on", "开启"},       {"none", "无"},         {"exit", "退出"},
      {"crash", "崩溃"},    {"guard", "守卫"},    {"manual", "手动"},     {"opposite", "相反顺序"},
      {"same", "相同顺序"}, {"cube", "立方"},     {"square", "平方"},     {"slow", "慢任务"},
      {"fail", "抛出异常"}, {"quick", "快速"},    {"full", "完整"},       {"unlocked", "不加锁"},
      {"locked", "加锁"},   {"atomic", "原子操作"},
  };
  for (const auto& [name, words] : kWords)
    if (name == choice) return words;
  return {};
}

}  // namespace

std::string ParamSpec::Shown(int64_t value, Language language) const {
  const std::string name = Format(value);
  if (kind != ParamKind::kChoice || language != Language::kChinese) return name;
  const std::string_view words = ChoiceInChinese(name);
  return words.empty() ? name : std::string(words) + "（" + name + "）";
}

std::string ParamSpec::RangeText() const {
  if (kind == ParamKind::kChoice) {
    std::string text;
    for (size_t i = 0; i < choices.size(); ++i) {
      if (i > 0) text += " | ";
      text += choices[i];
    }
    return text;
  }
  return std::to_string(min) + ".." + std::to_string(max);
}

std::optional<int64_t> ParamSpec::Parse(std::string_view text, std::string* error) const {
  if (kind == ParamKind::kChoice) {
    for (size_t i = 0; i < choices.size(); ++i)
      if (choices[i] == text) return static_cast<int64_t>(i);
    *error = "--" + std::string(name) + " must be one of " + RangeText() + ", not '" +
             std::string(text) + "'";
    return std::nullopt;
  }
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    *error = "--" + std::string(name) + " needs a whole number, not '" + std::string(text) + "'";
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    *error = "--" + std::string(name) + " must be in " + RangeText() + ", not " + std::string(text);
    return std::nullopt;
  }
  return value;
}

ParamValues::ParamValues() {
  static const std::vector<ParamSpec> kNone;
  specs_ = &kNone;
}

ParamValues::ParamValues(const std::vector<ParamSpec>& specs) : specs_(&specs) {
  for (const ParamSpec& spec : specs) values_.push_back(spec.Default());
}

const ParamSpec& ParamValues::Spec(std::string_view name, size_t* index) const {
  for (size_t i = 0; i < specs_->size(); ++i) {
    if ((*specs_)[i].name == name) {
      *index = i;
      return (*specs_)[i];
    }
  }
  throw ParamError("unknown parameter --" + std::string(name));
}

int64_t ParamValues::Get(std::string_view name) const {
  size_t index = 0;
  Spec(name, &index);
  return values_[index];
}

std::string ParamValues::Text(std::string_view name) const {
  size_t index = 0;
  return Spec(name, &index).Format(values_[index]);
}

void ParamValues::Set(std::string_view name, int64_t value) {
  size_t index = 0;
  const ParamSpec& spec = Spec(name, &index);
  const int64_t max = spec.kind == ParamKind::kChoice
                          ? static_cast<int64_t>(spec.choices.size()) - 1
                          : spec.max;
  const int64_t min = spec.kind == ParamKind::kChoice ? 0 : spec.min;
  if (value < min || value > max)
    throw ParamError("--" + std::string(name) + " must be in " + spec.RangeText() + ", not " +
                     std::to_string(value));
  values_[index] = value;
}

void ParamValues::SetText(std::string_view name, std::string_view text) {
  size_t index = 0;
  const ParamSpec& spec = Spec(name, &index);
  std::string error;
  const std::optional<int64_t> value = spec.Parse(text, &error);
  if (!value) throw ParamError(error);
  values_[index] = *value;
}

std::string ParamValues::Described(Language language) const {
  std::string text;
  for (size_t i = 0; i < specs_->size(); ++i) {
    const ParamSpec& spec = (*specs_)[i];
    if (i > 0) text += language == Language::kChinese ? "，" : ", ";
    text += std::string(spec.label.In(language)) + " = " + spec.Shown(values_[i], language);
  }
  return text;
}

nlohmann::json ParamValues::ToJson() const {
  nlohmann::json json = nlohmann::json::object();
  for (size_t i = 0; i < specs_->size(); ++i) {
    const ParamSpec& spec = (*specs_)[i];
    if (spec.kind == ParamKind::kChoice)
      json[std::string(spec.name)] = spec.Format(values_[i]);
    else
      json[std::string(spec.name)] = values_[i];
  }
  return json;
}


}  // namespace proclab
