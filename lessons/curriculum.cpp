#include "lessons/curriculum.hpp"

namespace proclab {

// Each lesson's descriptor, defined in lessons/<id>.cpp.
const Lesson& ProcessesLesson();
const Lesson& SharedDataLesson();
const Lesson& LocksLesson();
const Lesson& LockGuardLesson();
const Lesson& QueueBasicsLesson();
const Lesson& QueueLesson();
const Lesson& PoolLesson();
const Lesson& DeadlockLesson();
const Lesson& CostsLesson();

std::span<const Lesson* const> Curriculum() {
  // One line per lesson, in teaching order (the tutorial's sections, then what follows them).
  static const Lesson* const kLessons[] = {
      &ProcessesLesson(),
      &SharedDataLesson(),
      &LocksLesson(),
      &LockGuardLesson(),
      &QueueBasicsLesson(),
      &QueueLesson(),
      &PoolLesson(),
      &DeadlockLesson(),
      &CostsLesson(),
  };
  return kLessons;
}

const Lesson* FindLesson(std::string_view id) {
  for (const Lesson* lesson : Curriculum())
    if (lesson->id == id) return lesson;
  for (const Lesson* lesson : BenchLessons())
    if (lesson->id == id) return lesson;
  return nullptr;
}

}  // namespace proclab
