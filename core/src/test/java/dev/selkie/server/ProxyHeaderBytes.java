package dev.selkie.server;

/** PROXY protocol v2 headers for the tests. */
final class ProxyHeaderBytes {
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaderBytes() {
    }

    /** A v2 PROXY header for TCP over IPv4 from a.b.c.d:port to 127.0.0.1:443. */
    static byte[] v2Tcp4(int a, int b, int c, int d, int port) {
        byte[] header = new byte[16 + 12];
        System.arraycopy(SIGNATURE, 0, header, 0, 12);
        header[12] = 0x21;
        header[13] = 0x11;
        header[15] = 12;
        header[16] = (byte) a;
        header[17] = (byte) b;
        header[18] = (byte) c;
        header[19] = (byte) d;
        header[20] = 127;
        header[23] = 1;
        header[24] = (byte) (port >> 8);
        header[25] = (byte) port;
        header[26] = 0x01;
        header[27] = (byte) 0xBB;
        return header;
    }
}
