/**
 * The Sans-I/O protocol core of RFC 6455 (and the extension seam RFC 7692 plugs into): HTTP
 * upgrade parsing and validation for both ends, frame decoding and encoding for either {@link
 * dev.selkie.protocol.Role}, message assembly, UTF-8 validation and the closing handshake. Plain
 * classes fed with bytes: what they find comes out as calls of a handler ({@link
 * dev.selkie.protocol.ProtocolHandler}) or as return values, and what is to be sent as bytes or
 * typed handler calls; no channels, threads or clocks. Not exported.
 */
package dev.selkie.protocol;
