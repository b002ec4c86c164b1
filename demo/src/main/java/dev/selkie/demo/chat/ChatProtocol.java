package dev.selkie.demo.chat;

import dev.selkie.demo.json.Json;
import dev.selkie.demo.json.JsonException;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The chat's JSON messages and their validation.
 *
 * <p>Client to server, one kind: {@code {"type":"message","text":"..."}}. Server to client:
 * {@code welcome}, {@code message}, {@code presence}, {@code announcement} and {@code error} (see the
 * factory methods). Names and rooms arrive as query parameters of the WebSocket URL and are checked by
 * {@link #checkName} and {@link #checkRoom}.
 */
public final class ChatProtocol {
    /** Longest raw client message, in UTF-16 units (checked before parsing). */
    public static final int MAX_RAW_LENGTH = 4096;
    /** Longest chat text, in code points. */
    public static final int MAX_TEXT_CODE_POINTS = 500;
    /** Longest name or room, in code points. */
    public static final int MAX_NAME_CODE_POINTS = 24;

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_.-]+(?: [\\p{L}\\p{N}_.-]+)*");
    private static final Pattern ROOM = Pattern.compile("[a-z0-9_-]+");

    private ChatProtocol() {
    }

    /**
     * Parses and validates a client message.
     *
     * @return the chat text
     * @throws ChatProtocolException with a message fit to show to the client
     */
    public static String parseClientMessage(String raw) throws ChatProtocolException {
        if (raw.length() > MAX_RAW_LENGTH) {
            throw new ChatProtocolException("message too large: at most " + MAX_RAW_LENGTH + " characters of JSON");
        }
        Map<String, Object> fields;
        try {
            fields = Json.parseObject(raw);
        } catch (JsonException e) {
            throw new ChatProtocolException(e.getMessage());
        }
        Object type = fields.get("type");
        if (!(type instanceof String)) {
            throw new ChatProtocolException("field \"type\" is required and must be a string");
        }
        if (!type.equals("message")) {
            throw new ChatProtocolException("unknown message type \"" + type + "\"; expected \"message\"");
        }
        for (String key : fields.keySet()) {
            if (!key.equals("type") && !key.equals("text")) {
                throw new ChatProtocolException("unknown field \"" + key + "\"; a message has \"type\" and \"text\"");
            }
        }
        Object text = fields.get("text");
        if (!(text instanceof String)) {
            throw new ChatProtocolException("field \"text\" is required and must be a string");
        }
        String s = (String) text;
        if (s.isBlank()) {
            throw new ChatProtocolException("the message text is empty");
        }
        if (s.codePointCount(0, s.length()) > MAX_TEXT_CODE_POINTS) {
            throw new ChatProtocolException("the message text is too long: at most " + MAX_TEXT_CODE_POINTS
                    + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
                throw new ChatProtocolException("the message text contains a control character");
            }
        }
        return s;
    }

    /** Checks a user name: 1-24 letters, digits, {@code _ . -}, single inner spaces. */
    public static String checkName(String name) throws ChatProtocolException {
        if (name == null || name.isEmpty()) {
            throw new ChatProtocolException("a name is required");
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME_CODE_POINTS) {
            throw new ChatProtocolException("the name is too long: at most " + MAX_NAME_CODE_POINTS + " characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw new ChatProtocolException("the name may contain letters, digits, '_', '.', '-' and single spaces");
        }
        return name;
    }

    /** Checks a room: 1-24 of {@code a-z 0-9 _ -}. */
    public static String checkRoom(String room) throws ChatProtocolException {
        if (room == null || room.isEmpty()) {
            throw new ChatProtocolException("a room is required");
        }
        if (room.length() > MAX_NAME_CODE_POINTS) {
            throw new ChatProtocolException("the room is too long: at most " + MAX_NAME_CODE_POINTS + " characters");
        }
        if (!ROOM.matcher(room).matches()) {
            throw new ChatProtocolException("the room may contain lower-case letters, digits, '_' and '-'");
        }
        return room;
    }

    /** Sent to a user who joined: who they are and who is in the room. */
    public static String welcome(String name, String room, Collection<String> users) {
        return Json.object(o -> o.put("type", "welcome").put("name", name).put("room", room)
                .putObject("users", users));
    }

    /** A chat message, published to the room. */
    public static String message(String from, String text, long timeMillis) {
        return Json.object(o -> o.put("type", "message").put("from", from).put("text", text)
                .put("time", timeMillis));
    }

    /** Someone joined or left; {@code users} is who is in the room now. */
    public static String presence(String event, String name, Collection<String> users) {
        return Json.object(o -> o.put("type", "presence").put("event", event).put("name", name)
                .putObject("users", users));
    }

    /** An announcement pushed by {@code POST /notify} to everybody. */
    public static String announcement(String text, long timeMillis) {
        return Json.object(o -> o.put("type", "announcement").put("text", text).put("time", timeMillis));
    }

    /** A refused client message; sent to that client only. */
    public static String error(String why) {
        return Json.object(o -> o.put("type", "error").put("error", why));
    }
}
