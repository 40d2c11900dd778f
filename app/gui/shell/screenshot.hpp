// Saves the back buffer (after rendering, before the swap) as a PNG: glReadPixels, rows
// flipped, stbi_write_png from libstb.
#pragma once
#include <string>

namespace proclab::gui {

bool WriteBackBufferPng(const std::string& path, int width, int height, std::string* error);

}  // namespace proclab::gui
