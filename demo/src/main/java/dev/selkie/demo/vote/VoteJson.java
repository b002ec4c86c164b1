package dev.selkie.demo.vote;

import dev.selkie.demo.json.Json;
import dev.selkie.demo.json.JsonException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import com.fasterxml.jackson.jr.ob.comp.ObjectComposer;

/**
 * Every JSON message of the vote, in one place (so that the JSON library under it can be swapped here
 * alone). Server to page: {@code welcome}, {@code counts}, {@code voted}, {@code announcement},
 * {@code error}; page to server: {@code {"type":"vote","option":"..."}} only, read strictly (no other
 * fields, no duplicate keys, at most {@value #MAX_RAW_LENGTH} characters).
 */
final class VoteJson {
    /** Longest page message, in UTF-16 units (checked before parsing). */
    static final int MAX_RAW_LENGTH = 512;

    private VoteJson() {
    }

    /**
     * The option a page's message votes for (not yet checked against the options).
     *
     * @throws IllegalArgumentException with a message fit to show the page
     */
    static String parseVote(String raw) {
        if (raw.length() > MAX_RAW_LENGTH) {
            throw new IllegalArgumentException("message too large: at most " + MAX_RAW_LENGTH + " characters of JSON");
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(raw);
        } catch (JsonException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
        }
        for (String key : m.keySet()) {
            if (!key.equals("type") && !key.equals("option")) {
                throw new IllegalArgumentException("unknown field \"" + key + "\"");
            }
        }
        if (!"vote".equals(m.get("type"))) {
            throw new IllegalArgumentException("\"type\" must be \"vote\"");
        }
        if (!(m.get("option") instanceof String)) {
            throw new IllegalArgumentException("\"option\" must be a string");
        }
        return (String) m.get("option");
    }

    /** The first message on a connection: who it is, the options, its vote (or null) and the counts. */
    static String welcome(String name, String vote, Ballot.Tally tally) {
        return Json.object(o -> counts(o.put("type", "welcome").put("name", name).putObject("vote", vote), tally));
    }

    /** The counts, pushed to every page on each change. */
    static String counts(Ballot.Tally tally) {
        return Json.object(o -> counts(o.put("type", "counts"), tally));
    }

    /** To a session's pages: its vote is now {@code option}. */
    static String voted(String option) {
        return Json.object(o -> o.put("type", "voted").putObject("option", option));
    }

    /** A {@code POST /notify} text, pushed to every page. */
    static String announcement(String text, long millis) {
        return Json.object(o -> o.put("type", "announcement").put("text", text).put("time", millis));
    }

    /** A refusal of that page's message. */
    static String error(String message) {
        return Json.object(o -> o.put("type", "error").put("error", message));
    }

    /** {@code GET /session}: who the cookie signs in, and the vote. */
    static String session(String name, String vote) {
        return Json.object(o -> o.put("name", name).putObject("vote", vote));
    }

    /** {@code GET /results}: the counts for scripts. */
    static String results(Ballot.Tally tally) {
        return Json.object(o -> counts(o, tally));
    }

    /** {@code "seq"}, {@code "options"}, {@code "voters"} and {@code "counts"} (numbers, in the options' order). */
    private static void counts(ObjectComposer<?> o, Ballot.Tally tally) throws IOException {
        o.put("seq", tally.sequence()).putObject("options", tally.options()).put("voters", tally.voters())
                .putObject("counts", Arrays.stream(tally.counts()).boxed().toList());
    }
}
