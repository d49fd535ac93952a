#ifndef KILN_SUPPORT_H
#define KILN_SUPPORT_H
#include <sys/types.h>

/// Forks and execs `path` with `argv`/`envp`.
/// In the child: `fds[i]` becomes descriptor `i` (for i < fd_count; the rest are closed), the signal
/// mask and dispositions are reset, the child gets its own process group (so a terminal's Ctrl-C
/// reaches only Kiln, which then tears the child down in order), and `pdeathsig` (if non-zero) is
/// delivered to the child when the calling *thread* exits. Call it from a thread that lives as long
/// as the process. Returns 0 and sets `*pid`, or an errno value (also for a failed exec).
int kiln_spawn(const char *path, char *const argv[], char *const envp[],
               const int *fds, int fd_count, int pdeathsig, pid_t *pid);

/// Where `kiln_spawn_grouped`'s child goes: a process group of its own (as `kiln_spawn`), Kiln's
/// own group (a program attached to Kiln's terminal, which must be in its foreground group), or a
/// session of its own (a background copy of Kiln that outlives the terminal).
enum { KILN_SPAWN_NEW_GROUP = 0, KILN_SPAWN_SAME_GROUP = 1, KILN_SPAWN_NEW_SESSION = 2 };

/// `kiln_spawn` with the child's process group chosen by `grouping` (a `KILN_SPAWN_*` value).
int kiln_spawn_grouped(const char *path, char *const argv[], char *const envp[],
                       const int *fds, int fd_count, int pdeathsig, int grouping, pid_t *out_pid);

/// Marks the calling process as a child subreaper (PR_SET_CHILD_SUBREAPER). Returns 0 or errno.
int kiln_set_child_subreaper(void);

/// A connected AF_UNIX stream socket pair with close-on-exec set on both ends. Returns 0 or errno.
int kiln_socketpair(int fds[2]);

/// A connected AF_UNIX datagram socket pair (one datagram = one Ethernet frame), close-on-exec
/// on both ends. Returns 0 or errno.
int kiln_dgram_socketpair(int fds[2]);

/// A pipe with close-on-exec set on both ends. Returns 0 or errno.
int kiln_pipe(int fds[2]);

/// Opens a nameless, read-write file in `directory` (O_TMPFILE): it vanishes with its last
/// descriptor. Returns the descriptor, or -1 with errno set.
int kiln_open_tmpfile(const char *directory);

/// Sets or clears FD_CLOEXEC. Returns 0 or errno.
int kiln_set_cloexec(int fd, int on);
#endif
