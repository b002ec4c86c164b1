package dev.selkie.demo.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.json.Json;
import dev.selkie.demo.json.JsonException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChatProtocolTest {
    @Test
    void acceptsAChatMessage() throws ChatProtocolException {
        assertEquals("hello\nworld \u00e9 😀",
                ChatProtocol.parseClientMessage("{\"type\":\"message\",\"text\":\"hello\\nworld é 😀\"}"));
        assertEquals("x", ChatProtocol.parseClientMessage("{ \"text\" : \"x\" , \"type\" : \"message\" }"));
    }

    @Test
    void acceptsTextAtTheLimitMeasuredInCodePoints() throws ChatProtocolException {
        String text = "😀".repeat(ChatProtocol.MAX_TEXT_CODE_POINTS);
        assertEquals(text, ChatProtocol.parseClientMessage("{\"type\":\"message\",\"text\":\"" + text + "\"}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json                                        | invalid JSON",
        "{\"type\":\"message\",\"text\":\"a\",}          | invalid JSON",
        "{\"text\":\"hi\"}                               | \"type\" is required",
        "{\"type\":1,\"text\":\"hi\"}                    | \"type\" is required",
        "{\"type\":\"join\",\"text\":\"hi\"}             | unknown message type \"join\"",
        "{\"type\":\"message\"}                          | \"text\" is required",
        "{\"type\":\"message\",\"text\":null}            | \"text\" is required",
        "{\"type\":\"message\",\"text\":5}               | \"text\" is required",
        "{\"type\":\"message\",\"text\":\"hi\",\"from\":\"eve\"} | unknown field \"from\"",
        "{\"type\":\"message\",\"text\":\"\"}            | empty",
        "{\"type\":\"message\",\"text\":\" \\n\\t \"}     | empty",
        "{\"type\":\"message\",\"text\":\"a\\u0000b\"}   | control character",
        "{\"type\":\"message\",\"text\":\"a\\u007fb\"}   | control character",
        "{\"type\":\"message\",\"text\":\"a\\rb\"}       | control character",
        "{\"type\":\"message\",\"text\":{\"x\":1}}       | nested",
        "{\"type\":\"message\",\"text\":[\"hi\"]}        | nested",
        "{\"type\":\"message\",\"text\":\"a\",\"text\":\"b\"} | Duplicate field",
        "{\"type\":\"message\",\"type\":\"message\",\"text\":\"a\"} | Duplicate field",
        "{\"type\":\"message\",\"text\":\"a\",\"\\u0074ext\":\"b\"} | Duplicate field",
        "{\"type\":\"message\",\"text\":true}            | \"text\" is required",
        "{\"type\":\"message\",\"text\":1.5}             | \"text\" is required",
        "{\"type\":null,\"text\":\"hi\"}                 | \"type\" is required",
        "{\"type\":[\"message\"],\"text\":\"hi\"}        | nested",
        "{\"type\":\"Message\",\"text\":\"hi\"}          | unknown message type",
        "{\"type\":\"message\",\"text\":\"\\ud83d\"}     | unpaired surrogate",
        "{\"type\":\"message\",\"text\":\"hi\"} {}        | after the object",
        "[{\"type\":\"message\",\"text\":\"hi\"}]        | invalid JSON",
        "{\"type\":\"message\",\"text\":\"hi\",\"n\":1}    | unknown field \"n\"",
        "{\"type\":\"message\",\"text\":\"hi\",\"n\":1e2147483648} | invalid JSON",
    })
    void rejectsBadMessagesWithAClearReason(String raw, String reason) {
        ChatProtocolException e = assertThrows(ChatProtocolException.class,
                () -> ChatProtocol.parseClientMessage(raw.strip()));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void rejectsTooLongText() {
        String text = "a".repeat(ChatProtocol.MAX_TEXT_CODE_POINTS + 1);
        ChatProtocolException e = assertThrows(ChatProtocolException.class,
                () -> ChatProtocol.parseClientMessage("{\"type\":\"message\",\"text\":\"" + text + "\"}"));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
    }

    @Test
    void rejectsOversizedRawMessageBeforeParsing() {
        String raw = "{\"type\":\"message\",\"text\":\"x\"}" + " ".repeat(ChatProtocol.MAX_RAW_LENGTH);
        ChatProtocolException e = assertThrows(ChatProtocolException.class, () -> ChatProtocol.parseClientMessage(raw));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void rejectsDeepNestingWithoutBuildingIt() {
        int depth = (ChatProtocol.MAX_RAW_LENGTH - 40) / 2;
        String raw = "{\"type\":\"message\",\"text\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        ChatProtocolException e = assertThrows(ChatProtocolException.class, () -> ChatProtocol.parseClientMessage(raw));
        assertTrue(e.getMessage().contains("invalid JSON") && e.getMessage().contains("nesting depth"), e.getMessage());
    }

    @Test
    void rejectsOverlongNumbers() {
        String raw = "{\"type\":\"message\",\"text\":\"hi\",\"n\":" + "9".repeat(Json.MAX_NUMBER_LENGTH + 1) + "}";
        ChatProtocolException e = assertThrows(ChatProtocolException.class, () -> ChatProtocol.parseClientMessage(raw));
        assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
    }

    @Test
    void theRawLimitCountsEscapesAsWritten() throws ChatProtocolException {
        // 500 escaped characters: 3,000 characters of JSON, under the raw limit, at the text limit
        String escaped = "\\u00e9".repeat(ChatProtocol.MAX_TEXT_CODE_POINTS);
        assertEquals("\u00e9".repeat(ChatProtocol.MAX_TEXT_CODE_POINTS),
                ChatProtocol.parseClientMessage("{\"type\":\"message\",\"text\":\"" + escaped + "\"}"));
        // 700 of them: a short text once decoded, but too much JSON
        String tooMuch = "{\"type\":\"message\",\"text\":\"" + "\\u0061".repeat(700) + "\"}";
        ChatProtocolException e = assertThrows(ChatProtocolException.class,
                () -> ChatProtocol.parseClientMessage(tooMuch));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "Bob_2", "jean-luc.p", "Zoë", "李雷", "Mary Ann", "a", "x23456789012345678901234"})
    void acceptsNames(String name) throws ChatProtocolException {
        assertEquals(name, ChatProtocol.checkName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " alice", "alice ", "a  b", "a\tb", "<script>", "a/b", "x234567890123456789012345",
        "\u202eevil", "a\u0000"})
    void rejectsNames(String name) {
        assertThrows(ChatProtocolException.class, () -> ChatProtocol.checkName(name));
    }

    @Test
    void rejectsMissingNameAndRoom() {
        assertThrows(ChatProtocolException.class, () -> ChatProtocol.checkName(null));
        assertThrows(ChatProtocolException.class, () -> ChatProtocol.checkRoom(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lobby", "room-1", "a_b", "x23456789012345678901234"})
    void acceptsRooms(String room) throws ChatProtocolException {
        assertEquals(room, ChatProtocol.checkRoom(room));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Lobby", "my room", "a.b", "ünï", "x234567890123456789012345"})
    void rejectsRooms(String room) {
        assertThrows(ChatProtocolException.class, () -> ChatProtocol.checkRoom(room));
    }

    @Test
    void serverMessagesAreValidJsonWithTheExpectedFields() throws JsonException {
        Map<String, Object> m = Json.parseObject(ChatProtocol.message("al\"ice", "hi\n</b>", 1234L));
        assertEquals(Map.of("type", "message", "from", "al\"ice", "text", "hi\n</b>", "time", 1234), m);
        assertEquals(Map.of("type", "error", "error", "bad \"x\""),
                Json.parseObject(ChatProtocol.error("bad \"x\"")));
        assertEquals(Map.of("type", "announcement", "text", "restart", "time", 5),
                Json.parseObject(ChatProtocol.announcement("restart", 5)));
        assertEquals("{\"type\":\"welcome\",\"name\":\"a\",\"room\":\"r\",\"users\":[\"a\",\"b\"]}",
                ChatProtocol.welcome("a", "r", List.of("a", "b")));
        assertEquals("{\"type\":\"presence\",\"event\":\"leave\",\"name\":\"b\",\"users\":[\"a\"]}",
                ChatProtocol.presence("leave", "b", List.of("a")));
    }
}
