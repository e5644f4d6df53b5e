/// `quality` of `live/address/get`: 1 HD (main stream), 2 fluent (sub stream).
public enum HikStreamQuality: Int, Sendable, Hashable, Codable {
    case main = 1
    case sub = 2
}
