#ifndef KILN_CLIBSSH2_SHIM_H
#define KILN_CLIBSSH2_SHIM_H
// libssh2's convenience API is made of function-like macros, which Swift does not import.
// These static inline wrappers call the `_ex` functions the macros expand to.
#include <libssh2.h>
#include <libssh2_sftp.h>

static const unsigned int CSSH2_CHANNEL_WINDOW_DEFAULT = LIBSSH2_CHANNEL_WINDOW_DEFAULT;
static const unsigned int CSSH2_CHANNEL_PACKET_DEFAULT = LIBSSH2_CHANNEL_PACKET_DEFAULT;
static const int CSSH2_ERROR_EAGAIN = LIBSSH2_ERROR_EAGAIN;
static const int CSSH2_SESSION_BLOCK_INBOUND = LIBSSH2_SESSION_BLOCK_INBOUND;
static const int CSSH2_SESSION_BLOCK_OUTBOUND = LIBSSH2_SESSION_BLOCK_OUTBOUND;

static inline LIBSSH2_SESSION *cssh2_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}
static inline int cssh2_session_disconnect(LIBSSH2_SESSION *s, const char *description) {
    return libssh2_session_disconnect_ex(s, SSH_DISCONNECT_BY_APPLICATION, description, "");
}
static inline LIBSSH2_CHANNEL *cssh2_channel_open_session(LIBSSH2_SESSION *s) {
    return libssh2_channel_open_ex(s, "session", sizeof("session") - 1,
                                   LIBSSH2_CHANNEL_WINDOW_DEFAULT, LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}
static inline int cssh2_channel_exec(LIBSSH2_CHANNEL *c, const char *command, unsigned int length) {
    return libssh2_channel_process_startup(c, "exec", sizeof("exec") - 1, command, length);
}
static inline ssize_t cssh2_channel_read(LIBSSH2_CHANNEL *c, char *buffer, size_t length) {
    return libssh2_channel_read_ex(c, 0, buffer, length);
}
static inline ssize_t cssh2_channel_read_stderr(LIBSSH2_CHANNEL *c, char *buffer, size_t length) {
    return libssh2_channel_read_ex(c, SSH_EXTENDED_DATA_STDERR, buffer, length);
}
static inline ssize_t cssh2_channel_write(LIBSSH2_CHANNEL *c, const char *buffer, size_t length) {
    return libssh2_channel_write_ex(c, 0, buffer, length);
}
static inline int cssh2_userauth_publickey_frommemory(LIBSSH2_SESSION *s, const char *user, size_t userLength,
                                                       const char *publicKey, size_t publicKeyLength,
                                                       const char *privateKey, size_t privateKeyLength) {
    return libssh2_userauth_publickey_frommemory(s, user, userLength, publicKey, publicKeyLength,
                                                 privateKey, privateKeyLength, NULL);
}
static inline LIBSSH2_SFTP_HANDLE *cssh2_sftp_open(LIBSSH2_SFTP *sftp, const char *path, unsigned int pathLength,
                                                   unsigned long flags, long mode) {
    return libssh2_sftp_open_ex(sftp, path, pathLength, flags, mode, LIBSSH2_SFTP_OPENFILE);
}
static const unsigned long CSSH2_FXF_WRITE_CREAT_TRUNC = LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC;
#endif
