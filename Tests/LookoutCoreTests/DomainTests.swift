import LookoutCore
import Testing

@Suite struct PresenceEventTests {
    @Test func roundTripsThroughStreamFields() throws {
        let event = PresenceEvent(
            kind: .disconnected, hostname: "DESKTOP-T7MNQIA", version: 7, sessionID: "s-1", gatewayID: "gw-a", at: 1_700_000_000_000,
            reason: "silent")
        let fields = Dictionary(uniqueKeysWithValues: event.streamFields)
        #expect(try PresenceEvent(streamFields: fields) == event)
    }

    @Test func malformedEntriesNameTheField() {
        let good = ["type": "connected", "host": "h", "v": "1", "session": "s", "gw": "g", "at": "5"]
        var unknownType = good
        unknownType["type"] = "rebooted"
        var badVersion = good
        badVersion["v"] = "x"
        var noHost = good
        noHost["host"] = nil
        for (fields, field) in [(unknownType, "type"), (badVersion, "v"), (noHost, "host")] {
            let error = #expect(throws: PresenceEventError.self) { try PresenceEvent(streamFields: fields) }
            #expect(error?.field == field)
        }
    }
}

@Suite struct RenewalScheduleTests {
    @Test func aSevenDayURLRenewsAfterAboutFiveDays() {
        let day: Int64 = 86_400
        let due = RenewalSchedule().dueAt(issuedAt: 0, expiresAt: 7 * day)
        #expect(due == Int64(4.9 * Double(day)))
    }

    @Test func anExpiredURLIsDueNow() {
        #expect(RenewalSchedule().dueAt(issuedAt: 100, expiresAt: 50) == 100)
    }
}

@Suite struct SecretHashTests {
    @Test func hashesAreSHA256Hex() {
        #expect(SecretHash.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func generatedSecretsAreLongUniqueAndURLSafe() {
        let secrets = (0..<100).map { _ in SecretHash.generate(prefix: "nvr_") }
        #expect(Set(secrets).count == 100)
        for secret in secrets {
            #expect(secret.hasPrefix("nvr_"))
            #expect(secret.count == 4 + 43)
            #expect(secret.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        }
    }
}

@Suite struct RedisKeysTests {
    @Test func everyKeyCarriesThePrefix() {
        let keys = RedisKeys(prefix: "t:")
        let all = [
            keys.presenceStream, keys.presenceDeadLetters, keys.liveness, keys.connectionVersion(hostname: "h"), keys.gateway("g"),
            keys.notifyChannel, keys.notifyHistory, keys.notifySequence, keys.renewals, keys.renewalsDead, keys.mediamtxLease,
            keys.hikRateLimit, keys.hikToken,
        ]
        #expect(all.allSatisfy { $0.hasPrefix("t:") })
        #expect(Set(all).count == all.count)
    }
}
