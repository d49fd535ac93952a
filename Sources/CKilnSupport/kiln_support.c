#define _GNU_SOURCE
#include "kiln_support.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static void child_fail(int report_fd, int err) {
    ssize_t ignored = write(report_fd, &err, sizeof err);
    (void)ignored;
    _exit(127);
}

int kiln_spawn(const char *path, char *const argv[], char *const envp[],
               const int *fds, int fd_count, int pdeathsig, pid_t *out_pid) {
    return kiln_spawn_grouped(path, argv, envp, fds, fd_count, pdeathsig, KILN_SPAWN_NEW_GROUP, out_pid);
}

int kiln_spawn_grouped(const char *path, char *const argv[], char *const envp[],
                       const int *fds, int fd_count, int pdeathsig, int grouping, pid_t *out_pid) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(report[0]); close(report[1]);
        return err;
    }
    if (pid == 0) {
        // Only async-signal-safe calls from here on.
        // Default handlers first, then unblock: no signal may reach a handler inherited from Kiln.
        for (int sig = 1; sig < NSIG; sig++) {
            if (sig == SIGKILL || sig == SIGSTOP) continue;
            signal(sig, SIG_DFL);
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (pdeathsig != 0) {
            if (prctl(PR_SET_PDEATHSIG, pdeathsig) != 0) child_fail(report[1], errno);
            if (getppid() != parent) _exit(127);  // the parent is already gone
        }
        if (grouping == KILN_SPAWN_NEW_GROUP && setpgid(0, 0) != 0) child_fail(report[1], errno);
        if (grouping == KILN_SPAWN_NEW_SESSION && setsid() < 0) child_fail(report[1], errno);
        // Move the report pipe and every source descriptor above the target range first,
        // so that no dup2 below overwrites a source that is still needed.
        int floor = fd_count + 3 > 10 ? fd_count + 3 : 10;
        int moved_report = fcntl(report[1], F_DUPFD_CLOEXEC, floor);
        if (moved_report < 0) child_fail(report[1], errno);
        int high[64];
        if (fd_count > 64) child_fail(moved_report, EINVAL);
        for (int i = 0; i < fd_count; i++) {
            high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, floor);
            if (high[i] < 0) child_fail(moved_report, errno);
        }
        for (int i = 0; i < fd_count; i++) {
            if (dup2(high[i], i) < 0) child_fail(moved_report, errno);  // dup2 clears FD_CLOEXEC
        }
        // Everything else is closed when exec succeeds.
        if (syscall(SYS_close_range, (unsigned)fd_count, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
            for (int fd = fd_count; fd < 4096; fd++) {
                if (fd != moved_report) fcntl(fd, F_SETFD, FD_CLOEXEC);
            }
        }
        execve(path, argv, envp);
        child_fail(moved_report, errno);
    }
    close(report[1]);
    int child_errno = 0;
    ssize_t n;
    do {
        n = read(report[0], &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof child_errno) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return child_errno;
    }
    *out_pid = pid;
    return 0;
}

int kiln_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 ? 0 : errno;
}

int kiln_socketpair(int fds[2]) {
    return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0 ? 0 : errno;
}

int kiln_dgram_socketpair(int fds[2]) {
    return socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds) == 0 ? 0 : errno;
}

int kiln_set_cloexec(int fd, int on) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return errno;
    flags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
    return fcntl(fd, F_SETFD, flags) == 0 ? 0 : errno;
}

int kiln_pipe(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
}

int kiln_open_tmpfile(const char *directory) {
    return open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}
