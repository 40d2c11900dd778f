#include "app/gui/timeline/lane_words.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace proclab::gui {
namespace {

// "counter" and "array[k]" are the race lessons' declared names (lessons/shared_counter.hpp).
std::string RoleOf(const SlotFacts& slot, Language language) {
  if (slot.name == "counter") return Tr(Str::kRoleCounter, language);
  const std::string base = slot.name.substr(0, slot.name.find('['));
  if (base == "array") return Tr(Str::kRoleArray, language);
  return base;
}

bool Touched(const SlotFacts& slot, int lane) {
  const SlotFacts::PerLane* mine = slot.lanes.Find(lane);
  return mine != nullptr && (mine->reads > 0 || mine->writes > 0);
}

bool KilledBetween(const RunFacts& facts, const SlotFacts::PerLane& mine, int lane) {
  return mine.has_read && lane >= 0 && lane < facts.children() && facts.child(lane).ended() &&
         facts.child(lane).record.state == ChildState::kKilled;
}

}  // namespace

std::string LaneRole(const RunFacts& facts, int lane, Language language) {
  std::vector<std::string> roles;
  for (const auto& [id, slot] : facts.slots()) {
    if (!Touched(slot, lane)) continue;
    std::string role = RoleOf(slot, language);
    if (!role.empty() && std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(std::move(role));
  }
  std::string text;
  for (const std::string& role : roles) text += (text.empty() ? "" : " · ") + role;
  return text;
}

std::string LastStepText(const RunFacts& facts, const SlotFacts& slot, int lane, Language language) {
  const SlotFacts::PerLane* mine = slot.lanes.Find(lane);
  if (mine == nullptr || (mine->reads == 0 && mine->writes == 0)) return {};
  char text[160];
  const std::string read = mine->last_read.Text(), wrote = mine->last_written.Text();
  if (mine->has_read) {  // it read and has not written since
    const bool ended = lane >= 0 && lane < facts.children() && facts.child(lane).ended();
    const Str key = KilledBetween(facts, *mine, lane) ? Str::kLastReadKilled
                    : ended                           ? Str::kLastReadEnded
                                                      : Str::kLastReadPending;
    std::snprintf(text, sizeof text, Tr(key, language), read.c_str());
  } else if (mine->reads == 0) {
    std::snprintf(text, sizeof text, Tr(Str::kLastWroteOnly, language), wrote.c_str());
  } else {
    std::snprintf(text, sizeof text, Tr(Str::kLastReadWrote, language), read.c_str(), wrote.c_str());
  }
  return text;
}

std::string NeverWroteBackText(const RunFacts& facts, const SlotFacts& slot, int lane, Language language) {
  const SlotFacts::PerLane* mine = slot.lanes.Find(lane);
  if (mine == nullptr || !KilledBetween(facts, *mine, lane)) return {};
  const std::string who = std::string(Tr(Str::kChild, language)) + " " + std::to_string(lane + 1);
  char text[400];
  if (mine->has_written)
    std::snprintf(text, sizeof text, Tr(Str::kNeverWroteBack, language), who.c_str(), mine->last_read.Text().c_str(),
                  mine->last_written.Text().c_str());
  else
    std::snprintf(text, sizeof text, Tr(Str::kNeverWroteBackNone, language), who.c_str(), mine->last_read.Text().c_str());
  return text;
}

std::string BroughtBackText(const std::string& writer, const LostUpdate& update, Language language) {
  char text[400];
  std::snprintf(text, sizeof text, Tr(Str::kBroughtBack, language), writer.c_str(), update.read.Text().c_str(),
                update.written.Text().c_str(), update.replaced.Text().c_str(),
                static_cast<long long>(-update.erased));
  return text;
}

}  // namespace proclab::gui
