// The curriculum: every lesson, in the order the tutorial teaches them.
#pragma once
#include <span>
#include <string_view>

#include "core/lesson_model.hpp"

namespace proclab {

std::span<const Lesson* const> Curriculum();
const Lesson* FindLesson(std::string_view id);

}  // namespace proclab
