/// The stream URL key every test process and test store uses (`LOOKOUT_STREAM_URL_KEY`): 32
/// fixed bytes, so a test can open what a worker process sealed. Never a production key.
public enum TestStreamURLKey {
    /// `test-1:<base64 of 0x01…0x20>`.
    public static let setting = "test-1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
    /// A second key, for rotation tests.
    public static let next = "test-2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
}
