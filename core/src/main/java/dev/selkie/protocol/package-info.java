/**
 * The Sans-I/O protocol core of RFC 6455: HTTP upgrade parsing and validation, frame decoding and
 * encoding, message assembly, UTF-8 validation and the closing handshake. Plain classes fed with
 * bytes that return events and bytes; no channels, threads or clocks. Not exported.
 */
package dev.selkie.protocol;
