import LookoutCore
import NIOCore
import Testing

@testable import LookoutGateway

/// "The client's address" behind a load balancer: `X-Forwarded-For` counts only from a
/// trusted proxy, read from the right; networks and /64 grouping.
struct ClientAddressTests {
    let peer = try! SocketAddress(ipAddress: "10.0.0.5", port: 4000)
    let outsider = try! SocketAddress(ipAddress: "198.51.100.9", port: 4000)

    @Test func forwardedForCountsOnlyFromATrustedProxy() throws {
        let none = ClientAddress(trustedProxies: [])
        #expect(none.resolve(peer: peer, forwardedFor: ["203.0.113.7"]) == "10.0.0.5")
        let trusted = ClientAddress(trustedProxies: [try #require(IPNetwork("10.0.0.0/8"))])
        // From the trusted proxy: the rightmost address that is not itself a trusted proxy.
        #expect(trusted.resolve(peer: peer, forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
        #expect(trusted.resolve(peer: peer, forwardedFor: ["1.2.3.4, 203.0.113.7, 10.1.1.1"]) == "203.0.113.7")
        #expect(trusted.resolve(peer: peer, forwardedFor: ["1.2.3.4", "203.0.113.7"]) == "203.0.113.7")
        // What the client wrote itself (the left) is never believed past an untrusted hop.
        #expect(trusted.resolve(peer: peer, forwardedFor: ["10.9.9.9, 203.0.113.7"]) == "203.0.113.7")
        // Not an address: what was believed so far stands.
        #expect(trusted.resolve(peer: peer, forwardedFor: ["garbage"]) == "10.0.0.5")
        #expect(trusted.resolve(peer: peer, forwardedFor: ["203.0.113.7, 10.1.1.1:80"]) == "10.0.0.5")
        #expect(trusted.resolve(peer: peer, forwardedFor: []) == "10.0.0.5")
        #expect(trusted.resolve(peer: peer, forwardedFor: ["[2001:db8::1]"]) == "2001:db8::1")
        // From anyone else the header is ignored.
        #expect(trusted.resolve(peer: outsider, forwardedFor: ["203.0.113.7"]) == "198.51.100.9")
        #expect(trusted.resolve(peer: nil, forwardedFor: ["203.0.113.7"]) == "unknown")
    }

    @Test func networksParseAndMatch() throws {
        let v4 = try #require(IPNetwork("192.168.1.77/24"))
        #expect(v4.description == "192.168.1.0/24")
        #expect(v4.contains(try #require(IPNetwork.bytes(of: "192.168.1.200"))))
        #expect(!v4.contains(try #require(IPNetwork.bytes(of: "192.168.2.1"))))
        #expect(v4.contains(try #require(IPNetwork.bytes(of: "::ffff:192.168.1.9"))))
        let v6 = try #require(IPNetwork("fd00::/8"))
        #expect(v6.contains(try #require(IPNetwork.bytes(of: "fd12:3456::1"))))
        #expect(!v6.contains(try #require(IPNetwork.bytes(of: "fe80::1"))))
        #expect(IPNetwork("10.0.0.1")?.description == "10.0.0.1")
        for bad in ["", "10.0.0.0/33", "fd00::/129", "example.com", "10.0.0.0/x", "fe80::1%eth0", "1.2.3.4:80"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test func ipv6AddressesAreLimitedByTheirSlash64() {
        #expect(IPNetwork.limitGroup("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(IPNetwork.limitGroup("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64")
        #expect(IPNetwork.limitGroup("2001:db8:1:3::1") == "2001:db8:1:3::/64")
        #expect(IPNetwork.limitGroup("203.0.113.7") == "203.0.113.7")
        #expect(IPNetwork.limitGroup("::ffff:203.0.113.7") == "203.0.113.7")
        #expect(IPNetwork.limitGroup("unknown") == "unknown")

        let limiter = FailedAuthLimiter(limit: 3)
        for host in 1...3 { limiter.recordFailure("2001:db8:1:2::\(host)") }
        // A fresh address in the same /64 is refused; the next /64 is not.
        #expect(limiter.retryAfter("2001:db8:1:2:dead:beef:0:1") != nil)
        #expect(limiter.retryAfter("2001:db8:1:3::1") == nil)
    }

    @Test func theLimiterForgetsTheOldestWindowPastItsCapacity() {
        let start = ContinuousClock.now
        let limiter = FailedAuthLimiter(limit: 2, capacity: 1000)
        // The first address is over the limit; then 5,000 others fail once each.
        limiter.recordFailure("198.51.100.1", now: start)
        limiter.recordFailure("198.51.100.1", now: start)
        #expect(limiter.retryAfter("198.51.100.1", now: start) != nil)
        for index in 0..<5000 {
            limiter.recordFailure("2001:db8:\(String(index, radix: 16))::1", now: start + .milliseconds(index))
        }
        #expect(limiter.count == 1000)
        // The oldest went first; the newest are still counted.
        #expect(limiter.retryAfter("198.51.100.1", now: start + .seconds(5)) == nil)
        limiter.recordFailure("2001:db8:1387::2", now: start + .seconds(5))
        #expect(limiter.retryAfter("2001:db8:1387::3", now: start + .seconds(5)) != nil)
        // Windows end: an address may try again, and expired entries make room.
        #expect(limiter.retryAfter("2001:db8:1387::3", now: start + .seconds(66)) == nil)
        limiter.recordFailure("203.0.113.1", now: start + .seconds(120))
        #expect(limiter.count == 1)
    }

    @Test func connectionCountsGoDownWhenConnectionsClose() {
        let limiter = ConnectionLimiter(maxConnections: 3, maxPerAddress: 2)
        #expect(limiter.admit("a") == nil)
        #expect(limiter.admit("a") == nil)
        #expect(limiter.admit("a") == .addressFull)
        #expect(limiter.admit(nil) == nil)  // a trusted proxy: only the total counts
        #expect(limiter.admit("b") == .gatewayFull)
        limiter.release("a")
        #expect(limiter.open(from: "a") == 1)
        #expect(limiter.admit("b") == nil)
        for address in ["a", "b", nil] { limiter.release(address) }
        #expect(limiter.total == 0)
        #expect(limiter.open(from: "a") == 0)
    }
}
