package dev.selkie.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.Compression;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ExtensionOffer;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.testing.ClientDeflate;
import dev.selkie.testing.EchoServer;
import dev.selkie.testing.RawClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Autobahn|Testsuite categories 12 and 13 against the echo server (compression in its default
 * shared mode, and a second one in the context-takeover mode): compressed messages of 16 B to 128
 * KiB, in one frame or fragmented, of text and binary data sets, for each offer a client may make,
 * echoed compressed and checked byte for byte with a client-side deflate written on java.util.zip.
 */
class ConformanceDeflateTest {
    static final int MAX = 16 * 1024 * 1024;
    /** Autobahn's (payload size, auto-fragment size) pairs. */
    private static final int[][] SIZES = {
        {16, 0}, {64, 0}, {256, 0}, {1024, 0}, {4096, 0}, {8192, 0}, {16384, 0}, {32768, 0}, {65536, 0},
        {131072, 0}, {8192, 256}, {16384, 256}, {32768, 256}, {65536, 256}, {131072, 256}, {131072, 1024},
        {131072, 4096}, {131072, 32768},
    };
    static final int MESSAGES = 10;
    static WebSocketServer shared;
    static WebSocketServer takeover;
    /** Opens an upgraded client to a server's port, offering extensions. */
    static Offering connector;

    /** How a test reaches the echo servers (plain here, TLS in a subclass). */
    interface Offering {
        RawClient open(int port, String offer) throws java.io.IOException;
    }

    @BeforeAll
    static void start() {
        shared = EchoServer.start(MAX);
        takeover = EchoServer.start(MAX, Compression.contextTakeover(1000));
        connector = RawClient::openOffering;
    }

    @AfterAll
    static void stop() {
        shared.stop(Duration.ofSeconds(5));
        takeover.stop(Duration.ofSeconds(5));
    }

    /** Autobahn's data sets, generated: text of several kinds and binary that does not compress. */
    private enum DataSet {
        GERMAN_TEXT(false), BITMAP(true), RANDOM_BINARY(true), JSON(false), HTML(false);

        final boolean binary;
        final byte[] data;

        DataSet(boolean binary) {
            this.binary = binary;
            this.data = generate(name(), 300_000);
        }
    }

    private static byte[] generate(String kind, int size) {
        Random random = new Random(kind.hashCode());
        StringBuilder sb = new StringBuilder(size + 200);
        String[] words = {"Habe", "nun", "ach", "Philosophie", "Juristerei", "und", "Medizin", "leider",
            "auch", "Theologie", "durchaus", "studiert", "mit", "heißem", "Bemühn", "Öl", "Tür", "größer"};
        switch (kind) {
            case "GERMAN_TEXT" -> {
                while (sb.length() < size) {
                    sb.append(words[random.nextInt(words.length)]).append(random.nextInt(9) == 0 ? ".\n" : " ");
                }
            }
            case "JSON" -> {
                while (sb.length() < size) {
                    sb.append("{\"id\":").append(random.nextInt(100000)).append(",\"name\":\"")
                            .append(words[random.nextInt(words.length)]).append("\",\"tags\":[\"a\",\"b\"]},");
                }
            }
            case "HTML" -> {
                while (sb.length() < size) {
                    sb.append("<div class=\"row\"><span>").append(words[random.nextInt(words.length)])
                            .append("</span><a href=\"/p/").append(random.nextInt(1000)).append("\">link</a></div>\n");
                }
            }
            case "BITMAP" -> {
                byte[] b = new byte[size];
                for (int i = 0; i < size; i++) {
                    b[i] = (byte) ((i / 64 + i % 512 / 128) % 3 == 0 ? 0xFF : random.nextInt(4));
                }
                return b;
            }
            default -> {
                byte[] b = new byte[size];
                random.nextBytes(b);
                return b;
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The message of {@code length} bytes starting at {@code offset}, whole characters for text. */
    private static byte[] slice(DataSet set, int offset, int length) {
        byte[] data = set.data;
        int from = offset % (data.length - length);
        if (!set.binary) {
            while ((data[from] & 0xC0) == 0x80) {
                from++; // do not start inside a character
            }
        }
        int to = from + length;
        if (!set.binary) {
            while ((data[to] & 0xC0) == 0x80) {
                to--; // nor end inside one
            }
        }
        return java.util.Arrays.copyOfRange(data, from, to);
    }

    static Stream<Arguments> category12() {
        List<Arguments> cases = new ArrayList<>();
        int j = 1;
        for (DataSet set : DataSet.values()) {
            for (int i = 0; i < SIZES.length; i++) {
                cases.add(Arguments.of("12." + j + "." + (i + 1), set, SIZES[i][0], SIZES[i][1]));
            }
            j++;
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} B, fragments of {3}")
    @MethodSource("category12")
    void category12(String id, DataSet set, int size, int fragment) throws Exception {
        echoCompressed(shared, "permessage-deflate; client_no_context_takeover; client_max_window_bits", set, size,
                fragment);
    }

    /** Autobahn's client offers of category 13: (server_no_context_takeover, server_max_window_bits). */
    private static final String[] OFFERS = {
        "permessage-deflate; client_no_context_takeover; client_max_window_bits",
        "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=8",
        "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=15",
        "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; "
                + "server_max_window_bits=8",
        "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; "
                + "server_max_window_bits=15",
        "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; "
                + "server_max_window_bits=8, permessage-deflate; client_no_context_takeover; client_max_window_bits; "
                + "server_no_context_takeover, permessage-deflate; client_no_context_takeover; client_max_window_bits",
    };

    static Stream<Arguments> category13() {
        List<Arguments> cases = new ArrayList<>();
        for (int j = 0; j < OFFERS.length; j++) {
            for (int i = 0; i < SIZES.length; i++) {
                cases.add(Arguments.of("13." + (j + 1) + "." + (i + 1), OFFERS[j], SIZES[i][0], SIZES[i][1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {2} B, fragments of {3}")
    @MethodSource("category13")
    void category13(String id, String offer, int size, int fragment) throws Exception {
        echoCompressed(shared, offer, DataSet.JSON, size, fragment);
    }

    @ParameterizedTest(name = "{0} {2} B, fragments of {3}, context takeover")
    @MethodSource("category13")
    void category13AgainstTheContextTakeoverMode(String id, String offer, int size, int fragment) throws Exception {
        echoCompressed(takeover, offer, DataSet.JSON, size, fragment);
    }

    /** Sends {@link #MESSAGES} compressed messages one after another; each must come back as sent. */
    private static void echoCompressed(WebSocketServer server, String offer, DataSet set, int size, int fragment)
            throws Exception {
        try (RawClient client = connector.open(server.port(), offer)) {
            assertEquals(1, client.accepted().size(), "permessage-deflate negotiated");
            ExtensionOffer answer = client.accepted().get(0);
            try (ClientDeflate deflate = new ClientDeflate(answer)) {
                int opcode = set.binary ? Opcode.BINARY : Opcode.TEXT;
                for (int m = 0; m < MESSAGES; m++) {
                    byte[] message = slice(set, m * 7919, size);
                    client.sendCompressed(opcode, deflate.compress(message), fragment);
                    ServerFrames.Frame echo = client.readMessage();
                    assertEquals(opcode, echo.opcode(), "the echo's type");
                    byte[] payload = (echo.rsv() & 0x40) != 0 ? deflate.inflate(echo.payload()) : echo.payload();
                    assertArrayEquals(message, payload, "message " + m);
                    boolean smallWindow = answer.param("server_max_window_bits")
                            .map(p -> !"15".equals(p.value())).orElse(false);
                    if (smallWindow) {
                        assertEquals(0, echo.rsv(), "a window below 15 bits: the server compresses nothing");
                    } else if (message.length >= Compression.shared().threshold() && set != DataSet.RANDOM_BINARY) {
                        assertEquals(0x40, echo.rsv(), "a compressible echo above the threshold is compressed");
                    }
                }
                client.write(dev.selkie.protocol.ClientFrames.close(1000, ""));
                assertEquals(1000, client.readCloseCode());
                assertTrue(client.closedByServer());
            }
        }
    }
}
