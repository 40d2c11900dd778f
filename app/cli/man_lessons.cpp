// proclab-man-lessons: prints the LESSONS entries of the proclab-cli(1) man page, in troff, from
// the lesson descriptors themselves (their purpose, each parameter's help, default and range).
// Run at build time (CMakeLists.txt), so the page documents every lesson and parameter of the
// build it ships with. Not installed.
#include <cstdio>
#include <string>
#include <string_view>

#include "lessons/curriculum.hpp"

namespace {

// Text as troff prints it: hyphens as \-, backslashes doubled, no line starting with a dot.
std::string Troff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

}  // namespace

int main() {
  using proclab::ParamKind;
  using proclab::ParamSpec;
  for (const proclab::Lesson* lesson : proclab::Curriculum()) {
    std::printf(".TP\n.B %s\n%s\n", Troff(lesson->id).c_str(), Troff(lesson->purpose.en).c_str());
    if (lesson->params.empty()) {
      std::printf("It has no parameters.\n");
      continue;
    }
    std::printf(".RS\n");
    for (const ParamSpec& spec : lesson->params) {
      const std::string name = "\\-\\-" + Troff(spec.name);
      if (spec.kind == ParamKind::kChoice)
        std::printf(".TP\n.BR %s \" %s\"\n", name.c_str(), Troff(spec.RangeText()).c_str());
      else
        std::printf(".TP\n.BI %s \" N\"\n", name.c_str());
      // The Run pane's label (the proclab(1) GUI shows it), then what the parameter does.
      std::string help = std::string(spec.label.en) + ". " + std::string(spec.help.en);
      if (!help.empty() && help.back() == '.') help.pop_back();
      // The default, unless the help already says it; the range of a number.
      std::string extra;
      if (help.find("default") == std::string::npos)
        extra = "default " + (spec.default_is_cpu_count ? std::string("one per CPU")
                                                        : spec.Format(spec.Default()));
      if (spec.kind == ParamKind::kInt) extra += (extra.empty() ? "" : "; ") + spec.RangeText();
      std::printf("%s (%s).\n", Troff(help).c_str(), Troff(extra).c_str());
    }
    std::printf(".RE\n");
  }
  return 0;
}
