// The eqw subcommands. Each takes the arguments after its name and returns the exit code;
// errors go to stderr as "eqw <command>: <message>".
#pragma once

#include <string>
#include <vector>

namespace eqw::cli {

using Argv = std::vector<std::string>;

int cmdInspect(const Argv& args);
int cmdRun(const Argv& args);
int cmdBench(const Argv& args);
int cmdExport(const Argv& args);
int cmdCalibrate(const Argv& args);
int cmdEval(const Argv& args);

// Prints "eqw <command>: <message>" to stderr and returns 1 (2 for usage errors).
int fail(const std::string& command, const std::string& message, int code = 1);

}  // namespace eqw::cli
