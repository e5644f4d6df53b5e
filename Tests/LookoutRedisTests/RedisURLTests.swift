import LookoutRedis
import Testing

@Suite struct RedisURLTests {
    @Test func parsesEveryPart() throws {
        let configuration = try RedisConfiguration(url: "redis://app:p%40ss@cache.local:6390/3")
        #expect(configuration.host == "cache.local")
        #expect(configuration.port == 6390)
        #expect(configuration.username == "app")
        #expect(configuration.password == "p@ss")
        #expect(configuration.database == 3)
    }

    @Test func defaultsPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.password == nil)
        #expect(try RedisConfiguration(url: "redis://:secret@h").password == "secret")
    }

    @Test(arguments: ["http://h:1", "redis://", "redis://h:99999", "redis://h:port", "redis://h/x"])
    func rejectsMalformedURLs(url: String) {
        #expect(throws: RedisURLError.self) { try RedisConfiguration(url: url) }
    }
}
