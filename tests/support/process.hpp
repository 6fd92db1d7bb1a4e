#pragma once
// Test helper: runs the coolhead executable as a child process with pipes for stdin, stdout
// and stderr, so end-to-end tests can script the console, read what it prints, and kill it.
// Every wait is bounded.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace coolhead::testing {

class child_process {
public:
    /// Starts `program` with `args` and extra environment variables (added to the current ones).
    child_process(std::string const& program, std::vector<std::string> const& args,
                  std::map<std::string, std::string> const& env = {});
    ~child_process();
    child_process(child_process const&) = delete;
    child_process& operator=(child_process const&) = delete;

    /// Writes to the child's stdin.
    void write(std::string const& text);
    /// Closes the child's stdin (end of input).
    void close_stdin();
    /// Reads what stdout has so far, waiting at most `timeout` for anything new.
    std::string read_some(std::chrono::milliseconds timeout);
    /// Reads stdout until `needle` appears in everything read so far, or `timeout` passes.
    /// Returns everything read so far either way.
    std::string read_until(std::string const& needle, std::chrono::milliseconds timeout);
    /// Everything read from stdout so far.
    std::string const& out() const { return out_; }
    /// Everything read from stderr so far (drained on wait()).
    std::string const& err() const { return err_; }

    void kill(int signal);
    /// Waits for the child to exit (bounded); returns its exit status as from waitpid, or
    /// nothing on timeout (then it is killed).
    std::optional<int> wait(std::chrono::milliseconds timeout);
    pid_t pid() const { return pid_; }

private:
    void drain(int fd, std::string& into, std::chrono::milliseconds timeout);

    pid_t pid_ = -1;
    int in_ = -1, out_fd_ = -1, err_fd_ = -1;
    std::string out_, err_;
    bool reaped_ = false;
};

/// Runs `program args` with `input` on stdin to completion (bounded) and returns stdout,
/// stderr and the exit code (-1 on timeout or a signal).
struct run_result {
    std::string out, err;
    int exit_code = -1;
};
run_result run_to_end(std::string const& program, std::vector<std::string> const& args, std::string const& input,
                      std::map<std::string, std::string> const& env = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds{60});

} // namespace coolhead::testing
