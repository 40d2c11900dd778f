// One accessor per lesson; each is defined in lessons/<id>.cpp.
#pragma once
#include "core/lesson_model.hpp"

namespace proclab {

const Lesson& ProcessesLesson();
const Lesson& SharedDataLesson();
const Lesson& LocksLesson();
const Lesson& LockGuardLesson();
const Lesson& QueueBasicsLesson();
const Lesson& QueueLesson();
const Lesson& PoolLesson();
const Lesson& CostsLesson();

}  // namespace proclab
