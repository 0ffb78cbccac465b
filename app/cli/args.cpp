#include "args.h"

#include <charconv>

namespace eqw::cli {

Result<Args> Args::parse(const std::vector<std::string>& argv, const std::set<std::string>& flags,
                         const std::set<std::string>& options) {
  Args a;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      if (arg.size() > 1 && arg[0] == '-' && arg != "-") return invalidArgument("unknown option '" + arg + "'");
      a.positionals_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inlineValue;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inlineValue = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (flags.count(name)) {
      if (inlineValue) return invalidArgument("option '--" + name + "' takes no value");
      a.flags_.insert(name);
    } else if (options.count(name)) {
      if (inlineValue) {
        a.values_[name] = *inlineValue;
      } else {
        if (i + 1 >= argv.size()) return invalidArgument("option '--" + name + "' needs a value");
        a.values_[name] = argv[++i];
      }
    } else {
      return invalidArgument("unknown option '--" + name + "' (see --help)");
    }
  }
  return a;
}

bool Args::has(const std::string& name) const { return flags_.count(name) || values_.count(name); }

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto v = get(name);
  return v ? *v : fallback;
}

Result<int> Args::getInt(const std::string& name, int fallback, int min, int max) const {
  auto v = get(name);
  if (!v) return fallback;
  int value = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), value);
  if (ec != std::errc() || p != v->data() + v->size())
    return invalidArgument("option '--" + name + "': '" + *v + "' is not an integer");
  if (value < min || value > max)
    return invalidArgument("option '--" + name + "': " + *v + " is outside [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return value;
}

std::vector<std::string> splitList(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace eqw::cli
