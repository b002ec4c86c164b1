package dev.selkie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Multi-valued headers of {@link HttpResponse} and {@link HandshakeDecision}, and the one rule that checks them. */
class ResponseHeadersTest {

    @Test
    void withHeaderAppendsAndHeadersGroupsValuesInOrder() {
        HttpResponse base = HttpResponse.text(200, "hi");
        HttpResponse response = base.withHeader("Set-Cookie", "a=1").withHeader("Cache-Control", "no-store")
                .withHeader("set-cookie", "b=2");
        assertEquals(Map.of("Content-Type", List.of("text/plain; charset=utf-8")), base.headers(), "unchanged");
        Map<String, List<String>> headers = response.headers();
        assertEquals(List.of("Content-Type", "Set-Cookie", "Cache-Control"), List.copyOf(headers.keySet()));
        assertEquals(List.of("a=1", "b=2"), headers.get("Set-Cookie"), "grouped under the first spelling");
        assertEquals(List.of("no-store"), headers.get("Cache-Control"));
        assertThrows(UnsupportedOperationException.class, () -> headers.put("X", List.of("y")));
        assertThrows(UnsupportedOperationException.class, () -> headers.get("Set-Cookie").add("c=3"));
        assertThrows(UnsupportedOperationException.class, () -> headers.entrySet().clear());
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), response.body());
    }

    @Test
    void factoriesKeepTheMapsOrder() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("Location", "/login");
        given.put("Set-Cookie", "a=1");
        HttpResponse response = HttpResponse.of(302, given, new byte[0]).withHeader("Set-Cookie", "b=2");
        assertEquals(List.of("Location", "Set-Cookie"), List.copyOf(response.headers().keySet()));
        assertEquals(List.of("a=1", "b=2"), response.headers().get("Set-Cookie"));
        assertEquals(Map.of("Content-Type", List.of("image/png")),
                HttpResponse.of(200, "image/png", new byte[] {1}).headers());
    }

    @Test
    void headerInjectionIsRefusedWhereTheResponseIsMade() {
        HttpResponse ok = HttpResponse.text(200, "ok");
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("X", "a\r\nSet-Cookie: evil=1"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("X", "a\nb"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("X", "a\rb"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("X", "nul\u0000"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("X", "\u20ac"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("X", null));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("X\r\nEvil", "a"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("Bad Name", "a"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("", "a"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader(null, "a"));
        assertThrows(IllegalArgumentException.class, () -> HttpResponse.of(200, Map.of("X", "a\r\n\r\n<html>"),
                new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> HttpResponse.of(200, "text/html\r\nX: 1", new byte[0]));
        assertEquals(List.of("tab\tand latin-1 \u00e9"), ok.withHeader("X", "tab\tand latin-1 \u00e9").headers().get("X"));
    }

    @Test
    void theFramingHeadersAreTheServersAndRefused() {
        HttpResponse ok = HttpResponse.text(200, "ok");
        for (String name : new String[] {"Content-Length", "content-length", "Connection", "CONNECTION",
                "Transfer-Encoding"}) {
            assertThrows(IllegalArgumentException.class, () -> ok.withHeader(name, "1"), name);
            assertThrows(IllegalArgumentException.class, () -> HttpResponse.of(200, Map.of(name, "1"), new byte[0]),
                    name);
        }
        assertThrows(IllegalArgumentException.class, () -> HttpResponse.of(204, Map.of(), new byte[1]));
        assertEquals(204, HttpResponse.of(204, Map.of(), new byte[0]).status());
        assertThrows(IllegalArgumentException.class, () -> HttpResponse.text(199, ""));
    }

    @Test
    void handshakeDecisionsAppendHeadersForThe101() {
        AttributeKey<String> who = AttributeKey.of("who");
        HandshakeDecision accept = HandshakeDecision.accept().with(who, "me");
        HandshakeDecision twoCookies = accept.withHeader("Set-Cookie", "a=1").withHeader("Set-Cookie", "b=2")
                .withHeaders(Map.of("X-Node", "n1"));
        assertEquals(Map.of(), accept.extraHeaders(), "unchanged");
        assertEquals(Map.of(), HandshakeDecision.accept().extraHeaders());
        assertEquals(List.of("a=1", "b=2"), twoCookies.extraHeaders().get("Set-Cookie"));
        assertEquals(List.of("Set-Cookie", "X-Node"), List.copyOf(twoCookies.extraHeaders().keySet()));
        assertEquals("me", twoCookies.attribute(who).orElseThrow());
        assertEquals(List.of("a=1", "b=2", "c=3"), twoCookies.withHeaders(Map.of("Set-Cookie", "c=3"))
                .extraHeaders().get("Set-Cookie"), "withHeaders appends too");
        assertThrows(UnsupportedOperationException.class, () -> twoCookies.extraHeaders().remove("X-Node"));
    }

    @Test
    void handshakeDecisionsRefuseInjectionAndTheHeadersOfThe101() {
        HandshakeDecision accept = HandshakeDecision.accept();
        assertThrows(IllegalArgumentException.class, () -> accept.withHeader("Set-Cookie", "a=1\r\nX: 2"));
        assertThrows(IllegalArgumentException.class, () -> accept.withHeaders(Map.of("X\nY", "1")));
        for (String name : new String[] {"Upgrade", "connection", "Sec-WebSocket-Accept", "sec-websocket-protocol",
                "Sec-WebSocket-Extensions", "Content-Length", "Transfer-Encoding"}) {
            assertThrows(IllegalArgumentException.class, () -> accept.withHeader(name, "x"), name);
            assertThrows(IllegalArgumentException.class, () -> accept.withHeaders(Map.of(name, "x")), name);
        }
        HandshakeDecision reject = HandshakeDecision.reject(HttpResponse.text(401, "no")
                .withHeader("Set-Cookie", "a=; Max-Age=0").withHeader("Set-Cookie", "b=; Max-Age=0"));
        assertEquals(List.of("a=; Max-Age=0", "b=; Max-Age=0"),
                reject.rejection().orElseThrow().headers().get("Set-Cookie"));
        assertEquals(Map.of(), reject.extraHeaders());
        assertThrows(IllegalStateException.class, () -> reject.withHeader("X", "1"));
        assertThrows(IllegalStateException.class, () -> reject.withHeaders(Map.of("X", "1")));
    }

    @Test
    void asyncHttpHandlerAndHttpHandlerAreSeparateBuilderMethods() {
        // lambdas stay unambiguous: one method per kind of handler
        WebSocketServer.Builder builder = WebSocketServer.builder().listener(new WebSocketAdapter() { })
                .httpHandler(request -> HttpResponse.text(200, "sync"))
                .asyncHttpHandler(request -> java.util.concurrent.CompletableFuture.completedFuture(
                        HttpResponse.text(200, "async")));
        assertThrows(NullPointerException.class, () -> builder.asyncHttpHandler(null));
        assertThrows(NullPointerException.class, () -> builder.httpHandler(null));
        assertTrue(builder.build() != null);
    }
}
