// Trials: a histogram of a race lesson's final values over repeated runs. The binning and the
// words of a bar's tooltip are here so a test can check them without drawing.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/language.hpp"

namespace proclab::gui {

struct HistogramBin {
  double lo = 0, hi = 0;    // [lo, hi): one whole number when `integers` and the range is small
  std::vector<int> trials;  // which trials (1-based, in the order they ran) fell in it
};

struct HistogramBins {
  std::vector<HistogramBin> bins;
  bool integers = false;  // one bin per whole number
  double lo = 0, hi = 0;  // the x axis
  int top = 1;            // the tallest bar's count (the y axis)
};

// Bins `values` (trial k is values[k - 1]); the range includes `expected` when given.
HistogramBins BinValues(const std::vector<double>& values, std::optional<double> expected);
// "147", or "140 – 145" for a bin of several values.
std::string BinRangeText(const HistogramBins& bins, const HistogramBin& bin);
// The bar's tooltip: its range and count, then which trials ("trials: 2, 5, 9").
std::string BinTooltip(const HistogramBins& bins, const HistogramBin& bin, Language language);

}  // namespace proclab::gui
