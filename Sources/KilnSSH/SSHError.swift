import Foundation
import KilnCore

/// Something went wrong talking SSH.
public enum SSHError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A libssh2 call failed.
    case libssh2(operation: String, code: Int32, message: String)
    /// A socket call failed.
    case socket(operation: String, errno: Int32, message: String)
    /// The operation's deadline passed.
    case timedOut(operation: String, after: Duration)
    /// The surrounding task was cancelled (its test hit its deadline, or Kiln is stopping).
    case cancelled(operation: String)
    /// The server closed the connection, or it never said it was SSH.
    case notSSH(String)
    /// The connection was closed before this call.
    case closed
    /// The server's host key is not the one the caller expects.
    case hostKeyRejected(presented: String)

    public var description: String {
        switch self {
        case .libssh2(let operation, let code, let message): "\(operation) failed: \(message) (libssh2 error \(code))"
        case .socket(let operation, let errno, let message): "\(operation) failed: \(message) (errno \(errno))"
        case .timedOut(let operation, let after): "\(operation) timed out after \(after.seconds.formatted1)s"
        case .cancelled(let operation): "\(operation) was cancelled"
        case .notSSH(let detail): "no SSH server answered: \(detail)"
        case .closed: "the SSH connection is closed"
        case .hostKeyRejected(let presented): "the server's host key \(presented) is not the expected one"
        }
    }
}

extension Double {
    var formatted1: String { String(format: "%.1f", self) }
}
