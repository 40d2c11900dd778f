// One accessor per lesson; each is defined in lessons/<id>.cpp.
#pragma once
#include "core/lesson_model.hpp"

namespace proclab {

const Lesson& ProcessesLesson();

}  // namespace proclab
