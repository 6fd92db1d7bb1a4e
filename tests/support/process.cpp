#include "tests/support/process.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace coolhead::testing {
namespace {

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

} // namespace

child_process::child_process(std::string const& program, std::vector<std::string> const& args,
                             std::map<std::string, std::string> const& env)
{
    int in[2], out[2], err[2];
    if (::pipe(in) || ::pipe(out) || ::pipe(err)) throw std::runtime_error("pipe failed");
    // Build argv and envp before forking: nothing after fork may allocate.
    std::vector<std::string> argv_s{program};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) {
        std::string kv(*e);
        auto name = kv.substr(0, kv.find('='));
        if (!env.contains(name)) env_s.push_back(kv);
    }
    for (auto const& [k, v] : env) env_s.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
        ::execve(program.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    in_ = in[1];
    out_fd_ = out[0];
    err_fd_ = err[0];
    set_nonblocking(out_fd_);
    set_nonblocking(err_fd_);
    ::signal(SIGPIPE, SIG_IGN);
}

child_process::~child_process()
{
    if (!reaped_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    for (int fd : {in_, out_fd_, err_fd_})
        if (fd >= 0) ::close(fd);
}

void child_process::write(std::string const& text)
{
    std::size_t done = 0;
    while (done < text.size()) {
        auto n = ::write(in_, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return; // the child is gone; the test's reads will show it
        }
        done += static_cast<std::size_t>(n);
    }
}

void child_process::close_stdin()
{
    if (in_ >= 0) ::close(in_);
    in_ = -1;
}

void child_process::drain(int fd, std::string& into, std::chrono::milliseconds timeout)
{
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return;
    char buf[65536];
    for (;;) {
        auto n = ::read(fd, buf, sizeof buf);
        if (n <= 0) return;
        into.append(buf, static_cast<std::size_t>(n));
    }
}

std::string child_process::read_some(std::chrono::milliseconds timeout)
{
    drain(out_fd_, out_, timeout);
    drain(err_fd_, err_, std::chrono::milliseconds{0});
    return out_;
}

std::string child_process::read_until(std::string const& needle, std::chrono::milliseconds timeout)
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out_.find(needle) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        auto before = out_.size();
        drain(out_fd_, out_, std::min(left, std::chrono::milliseconds{50}));
        drain(err_fd_, err_, std::chrono::milliseconds{0});
        if (out_.size() == before) {
            int status = 0;
            if (!reaped_ && ::waitpid(pid_, &status, WNOHANG) == pid_) {
                reaped_ = true;
                drain(out_fd_, out_, std::chrono::milliseconds{0});
                break;
            }
        }
    }
    return out_;
}

void child_process::kill(int signal)
{
    if (!reaped_) ::kill(pid_, signal);
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout)
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
        drain(out_fd_, out_, std::chrono::milliseconds{0});
        drain(err_fd_, err_, std::chrono::milliseconds{0});
        if (reaped_) return 0;
        auto r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            reaped_ = true;
            drain(out_fd_, out_, std::chrono::milliseconds{0});
            drain(err_fd_, err_, std::chrono::milliseconds{0});
            return status;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            reaped_ = true;
            return std::nullopt;
        }
        pollfd p[2]{{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
        ::poll(p, 2, 20);
    }
}

run_result run_to_end(std::string const& program, std::vector<std::string> const& args, std::string const& input,
                      std::map<std::string, std::string> const& env, std::chrono::milliseconds timeout)
{
    child_process p(program, args, env);
    p.write(input);
    p.close_stdin();
    auto status = p.wait(timeout);
    run_result r{p.out(), p.err(), -1};
    if (status && WIFEXITED(*status)) r.exit_code = WEXITSTATUS(*status);
    return r;
}

} // namespace coolhead::testing
