package dev.selkie.protocol;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * A parsed PROXY protocol header (HAProxy's {@code proxy-protocol.txt}, versions 1 and 2): who the
 * proxy says the client is. {@link #source()} is empty when the header declares no address (v1
 * {@code UNKNOWN}, v2 {@code LOCAL} such as a proxy's own health check, or v2 {@code UNSPEC}/UNIX
 * families): the connection then keeps the socket's own peer address.
 *
 * @param version 1 or 2
 * @param source the client's address and port as declared, if any
 * @param destination the address and port the client connected to, as declared, if any
 * @param tlvs the v2 type-length-value fields, in order (empty for v1)
 */
public record ProxyHeader(int version, Optional<InetSocketAddress> source, Optional<InetSocketAddress> destination,
                          List<Tlv> tlvs) {
    /** PP2_TYPE_ALPN: the application protocol the client negotiated with the proxy. */
    public static final int TLV_ALPN = 0x01;
    /** PP2_TYPE_AUTHORITY: the host name the client asked for (e.g. TLS SNI). */
    public static final int TLV_AUTHORITY = 0x02;
    /** PP2_TYPE_UNIQUE_ID: an opaque connection id of up to 128 bytes. */
    public static final int TLV_UNIQUE_ID = 0x05;

    public ProxyHeader {
        tlvs = List.copyOf(tlvs);
    }

    /** One v2 TLV field. The value array is the parser's own copy; treat it as read-only. */
    public record Tlv(int type, byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Tlv t && t.type == type && java.util.Arrays.equals(t.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * type + java.util.Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Tlv[type=0x" + Integer.toHexString(type) + ", " + value.length + " bytes]";
        }
    }

    /** The first TLV of this type, if the header carries one. */
    public Optional<Tlv> tlv(int type) {
        return tlvs.stream().filter(t -> t.type() == type).findFirst();
    }
}
