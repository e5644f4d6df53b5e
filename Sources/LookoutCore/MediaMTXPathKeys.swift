/// The keys of one MediaMTX v1.20.1 path configuration (`api/openapi.yaml`, schema `PathConf`):
/// what Lookout may write under `paths:` (MediaMTX refuses a file with any other key) and what
/// the MediaMTX double accepts. One list for both: a second copy could only drift, it could not
/// catch a wrong key the contract does not have.
public enum MediaMTXPathKeys {
    public static let all: Set<String> = [
        "alwaysAvailable", "alwaysAvailableFile", "alwaysAvailableTracks", "disablePublisherOverride", "fallback", "forward",
        "maxReaders", "moqTransport", "mpegtsUDPReadBufferSize", "overridePublisher", "playback", "publishIPs", "publishPass",
        "publishUser", "readIPs", "readPass", "readUser", "record", "recordDeleteAfter", "recordFormat", "recordMaxPartSize",
        "recordPartDuration", "recordPath", "recordSegmentDuration", "rpiCameraAWB", "rpiCameraAWBGains", "rpiCameraAfMode",
        "rpiCameraAfRange", "rpiCameraAfSpeed", "rpiCameraAfWindow", "rpiCameraBitrate", "rpiCameraBrightness", "rpiCameraCamID",
        "rpiCameraCodec", "rpiCameraContrast", "rpiCameraDenoise", "rpiCameraEV", "rpiCameraExposure", "rpiCameraFPS",
        "rpiCameraFlickerPeriod", "rpiCameraGain", "rpiCameraHDR", "rpiCameraHFlip", "rpiCameraHeight", "rpiCameraIDRPeriod",
        "rpiCameraJPEGQuality", "rpiCameraLensPosition", "rpiCameraLevel", "rpiCameraMJPEGQuality", "rpiCameraMetering",
        "rpiCameraMode", "rpiCameraProfile", "rpiCameraROI", "rpiCameraSaturation", "rpiCameraSecondary", "rpiCameraSharpness",
        "rpiCameraShutter", "rpiCameraTextOverlay", "rpiCameraTextOverlayEnable", "rpiCameraTuningFile", "rpiCameraVFlip",
        "rpiCameraWidth", "rtpSDP", "rtpUDPReadBufferSize", "rtspAnyPort", "rtspDemuxMpegts", "rtspRangeStart", "rtspRangeType",
        "rtspScale", "rtspTransport", "rtspUDPReadBufferSize", "rtspUDPSourcePortRange", "runOnAvailable",
        "runOnAvailableRestart", "runOnDemand", "runOnDemandCloseAfter", "runOnDemandRestart", "runOnDemandStartTimeout",
        "runOnInit", "runOnInitRestart", "runOnNotReady", "runOnOffline", "runOnOnline", "runOnOnlineRestart", "runOnRead",
        "runOnReadRestart", "runOnReady", "runOnReadyRestart", "runOnRecordSegmentComplete", "runOnRecordSegmentCreate",
        "runOnUnDemand", "runOnUnavailable", "runOnUnread", "source", "sourceAnyPortEnable", "sourceFingerprint",
        "sourceOnDemand", "sourceOnDemandCloseAfter", "sourceOnDemandStartTimeout", "sourceProtocol", "sourceRedirect",
        "srtPublishPassphrase", "srtReadPassphrase", "useAbsoluteTimestamp", "whepBearerToken", "whepHandshakeTimeout",
        "whepSTUNGatherTimeout", "whepTrackGatherTimeout",
    ]
}
