/// `/live` plays only cameras with a current stream URL: tests about playback give every
/// camera one (a placeholder: the gateway never opens it, only the MediaMTX sync does).
enum TestStreams {
    static let give = "UPDATE cameras SET stream_url = 'sealed-placeholder', stream_expires_at = now() + interval '1 hour' WHERE stream_url IS NULL"
}
