package dev.selkie.demo.vote;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The vote's state, in memory only (a restart forgets it): the options, the signed-in sessions by their
 * random id, each session's vote (one per session, changeable) and the counts. Thread-safe; every change
 * of the counts gets the next sequence number, so a page can drop a snapshot older than what it shows.
 */
public final class Ballot {
    /** Longest name, in code points. */
    public static final int MAX_NAME_CODE_POINTS = 24;
    /** Longest option, in code points. */
    public static final int MAX_OPTION_CODE_POINTS = 40;
    /** Most options. */
    public static final int MAX_OPTIONS = 12;

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_.-]+(?: [\\p{L}\\p{N}_.-]+)*");
    private static final Pattern OPTION = Pattern.compile("[^\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]+");
    private static final HexFormat HEX = HexFormat.of();

    private final List<String> options;
    private final int maxSessions;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final long[] counts;
    private long sequence;

    /** A signed-in browser: its name and its vote (an option's index, or -1), guarded by the ballot. */
    public static final class Session {
        private final String id;
        private final String name;
        private int vote = -1;

        private Session(String id, String name) {
            this.id = id;
            this.name = name;
        }

        /** The session id: 128 random bits as 32 hex digits, the cookie's value. */
        public String id() {
            return id;
        }

        /** The name signed in with. */
        public String name() {
            return name;
        }
    }

    /** The counts at one moment: per option in the options' order, and that moment's sequence number. */
    public record Tally(long sequence, List<String> options, long[] counts) {
        /** How many sessions have voted. */
        public long voters() {
            long sum = 0;
            for (long c : counts) {
                sum += c;
            }
            return sum;
        }
    }

    /**
     * @param options the options (checked with {@link #checkOptions})
     * @param maxSessions most sessions kept at once; more sign-ins are refused
     */
    public Ballot(List<String> options, int maxSessions) {
        this.options = List.copyOf(checkOptions(options));
        this.maxSessions = maxSessions;
        this.counts = new long[this.options.size()];
    }

    /**
     * Checks options: 2 to {@value #MAX_OPTIONS}, each 1 to {@value #MAX_OPTION_CODE_POINTS} characters after
     * trimming, no control characters, no two the same.
     *
     * @return the trimmed options
     * @throws IllegalArgumentException saying which one is wrong
     */
    public static List<String> checkOptions(List<String> options) {
        if (options.size() < 2 || options.size() > MAX_OPTIONS) {
            throw new IllegalArgumentException("give 2 to " + MAX_OPTIONS + " options, not " + options.size());
        }
        List<String> trimmed = options.stream().map(String::strip).toList();
        for (String o : trimmed) {
            if (o.isEmpty() || o.codePointCount(0, o.length()) > MAX_OPTION_CODE_POINTS || !OPTION.matcher(o).matches()) {
                throw new IllegalArgumentException("'" + o + "' is not an option: 1 to " + MAX_OPTION_CODE_POINTS
                        + " characters, no control characters");
            }
        }
        if (trimmed.stream().distinct().count() != trimmed.size()) {
            throw new IllegalArgumentException("an option is given twice: " + trimmed);
        }
        return trimmed;
    }

    /**
     * Checks a name: 1 to {@value #MAX_NAME_CODE_POINTS} letters, digits, {@code _ . -} and single spaces inside.
     *
     * @return the name
     * @throws IllegalArgumentException with a message fit to show the user
     */
    public static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a name is required");
        }
        String n = name.strip();
        if (n.codePointCount(0, n.length()) > MAX_NAME_CODE_POINTS) {
            throw new IllegalArgumentException("the name is too long: at most " + MAX_NAME_CODE_POINTS + " characters");
        }
        if (!NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("the name may contain letters, digits, '_', '.', '-' and single spaces");
        }
        return n;
    }

    /** The options, in order. */
    public List<String> options() {
        return options;
    }

    /**
     * A new session for {@code name} (already checked), with a fresh random id.
     *
     * @return the session, or empty when {@code maxSessions} are signed in already
     */
    public Optional<Session> signIn(String name) {
        if (sessions.size() >= maxSessions) {
            return Optional.empty();
        }
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        Session s = new Session(HEX.formatHex(bits), name);
        sessions.put(s.id, s);
        return Optional.of(s);
    }

    /** The session with this id, if there is one (a null or malformed id has none). */
    public Optional<Session> session(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(sessions.get(id));
    }

    /** How many sessions are signed in. */
    public int sessions() {
        return sessions.size();
    }

    /**
     * Records {@code session}'s vote for {@code option}, replacing its earlier one, and when that changed the
     * counts runs {@code published} with the new tally while still holding the ballot's lock: the actions run
     * in the order of the changes, so the counts pushed to pages leave in that order.
     *
     * @return the new tally, or empty if that was its vote already or the session has ended (nothing changed)
     * @throws IllegalArgumentException if {@code option} is not one of the options
     */
    public synchronized Optional<Tally> vote(Session session, String option, Consumer<Tally> published) {
        int index = options.indexOf(option);
        if (index < 0) {
            throw new IllegalArgumentException("'" + option + "' is not one of the options");
        }
        if (session.vote == index || sessions.get(session.id) != session) {
            return Optional.empty();
        }
        if (session.vote >= 0) {
            counts[session.vote]--;
        }
        session.vote = index;
        counts[index]++;
        sequence++;
        Tally tally = tallyLocked();
        published.accept(tally);
        return Optional.of(tally);
    }

    /**
     * Ends {@code session}: it is forgotten and its vote withdrawn; when that changed the counts,
     * {@code published} runs with the new tally as for {@link #vote}.
     *
     * @return the new tally, or empty if nothing changed
     */
    public synchronized Optional<Tally> signOut(Session session, Consumer<Tally> published) {
        if (!sessions.remove(session.id, session) || session.vote < 0) {
            return Optional.empty();
        }
        counts[session.vote]--;
        session.vote = -1;
        sequence++;
        Tally tally = tallyLocked();
        published.accept(tally);
        return Optional.of(tally);
    }

    /** {@code session}'s vote, or null if it has not voted. */
    public synchronized String voteOf(Session session) {
        return session.vote < 0 ? null : options.get(session.vote);
    }

    /** The counts now; its sequence number is that of the last change. */
    public synchronized Tally tally() {
        return tallyLocked();
    }

    private Tally tallyLocked() {
        return new Tally(sequence, options, counts.clone());
    }
}
