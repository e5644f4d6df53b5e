import Foundation

/// Helpers on libpq-style URLs (`postgres://user:password@host:port/database?parameters`).
public enum PostgresURL {
    /// `url` naming database `name` instead, its parameters kept: how benches and tests reach the
    /// scratch databases they create next to the configured one.
    public static func replacingDatabase(in url: String, with name: String) -> String {
        guard let slash = url.range(of: "/", options: .backwards), !url[..<slash.lowerBound].hasSuffix("/") else { return url + "/" + name }
        let query = url[slash.upperBound...].firstIndex(of: "?").map { String(url[$0...]) } ?? ""
        return String(url[..<slash.upperBound]) + name + query
    }
}
