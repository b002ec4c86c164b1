package dev.selkie.protocol;

/**
 * Which end of a connection a protocol object plays (RFC 6455 section 5.1): a client masks every
 * frame it sends and must not receive masked frames; a server sends unmasked frames and must
 * receive masked ones. A frame that breaks its direction's rule is a protocol error (1002).
 */
public enum Role {
    /** Receives masked frames, sends unmasked ones. */
    SERVER,
    /** Receives unmasked frames, sends masked ones (a fresh key per frame). */
    CLIENT;

    /** Whether frames arriving at this end must carry a masking key. */
    boolean receivesMasked() {
        return this == SERVER;
    }
}
