// A small command-line parser for the eqw subcommands: positionals, --flag, --key value and
// --key=value. Unknown options are errors that name the option.
#pragma once

#include <eqw/status.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace eqw::cli {

class Args {
 public:
  // flags: options without a value; options: options that take one.
  static Result<Args> parse(const std::vector<std::string>& argv, const std::set<std::string>& flags,
                            const std::set<std::string>& options);

  const std::vector<std::string>& positionals() const { return positionals_; }
  bool has(const std::string& name) const;
  std::optional<std::string> get(const std::string& name) const;
  std::string get(const std::string& name, const std::string& fallback) const;
  // Integer / float options; an unparsable value is an error naming the option.
  Result<int> getInt(const std::string& name, int fallback, int min, int max) const;

 private:
  std::vector<std::string> positionals_;
  std::set<std::string> flags_;
  std::map<std::string, std::string> values_;
};

// Splits "a,b,c" into parts (empty parts dropped).
std::vector<std::string> splitList(const std::string& text, char sep = ',');

}  // namespace eqw::cli
