#include "lessons/curriculum.hpp"

#include "lessons/lessons.hpp"

namespace proclab {

std::span<const Lesson* const> Curriculum() {
  // One line per lesson, in teaching order (the tutorial's sections).
  static const Lesson* const kLessons[] = {
      &ProcessesLesson(),
      &SharedDataLesson(),
      &LocksLesson(),
      &LockGuardLesson(),
      &QueueBasicsLesson(),
      &QueueLesson(),
      &PoolLesson(),
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
