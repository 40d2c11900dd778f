#include "app/gui/shell/screenshot.hpp"

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace proclab::gui {

bool WriteBackBufferPng(const std::string& path, int width, int height, std::string* error) {
  if (width <= 0 || height <= 0) {
    *error = "nothing to capture";
    return false;
  }
  std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  // OpenGL's rows start at the bottom; PNG's at the top.
  const size_t row = static_cast<size_t>(width) * 3;
  std::vector<unsigned char> flipped(pixels.size());
  for (int y = 0; y < height; ++y)
    std::memcpy(&flipped[static_cast<size_t>(y) * row],
                &pixels[static_cast<size_t>(height - 1 - y) * row], row);
  if (stbi_write_png(path.c_str(), width, height, 3, flipped.data(), static_cast<int>(row)) == 0) {
    *error = "cannot write the screenshot " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace proclab::gui
