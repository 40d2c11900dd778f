// A file written in full or not at all: --trace-out goes to a temporary file beside the target
// and is renamed into place once complete.
#pragma once
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace proclab {

// The --trace-out file is written to a temporary file beside it and renamed into place once the
// trace is complete: checking the path before the run must not leave an empty or half-written
// file behind when the run cannot start, fails, or the CLI is stopped while writing.
class PendingFile {
 public:
  // Creates `<path>.XXXXXX` in the target's directory; false with `*error` set if it cannot.
  bool Open(const std::string& path, std::string* error) {
    struct stat info;
    if (stat(path.c_str(), &info) == 0) {
      if (S_ISDIR(info.st_mode)) return Fail(error, "it is a directory");
      if (access(path.c_str(), W_OK) != 0) return Fail(error, std::strerror(errno));
    }
    std::string pattern = path + ".XXXXXX";
    const int fd = mkstemp(pattern.data());
    if (fd < 0) return Fail(error, std::strerror(errno));
    const mode_t mask = umask(0);  // mkstemp makes 0600; a trace is an ordinary file
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    close(fd);
    temp_ = pattern;
    path_ = path;
    stream_.open(temp_, std::ios::out | std::ios::trunc);
    return stream_ ? true : Fail(error, std::strerror(errno));
  }
  std::ofstream& stream() { return stream_; }
  bool is_open() const { return !temp_.empty(); }
  // Closes and renames into place; false (the temporary file removed) if anything failed.
  bool Commit() {
    stream_.close();
    const bool ok = !stream_.fail() && std::rename(temp_.c_str(), path_.c_str()) == 0;
    if (ok) temp_.clear();
    return ok;
  }
  ~PendingFile() {
    if (!temp_.empty()) std::remove(temp_.c_str());
  }

 private:
  bool Fail(std::string* error, const std::string& reason) {
    *error = reason;
    return false;
  }
  std::string path_, temp_;
  std::ofstream stream_;
};

}  // namespace proclab
