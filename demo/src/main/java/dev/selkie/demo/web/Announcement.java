package dev.selkie.demo.web;

import dev.selkie.HttpRequest;
import dev.selkie.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text of a {@code POST /notify} announcement (chat, vote), checked the same way for every demo:
 * POST only, an allowed Origin, at most a given number of bytes, strict UTF-8, not blank.
 *
 * @param text the announcement, stripped; null if refused
 * @param refusal the response that refuses the request; null if accepted
 */
public record Announcement(String text, HttpResponse refusal) {
    /** Reads and checks {@code request}'s body. */
    public static Announcement read(HttpRequest request, OriginPolicy origins, int maxBytes) {
        if (!request.method().equals("POST")) {
            return refused(HttpResponse.text(405, "Use POST with a text body\n").withHeader("Allow", "POST"));
        }
        if (!origins.allows(request.origin())) {
            return refused(HttpResponse.text(403, "Origin not allowed\n"));
        }
        byte[] body = request.body();
        if (body.length > maxBytes) {
            return refused(HttpResponse.text(413, "An announcement is at most " + maxBytes + " bytes\n"));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString().strip();
        } catch (CharacterCodingException e) {
            return refused(HttpResponse.text(400, "The body must be UTF-8 text\n"));
        }
        if (text.isEmpty()) {
            return refused(HttpResponse.text(400, "The body is empty: POST the announcement as text\n"));
        }
        return new Announcement(text, null);
    }

    private static Announcement refused(HttpResponse response) {
        return new Announcement(null, response);
    }
}
