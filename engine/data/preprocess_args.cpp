// ncnn2table-style preprocessing settings: "mean=[104,117,123] norm=[...] shape=[w,h,c] pixel=BGR".
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>
#include <system_error>

#include "eqw/data.h"

namespace eqw {

namespace {

// What the tokens said, before defaults and cross-checks are applied.
struct Settings {
  std::optional<std::vector<float>> mean, norm;
  std::optional<std::vector<int>> shape;
  std::optional<PixelOrder> pixel;
  std::optional<ResizeMode> mode;
  std::optional<int> resizeShorter;
};

Status bad(const std::string& token, const std::string& why) {
  return invalidArgument("preprocess: '" + token + "': " + why);
}

// "[1,2,3]" or "1,2,3" -> the comma-separated items.
std::vector<std::string> listItems(std::string_view value) {
  if (value.size() >= 2 && value.front() == '[' && value.back() == ']') value = value.substr(1, value.size() - 2);
  std::vector<std::string> items;
  std::string item;
  for (char c : value) {
    if (c == ',') {
      items.push_back(item);
      item.clear();
    } else if (c != ' ' && c != '\t') {
      item += c;
    }
  }
  items.push_back(item);
  return items;
}

template <typename T>
std::optional<T> parseNumber(const std::string& s) {
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

template <typename T>
Result<std::vector<T>> parseList(const std::string& token, std::string_view value) {
  std::vector<T> out;
  for (const std::string& item : listItems(value)) {
    const std::optional<T> v = parseNumber<T>(item);
    if (!v) return bad(token, "'" + item + "' is not a number");
    out.push_back(*v);
  }
  if (out.size() > 3) return bad(token, "at most 3 values");
  return out;
}

std::optional<PixelOrder> parsePixel(std::string_view v) {
  if (v == "RGB" || v == "rgb") return PixelOrder::RGB;
  if (v == "BGR" || v == "bgr") return PixelOrder::BGR;
  if (v == "GRAY" || v == "gray") return PixelOrder::GRAY;
  return std::nullopt;
}

template <typename T>
Status setOnce(std::optional<T>& slot, T value, const std::string& token) {
  if (slot) return bad(token, "given twice");
  slot = std::move(value);
  return Status::ok();
}

template <typename T>
Status setList(std::optional<std::vector<T>>& slot, const std::string& token, std::string_view value) {
  Result<std::vector<T>> list = parseList<T>(token, value);
  if (!list) return list.status();
  return setOnce(slot, std::move(list.value()), token);
}

Status applyToken(const std::string& token, Settings& s) {
  const size_t eq = token.find('=');
  if (eq == std::string::npos) return bad(token, "expected key=value");
  const std::string_view key = std::string_view(token).substr(0, eq);
  const std::string_view value = std::string_view(token).substr(eq + 1);
  if (key == "mean") return setList(s.mean, token, value);
  if (key == "norm") return setList(s.norm, token, value);
  if (key == "shape") return setList(s.shape, token, value);
  if (key == "pixel") {
    const std::optional<PixelOrder> order = parsePixel(value);
    if (!order) return bad(token, "pixel must be RGB, BGR or GRAY");
    return setOnce(s.pixel, *order, token);
  }
  if (key == "resize") {
    if (value != "exact" && value != "crop") return bad(token, "resize must be exact or crop");
    return setOnce(s.mode, value == "exact" ? ResizeMode::Exact : ResizeMode::ShorterSideThenCenterCrop, token);
  }
  if (key == "resize_shorter") {
    const std::optional<int> v = parseNumber<int>(std::string(value));
    if (!v) return bad(token, "'" + std::string(value) + "' is not an integer");
    return setOnce(s.resizeShorter, *v, token);
  }
  return bad(token, "unknown key (known: mean, norm, shape, pixel, resize, resize_shorter)");
}

Status applyShape(const Settings& s, Preprocess& p) {
  if (!s.shape) return Status::ok();
  const std::vector<int>& v = *s.shape;
  if (v.size() < 2) return invalidArgument("preprocess: shape needs [w,h] or [w,h,c]");
  p.width = v[0];
  p.height = v[1];
  if (v.size() == 3 && v[2] != 1 && v[2] != 3)
    return invalidArgument("preprocess: shape channels " + std::to_string(v[2]) + " must be 1 or 3");
  if (v.size() == 3 && s.pixel && v[2] != p.channels())
    return invalidArgument("preprocess: shape says " + std::to_string(v[2]) + " channel(s) but pixel=" +
                           toString(p.pixel) + " has " + std::to_string(p.channels()));
  if (v.size() == 3 && !s.pixel) p.pixel = v[2] == 1 ? PixelOrder::GRAY : PixelOrder::BGR;
  return Status::ok();
}

Status applyPerChannel(const std::optional<std::vector<float>>& values, const char* name, int channels,
                       std::array<float, 3>& out) {
  if (!values) return Status::ok();
  const size_t n = values->size();
  if (n != 1 && n != static_cast<size_t>(channels))
    return invalidArgument(std::string("preprocess: ") + name + " has " + std::to_string(n) +
                           " values; expected 1 or " + std::to_string(channels));
  for (int c = 0; c < channels; ++c) out[c] = (*values)[n == 1 ? 0 : c];
  return Status::ok();
}

Status applyResize(const Settings& s, Preprocess& p) {
  if (s.mode == ResizeMode::Exact && s.resizeShorter)
    return invalidArgument("preprocess: resize=exact contradicts resize_shorter");
  p.mode = (s.mode || s.resizeShorter) && s.mode != ResizeMode::Exact ? ResizeMode::ShorterSideThenCenterCrop
                                                                      : ResizeMode::Exact;
  // The usual 224 -> 256 ratio when only resize=crop is given.
  p.resizeShorter = s.resizeShorter ? *s.resizeShorter
                                    : static_cast<int>(std::lround(std::max(p.width, p.height) / 0.875));
  return Status::ok();
}

Result<Preprocess> finish(const Settings& s) {
  Preprocess p;
  if (s.pixel) p.pixel = *s.pixel;
  EQW_RETURN_IF_ERROR(applyShape(s, p));
  EQW_RETURN_IF_ERROR(applyPerChannel(s.mean, "mean", p.channels(), p.mean));
  EQW_RETURN_IF_ERROR(applyPerChannel(s.norm, "norm", p.channels(), p.norm));
  EQW_RETURN_IF_ERROR(applyResize(s, p));
  EQW_RETURN_IF_ERROR(validate(p));
  return p;
}

std::string formatFloat(float v) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  return ec == std::errc() ? std::string(buf, end) : std::string("nan");
}

std::string formatList(const std::array<float, 3>& v, int n) {
  std::string out = "[";
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + formatFloat(v[i]);
  return out + "]";
}

}  // namespace

bool isPreprocessKey(std::string_view key) {
  return key == "mean" || key == "norm" || key == "shape" || key == "pixel" || key == "resize" ||
         key == "resize_shorter";
}

Result<Preprocess> parsePreprocess(const std::vector<std::string>& tokens) {
  Settings s;
  for (const std::string& token : tokens)
    if (!token.empty()) EQW_RETURN_IF_ERROR(applyToken(token, s));
  return finish(s);
}

Result<Preprocess> parsePreprocess(const std::string& args) {
  // Split on whitespace, but keep "mean=[1, 2, 3]" together: a token runs until its '[' closes.
  std::vector<std::string> tokens;
  std::string current;
  int depth = 0;
  for (char c : args) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (std::isspace(static_cast<unsigned char>(c)) && depth <= 0) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return parsePreprocess(tokens);
}

std::string toString(const Preprocess& p) {
  const int c = p.channels();
  std::string out = "shape=[" + std::to_string(p.width) + "," + std::to_string(p.height) + "," +
                    std::to_string(c) + "] pixel=" + toString(p.pixel) + " mean=" + formatList(p.mean, c) +
                    " norm=" + formatList(p.norm, c) + " resize=" + toString(p.mode);
  if (p.mode == ResizeMode::ShorterSideThenCenterCrop) out += " resize_shorter=" + std::to_string(p.resizeShorter);
  return out;
}

}  // namespace eqw
