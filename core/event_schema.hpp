// The event schema: for every EventKind, what its fields mean and how begin/end events pair.
// The one place that says it; the fact layer, the exporter, the docs and the tests read it.
#pragma once
#include <span>
#include <string_view>

#include "core/event.hpp"

namespace proclab {

enum class EventLane : uint8_t {
  kOwn,     // written by the process the event is about, on its own lane
  kParent,  // written by the parent, on the parent's lane
  kAny,     // either
};

struct EventSchema {
  EventKind kind;
  std::string_view name;    // "lock acquired": the exporter's and the docs' word for it
  EventLane lane;
  std::string_view object;  // what `object` names, or empty when unused
  std::string_view a;       // what `a` holds, or empty
  std::string_view b;       // what `b` holds, or empty
  EventKind ends = EventKind::kCount;  // a begin event: the kind that ends its span (same lane,
                                       // same object); kCount for none
};

// One entry per kind, in EventKind order.
std::span<const EventSchema> EventSchemas();
const EventSchema& SchemaOf(EventKind kind);

}  // namespace proclab
