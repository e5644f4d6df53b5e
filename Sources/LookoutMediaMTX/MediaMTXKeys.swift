import LookoutCore

/// The configuration keys MediaMTX v1.20.1 accepts (`api/openapi.yaml`, schemas `GlobalConf` and
/// `PathConf`). MediaMTX decodes its file strictly: an unknown key is fatal at start and on a
/// hot reload, so Lookout never writes a file with a key outside these lists.
enum MediaMTXKeys {
    /// Keys of one path (under `paths:` and in `pathDefaults:`).
    static let path = MediaMTXPathKeys.all

    /// Top-level keys: the global settings plus `pathDefaults` and `paths`.
    static let topLevel: Set<String> = [
        "pathDefaults", "paths",
        "api", "apiAddress", "apiAllowOrigin", "apiAllowOrigins", "apiEncryption", "apiServerCert", "apiServerKey",
        "apiTrustedProxies", "authHTTPAddress", "authHTTPExclude", "authHTTPFingerprint", "authInternalUsers", "authJWTAudience",
        "authJWTClaimKey", "authJWTExclude", "authJWTInHTTPQuery", "authJWTIssuer", "authJWTJWKS", "authJWTJWKSFingerprint",
        "authMethod", "authMethods", "dumpPackets", "encryption", "externalAuthenticationURL", "hls", "hlsAddress",
        "hlsAllowOrigin", "hlsAllowOrigins", "hlsAlwaysRemux", "hlsCDNSecret", "hlsDirectory", "hlsDisable", "hlsEncryption",
        "hlsMuxerCloseAfter", "hlsPartDuration", "hlsSegmentCount", "hlsSegmentDuration", "hlsSegmentMaxSize", "hlsServerCert",
        "hlsServerKey", "hlsTrustedProxies", "hlsVariant", "logDestinations", "logFile", "logLevel", "logStructured", "metrics",
        "metricsAddress", "metricsAllowOrigin", "metricsAllowOrigins", "metricsEncryption", "metricsServerCert",
        "metricsServerKey", "metricsTrustedProxies", "moq", "moqAllowOrigins", "moqQUICAddress", "moqServerCert", "moqServerKey",
        "moqTrustedProxies", "multicastIPRange", "multicastRTCPPort", "multicastRTPPort", "multicastSRTCPPort",
        "multicastSRTPPort", "playback", "playbackAddress", "playbackAllowOrigin", "playbackAllowOrigins", "playbackEncryption",
        "playbackServerCert", "playbackServerKey", "playbackTrustedProxies", "pprof", "pprofAddress", "pprofAllowOrigin",
        "pprofAllowOrigins", "pprofEncryption", "pprofServerCert", "pprofServerKey", "pprofTrustedProxies", "protocols",
        "readBufferCount", "readTimeout", "record", "recordDeleteAfter", "recordFormat", "recordPartDuration", "recordPath",
        "recordSegmentDuration", "rtcpAddress", "rtmp", "rtmpAddress", "rtmpDisable", "rtmpEncryption", "rtmpServerCert",
        "rtmpServerKey", "rtmpTrustedProxies", "rtmpsAddress", "rtpAddress", "rtsp", "rtspAddress", "rtspAuthMethods",
        "rtspDisable", "rtspEncryption", "rtspServerCert", "rtspServerKey", "rtspTransports", "rtspTrustedProxies",
        "rtspUDPReadBufferSize", "rtspsAddress", "runOnConnect", "runOnConnectRestart", "runOnDisconnect", "srt", "srtAddress",
        "srtcpAddress", "srtpAddress", "sysLogPrefix", "udpMaxPayloadSize", "udpReadBufferSize", "webrtc",
        "webrtcAdditionalHosts", "webrtcAddress", "webrtcAllowOrigin", "webrtcAllowOrigins", "webrtcDisable", "webrtcEncryption",
        "webrtcHandshakeTimeout", "webrtcICEServers", "webrtcICETCPMuxAddress", "webrtcICEUDPMuxAddress",
        "webrtcIPsFromInterfaces", "webrtcIPsFromInterfacesList", "webrtcLocalTCPAddress", "webrtcLocalUDPAddress",
        "webrtcSTUNGatherTimeout", "webrtcServerCert", "webrtcServerKey", "webrtcTrackGatherTimeout", "webrtcTrustedProxies",
        "writeQueueSize", "writeTimeout",
    ]
}
