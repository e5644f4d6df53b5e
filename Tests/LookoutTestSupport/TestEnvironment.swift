import Foundation

/// The servers `make test` started, passed by environment. A test that needs one and finds it
/// unset fails with a message naming the variable instead of skipping: CI always sets them.
public enum TestEnvironment {
    public static var redisURL: String { get throws { try required("LOOKOUT_TEST_REDIS_URL") } }
    /// A superuser URL; tests create their own databases on that server.
    public static var databaseURL: String { get throws { try required("LOOKOUT_TEST_DATABASE_URL") } }

    /// The `lookout` executable that `make test` built.
    public static var lookoutBinary: String {
        if let path = ProcessInfo.processInfo.environment["LOOKOUT_BIN"] { return path }
        // Tests run from the package root; the binary sits next to the test bundle.
        return FileManager.default.currentDirectoryPath + "/.build/debug/lookout"
    }

    static func required(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw MissingTestServer(variable: name) }
        return value
    }

    /// A name no other test uses: keys, streams, groups, databases.
    public static func uniqueName(_ base: String = #function) -> String {
        let cleaned = base.filter { $0.isLetter || $0.isNumber }
        return "test_\(cleaned.prefix(40))_\(UInt32.random(in: .min ... .max))"
    }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct MissingTestServer: Error, CustomStringConvertible {
    public let variable: String
    public var description: String { "\(variable) is not set: run the tests with `make test`, which starts Redis and PostgreSQL" }
}
