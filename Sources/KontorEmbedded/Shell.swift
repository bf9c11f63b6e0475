import Foundation
import KontorCore
import KontorStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs helper programs (initdb, pg_ctl) and answers a few questions about the host.
public enum Shell {
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
    }

    /// Runs `executable` with `arguments`, as `user` when given (through `runuser`, since
    /// PostgreSQL refuses to run as root). Output and error are captured together.
    ///
    /// Uses `posix_spawn` and `waitpid` directly: Foundation's `Process.waitUntilExit` can miss
    /// the child's exit when called from a Swift concurrency thread on Linux. Output goes to a
    /// file, not a pipe: `pg_ctl start` leaves a server running that may hold inherited
    /// descriptors, and reading a pipe to its end would then never return.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], as user: String? = nil) throws -> Result {
        let argv = user.map { [runuser, "-u", $0, "--", executable] + arguments } ?? [executable] + arguments
        let outputPath = NSTemporaryDirectory() + "kontor-shell-" + Identifier.make("o", length: 12)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        // The child starts with no signal blocked and every signal at its default: threads of
        // this process block some (SIGALRM among them), and a child inheriting that mask never
        // sees its own alarm (pgbench -T would run forever).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
        guard spawned == 0 else {
            throw StoreError.postgresFailed("cannot run \(argv[0]): error \(spawned)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw StoreError.postgresFailed("lost track of \(argv[0])") }
        }
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        return Result(status: exitStatus, output: String(decoding: data, as: UTF8.self))
    }

    public static var isRoot: Bool { getuid() == 0 }

    public static var runuser: String {
        ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
            ?? "/usr/sbin/runuser"
    }

    /// Owner uid and gid of a system user (`postgres`), read from the passwd database.
    public static func ids(of user: String) -> (uid: uid_t, gid: gid_t)? {
        guard let entry = getpwnam(user) else { return nil }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// Changes the owner of `path` (not recursively).
    public static func chown(_ path: String, to user: String) throws {
        guard let ids = ids(of: user) else { throw StoreError.postgresFailed("system user \(user) does not exist") }
        guard Glibc.chown(path, ids.uid, ids.gid) == 0 else {
            throw StoreError.postgresFailed("cannot hand \(path) to user \(user)")
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it).
    public static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StoreError.postgresFailed("cannot open a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw StoreError.postgresFailed("cannot bind a loopback port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw StoreError.postgresFailed("cannot read the bound port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something already listens on `host:port` (used to fail early with a clear message).
    public static func isListening(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return connected == 0
    }

    public static var processID: Int32 { getpid() }
}
