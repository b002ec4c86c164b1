package dev.selkie.demo.vote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BallotTest {
    private final List<Ballot.Tally> published = new ArrayList<>();
    private final Ballot ballot = new Ballot(List.of("a", "b", "c"), 3);

    @Test
    void oneChangeableVotePerSessionWithASequenceNumberPerChange() {
        Ballot.Session alice = ballot.signIn("alice").orElseThrow();
        Ballot.Session bob = ballot.signIn("bob").orElseThrow();
        assertTrue(alice.id().matches("[0-9a-f]{32}"), alice.id());
        assertEquals(alice, ballot.session(alice.id()).orElseThrow());
        assertTrue(ballot.session(null).isEmpty());
        assertTrue(ballot.session("nope").isEmpty());

        ballot.vote(alice, "a", published::add);
        ballot.vote(alice, "a", published::add); // no change, nothing published
        ballot.vote(bob, "a", published::add);
        ballot.vote(alice, "c", published::add);
        assertEquals(3, published.size());
        assertArrayEquals(new long[] {1, 0, 1}, ballot.tally().counts());
        assertEquals(3, ballot.tally().sequence());
        assertEquals(2, ballot.tally().voters());
        assertEquals("c", ballot.voteOf(alice));
        assertThrows(IllegalArgumentException.class, () -> ballot.vote(alice, "d", published::add));

        ballot.signOut(alice, published::add);
        assertArrayEquals(new long[] {1, 0, 0}, ballot.tally().counts());
        assertNull(ballot.voteOf(alice));
        assertTrue(ballot.vote(alice, "b", published::add).isEmpty(), "an ended session cannot vote");
        assertTrue(ballot.session(alice.id()).isEmpty());
    }

    @Test
    void sessionsAreBounded() {
        for (int i = 0; i < 3; i++) {
            assertTrue(ballot.signIn("u" + i).isPresent());
        }
        assertTrue(ballot.signIn("one too many").isEmpty());
    }

    @Test
    void optionsAreChecked() {
        assertEquals(List.of("x", "y"), Ballot.checkOptions(List.of(" x ", "y")));
        assertThrows(IllegalArgumentException.class, () -> Ballot.checkOptions(List.of("x")));
        assertThrows(IllegalArgumentException.class, () -> Ballot.checkOptions(List.of("x", "x")));
        assertThrows(IllegalArgumentException.class, () -> Ballot.checkOptions(List.of("x", " ")));
        assertThrows(IllegalArgumentException.class, () -> Ballot.checkOptions(List.of("x", "a\nb")));
        assertThrows(IllegalArgumentException.class, () -> Ballot.checkOptions(List.of("x", "y".repeat(41))));
        assertThrows(IllegalArgumentException.class, () -> Ballot.checkOptions(java.util.Collections.nCopies(13, "z")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "<b>", "a  b", "x\ty", "twenty-five-characters-xx"})
    void badNamesAreRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> Ballot.checkName(name));
    }
}
