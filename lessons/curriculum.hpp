// The curriculum: every lesson, in the order the tutorial teaches them.
#pragma once
#include <span>
#include <string_view>

#include "core/lesson_model.hpp"

namespace proclab {

std::span<const Lesson* const> Curriculum();
// The child programs `proclab-cli bench` and the `costs` lesson start: not lessons to read.
std::span<const Lesson* const> BenchLessons();
// A lesson of the curriculum, or one of the benchmark programs; nullptr for an unknown id.
const Lesson* FindLesson(std::string_view id);

}  // namespace proclab
