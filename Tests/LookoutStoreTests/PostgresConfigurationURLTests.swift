import LookoutStore
import PostgresNIO
import Testing

@Suite("PostgresClient.Configuration(url:)")
struct PostgresConfigurationURLTests {
    @Test func parsesEveryPart() throws {
        let configuration = try PostgresClient.Configuration(
            url: "postgres://lookout:s%40cret@db.example.com:6543/lookout_prod?sslmode=disable&connect_timeout=3&application_name=lookout"
        )
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "lookout")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "lookout_prod")
        #expect(configuration.options.connectTimeout == .seconds(3))
        #expect(configuration.options.additionalStartupParameters.map { "\($0.0)=\($0.1)" } == ["application_name=lookout"])
    }

    @Test func fillsInDefaults() throws {
        let configuration = try PostgresClient.Configuration(url: "postgresql://postgres@127.0.0.1")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 5432)
        #expect(configuration.password == nil)
        #expect(configuration.database == nil)
    }

    @Test func acceptsAnIPv6Host() throws {
        let configuration = try PostgresClient.Configuration(url: "postgres://u@[::1]:5433/db")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 5433)
    }

    @Test(arguments: [
        ("not a url", PostgresURLError.Code.malformedURL),
        ("http://u@h/db", .unsupportedScheme),
        ("postgres:///db", .missingHost),
        ("postgres://h/db", .missingUsername),
        ("postgres://u@h:0/db", .invalidPort),
        ("postgres://u@h/a/b", .malformedURL),
        ("postgres://u@h/db?sslmode=bogus", .invalidParameterValue),
        ("postgres://u@h/db?connect_timeout=soon", .invalidParameterValue),
        ("postgres://u@h/db?ssl=true", .unsupportedParameter),
    ])
    func rejectsMalformedURLs(url: String, code: PostgresURLError.Code) {
        let error = #expect(throws: PostgresURLError.self) {
            try PostgresClient.Configuration(url: url)
        }
        #expect(error?.code == code)
    }

    @Test func errorsNeverShowThePassword() throws {
        let error = try #require(throws: PostgresURLError.self) {
            try PostgresClient.Configuration(url: "postgres://u:hunter2@h/db?sslmode=nope")
        }
        #expect(error.message == "sslmode 'nope' is not one of disable, allow, prefer, require, verify-ca, verify-full")
        #expect(!"\(error)".contains("hunter2"))
    }

    /// The test server has no TLS: the default and `sslmode=disable` connect, `require` must not.
    @Test(.timeLimit(.minutes(1)))
    func tlsIsOffUnlessRequired() async throws {
        let base = String(try TestDatabase.serverURL().prefix { $0 != "?" })
        for url in [base, base + "?sslmode=disable"] {
            let answer = try await TestDatabase.withClient(try .init(url: url)) { try await $0.scalar("SELECT 1", as: Int.self) }
            #expect(answer == 1)
        }
        let required = try PostgresClient.Configuration(url: base + "?sslmode=require&connect_timeout=2")
        let connected = try await TestDatabase.withClient(required) { client in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { (try? await client.scalar("SELECT 1", as: Int.self)) == 1 }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
        }
        #expect(!connected)
    }
}
