import Foundation
public import PostgresNIO

extension PostgresClient.Configuration {
    /// Creates a configuration from a libpq-style URL:
    /// `postgres://user:password@host:port/database?sslmode=disable`.
    ///
    /// - The scheme is `postgres` or `postgresql`; the port defaults to 5432; user and password may be
    ///   percent-encoded; without a database the server uses the user name.
    /// - `sslmode` follows libpq: `disable` and `allow` (and no `sslmode`) turn TLS off, `prefer` tries
    ///   it, `require` insists on it without checking the certificate, `verify-ca` also checks the
    ///   chain and `verify-full` the host name too.
    /// - `connect_timeout` (seconds) and `application_name` are honoured; any other parameter is an
    ///   error, so a typo does not silently weaken a setting.
    ///
    /// - Throws: ``PostgresURLError`` naming what is wrong. The message never contains the password.
    public init(url: String) throws(PostgresURLError) {
        guard let components = URLComponents(string: url), let rawScheme = components.scheme else {
            throw PostgresURLError(.malformedURL, "expected postgres://user:password@host:port/database")
        }
        let scheme = rawScheme.lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresURLError(.unsupportedScheme, "scheme '\(scheme)' is not supported; use postgres:// or postgresql://")
        }
        guard var host = components.host, !host.isEmpty else {
            throw PostgresURLError(.missingHost, "the URL has no host name")
        }
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        let port = try Self.port(of: components)
        guard let username = components.user, !username.isEmpty else {
            throw PostgresURLError(.missingUsername, "the URL has no user name (postgres://USER@host/database)")
        }
        let database = try Self.database(of: components)

        var tls = PostgresClient.Configuration.TLS.disable
        var options = PostgresClient.Configuration.Options()
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                tls = try Self.tls(sslmode: value)
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw PostgresURLError(.invalidParameterValue, "connect_timeout must be a positive number of seconds, not '\(value)'")
                }
                options.connectTimeout = .seconds(seconds)
            case "application_name":
                options.additionalStartupParameters.append(("application_name", value))
            default:
                throw PostgresURLError(.unsupportedParameter, "parameter '\(item.name)' is not supported")
            }
        }

        self.init(host: host, port: port, username: username, password: components.password, database: database, tls: tls)
        self.options = options
    }

    private static func port(of components: URLComponents) throws(PostgresURLError) -> Int {
        // URLComponents rejects a non-numeric port outright; this catches 0 and out-of-range values.
        guard let port = components.port else { return 5432 }
        guard (1...65535).contains(port) else {
            throw PostgresURLError(.invalidPort, "port \(port) is not between 1 and 65535")
        }
        return port
    }

    private static func database(of components: URLComponents) throws(PostgresURLError) -> String? {
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty else { return nil }
        guard !path.contains("/") else {
            throw PostgresURLError(.malformedURL, "the path must be a single database name, not '\(path)'")
        }
        return path
    }

    private static func tls(sslmode: String) throws(PostgresURLError) -> PostgresClient.Configuration.TLS {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch sslmode {
        case "disable", "allow":
            return .disable
        case "prefer":
            return .prefer(unverified)
        case "require":
            return .require(unverified)
        case "verify-ca":
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .noHostnameVerification
            return .require(configuration)
        case "verify-full":
            return .require(.makeClientConfiguration())
        default:
            throw PostgresURLError(
                .invalidParameterValue,
                "sslmode '\(sslmode)' is not one of disable, allow, prefer, require, verify-ca, verify-full"
            )
        }
    }
}
