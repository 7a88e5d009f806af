package io.aldis.feature.cluster.internal.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.cluster.internal.ClusterEngine;
import io.aldis.feature.cluster.internal.TwoEngines;
import io.aldis.protocol.api.spi.node.ResumeGrant;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.node.SessionStats;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster's token store on two real Hazelcast members (two in this JVM: the store, not the
 * node, is under test here): what one member puts the other reads, the per-user cap and a
 * user's revocation span both, and a resume on one ends the sessions on the other.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SharedResumeTokensTest {
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");
    private static ClusterEngine first;
    private static ClusterEngine second;
    private static final Superseded onFirst = new Superseded();
    private static final Superseded onSecond = new Superseded();

    @BeforeAll
    static void twoMembers() throws Exception {
        HAZELCAST_LOG.setLevel(Level.WARNING);
        List<ClusterEngine> engines = TwoEngines.start("tokens");
        first = engines.get(0);
        second = engines.get(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (first.members().size() < 2 || second.members().size() < 2) {
            assertThat(System.nanoTime()).as("two members").isLessThan(deadline);
            Thread.sleep(50);
        }
        // As each node does once it joined: from then on it hears of resumes on the others.
        tokens(first, onFirst);
        tokens(second, onSecond);
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void aGrantPutOnOneMemberIsReadOnTheOtherWithItsRoles() {
        ResumeGrant grant = grant("reader", "k-read", 1, Set.of("user", "a,b role"));
        tokens(first, onFirst).put(grant, 10);
        assertThat(tokens(second, onSecond).get("k-read")).contains(grant);
        assertThat(tokens(second, onSecond).remove("k-read")).isTrue();
        assertThat(tokens(first, onFirst).get("k-read")).isEmpty();
    }

    @Test
    void theCapPerUserHoldsAcrossMembersAndTheOldestGo() {
        for (int i = 0; i < 6; i++) {
            ClusterEngine member = i % 2 == 0 ? first : second;
            tokens(member, i % 2 == 0 ? onFirst : onSecond).put(grant("capped", "k-cap-" + i, i, Set.of()), 3);
        }
        SharedResumeTokens reader = tokens(first, onFirst);
        for (int i = 0; i < 3; i++) {
            assertThat(reader.get("k-cap-" + i)).as("old grant " + i).isEmpty();
        }
        for (int i = 3; i < 6; i++) {
            assertThat(reader.get("k-cap-" + i)).as("new grant " + i).isPresent();
        }
    }

    @Test
    void aUsersRevocationOnOneMemberDropsWhatTheOtherIssued() {
        tokens(first, onFirst).put(grant("revoked", "k-rev-1", 1, Set.of()), 10);
        tokens(second, onSecond).put(grant("revoked", "k-rev-2", 2, Set.of()), 10);
        tokens(first, onFirst).put(grant("bystander", "k-by", 3, Set.of()), 10);
        assertThat(tokens(first, onFirst).removeUser("revoked")).isEqualTo(2);
        assertThat(tokens(second, onSecond).get("k-rev-1")).isEmpty();
        assertThat(tokens(second, onSecond).get("k-rev-2")).isEmpty();
        assertThat(tokens(second, onSecond).get("k-by")).isPresent();
    }

    @Test
    void aResumeOnOneMemberEndsTheSessionsOnTheOther() throws Exception {
        tokens(first, onFirst).resumed("k-moved");
        assertThat(onSecond.keys.poll(30, TimeUnit.SECONDS)).isEqualTo("k-moved");
        assertThat(onFirst.keys.poll(500, TimeUnit.MILLISECONDS)).as("the member where it resumed did it itself").isNull();
    }

    @Test
    void aRevokedGrantPutAgainByAnotherMemberStaysRevoked() {
        ResumeGrant grant = grant("handed-over", "k-again", 1, Set.of());
        tokens(first, onFirst).put(grant, 10);
        assertThat(tokens(second, onSecond).remove("k-again")).isTrue();
        tokens(first, onFirst).put(grant, 10); // the first node hands its tokens over again
        assertThat(tokens(second, onSecond).get("k-again")).isEmpty();

        tokens(first, onFirst).put(grant("revoked-user", "k-old", 1, Set.of()), 10);
        tokens(second, onSecond).removeUser("revoked-user");
        tokens(first, onFirst).put(grant("revoked-user", "k-old", 1, Set.of()), 10);
        assertThat(tokens(second, onSecond).get("k-old")).as("issued before the revocation").isEmpty();
        ResumeGrant later = new ResumeGrant("k-new", "revoked-user", Set.of(), System.currentTimeMillis() + 1_000,
                System.currentTimeMillis() + 60_000);
        tokens(first, onFirst).put(later, 10);
        assertThat(tokens(second, onSecond).get("k-new")).as("issued after it").contains(later);
    }

    @Test
    void aRevocationMarksTheGrantsOwnEntrySoThatAResumeReadsOneEntry() {
        tokens(first, onFirst).put(grant("marked", "k-mark-1", 1, Set.of()), 10);
        tokens(first, onFirst).put(grant("marked", "k-mark-2", 2, Set.of()), 10);
        tokens(first, onFirst).put(grant("marked-too", "k-mark-3", 3, Set.of()), 10);
        assertThat(tokens(second, onSecond).remove("k-mark-1")).isTrue();
        assertThat(tokens(second, onSecond).remove("k-mark-1")).as("revoked once only").isFalse();
        assertThat(tokens(second, onSecond).removeUser("marked-too")).isEqualTo(1);
        // Each member holds a copy of every entry: read there, the mark is found without asking
        // the entry's owner, which a miss would have to.
        var entries = member().<String, String>getMap(SharedResumeTokens.GRANTS);
        assertThat(entries.get("k-mark-1")).isEqualTo(SharedResumeTokens.REVOKED_MARK);
        assertThat(entries.get("k-mark-3")).isEqualTo(SharedResumeTokens.REVOKED_MARK);
        assertThat(tokens(first, onFirst).get("k-mark-1")).isEmpty();
        assertThat(tokens(first, onFirst).get("k-mark-3")).isEmpty();
        assertThat(tokens(first, onFirst).get("k-mark-2")).as("the user's other grant").isPresent();
        // The mark alone keeps a grant handed over again out, should its remembered revocation be gone.
        member().getMap(SharedResumeTokens.REVOKED).delete("k-mark-1");
        tokens(first, onFirst).put(grant("marked", "k-mark-1", 1, Set.of()), 10);
        assertThat(tokens(second, onSecond).get("k-mark-1")).isEmpty();
        // A marked grant counts no more against the user's cap.
        tokens(first, onFirst).put(grant("marked", "k-mark-4", 4, Set.of()), 1);
        assertThat(tokens(first, onFirst).get("k-mark-4")).isPresent();
        assertThat(tokens(first, onFirst).get("k-mark-2")).as("the oldest live grant over the cap of one").isEmpty();
    }

    @Test
    void aGrantAMergeBroughtBackUnmarkedIsMarkedAgain() {
        // What a healed split can leave: the side merged into kept its live entry of a grant that
        // the merging side revoked, whose revocations the merge added.
        ResumeGrant byKey = grant("merged", "k-merge-1", 1, Set.of());
        ResumeGrant byUser = grant("merged-user", "k-merge-2", 1, Set.of());
        ResumeGrant issuedAfter = new ResumeGrant("k-merge-3", "merged-user", Set.of(), System.currentTimeMillis() + 5_000,
                System.currentTimeMillis() + 60_000);
        var entries = member().<String, String>getMap(SharedResumeTokens.GRANTS);
        for (ResumeGrant g : List.of(byKey, byUser, issuedAfter)) {
            entries.set(g.key(), GrantCodec.encode(g), 60, TimeUnit.SECONDS);
        }
        member().<String, String>getMap(SharedResumeTokens.REVOKED).set("k-merge-1", "", 60, TimeUnit.SECONDS);
        member().<String, Long>getMap(SharedResumeTokens.USERS_REVOKED).set("merged-user",
                System.currentTimeMillis(), 60, TimeUnit.SECONDS);

        assertThat(tokens(second, onSecond).markRevokedAgain()).isGreaterThanOrEqualTo(2);
        assertThat(tokens(first, onFirst).get("k-merge-1")).isEmpty();
        assertThat(tokens(first, onFirst).get("k-merge-2")).isEmpty();
        assertThat(tokens(first, onFirst).get("k-merge-3")).as("issued after the user's revocation").contains(issuedAfter);
    }

    @Test
    void afterAMergeEveryLiveGrantIsListedUnderItsUserAgain() {
        ResumeGrant listed = grant("relisted", "k-listed", 1, Set.of());
        tokens(first, onFirst).put(listed, 10);
        ResumeGrant unlisted = grant("relisted", "k-relisted", 2, Set.of());
        member().<String, String>getMap(SharedResumeTokens.GRANTS).set(unlisted.key(), GrantCodec.encode(unlisted), 60,
                TimeUnit.SECONDS);
        tokens(second, onSecond).markRevokedAgain();
        assertThat(member().<String, String>getMap(SharedResumeTokens.USERS).get("relisted").split(" "))
                .containsExactly("k-listed", "k-relisted");
        assertThat(tokens(first, onFirst).removeUser("relisted")).as("both marked").isEqualTo(2);
        assertThat(member().<String, String>getMap(SharedResumeTokens.GRANTS).get("k-relisted"))
                .isEqualTo(SharedResumeTokens.REVOKED_MARK);
    }

    @Test
    void aNodeKnowsItsOwnResumeEvenWhenItsMemberIdentityChanged() throws Exception {
        // A split-brain merge gives the member a new UUID: the announcement then comes from a member
        // that is not the one the store started on, and only the store's own id tells it apart.
        SharedResumeTokens store = tokens(first, onFirst);
        store.resumedElsewhere(store.announcement("k-self-after-merge"), "a member with a new identity");
        store.resumedElsewhere(tokens(second, onSecond).announcement("k-other"), "127.0.0.1:5701");
        assertThat(onFirst.keys.poll(30, TimeUnit.SECONDS)).as("only the other store's resume ends sessions here")
                .isEqualTo("k-other");
    }

    private static SharedResumeTokens tokens(ClusterEngine member, Superseded sessions) {
        return member.resumeTokens(() -> sessions);
    }

    /** One of the two members, to reach the maps as they are: both share them. */
    private static com.hazelcast.core.HazelcastInstance member() {
        return com.hazelcast.core.Hazelcast.getAllHazelcastInstances().iterator().next();
    }

    private static ResumeGrant grant(String user, String key, long issuedAt, Set<String> roles) {
        long now = System.currentTimeMillis();
        return new ResumeGrant(key, user, roles, now - 1_000 + issuedAt, now + 60_000);
    }

    /** A node's sessions as far as the store sees them: it records the keys it is told to supersede. */
    private static final class Superseded implements SessionRegistry {
        final BlockingQueue<String> keys = new LinkedBlockingQueue<>();

        @Override
        public int supersede(String resumeKey) {
            keys.add(resumeKey);
            return 0;
        }

        @Override
        public Collection<Session> sessions() {
            return List.of();
        }

        @Override
        public Optional<Session> find(UUID id) {
            return Optional.empty();
        }

        @Override
        public SessionStats stats(Session session) {
            return new SessionStats(0, 0, 0, 0, 0);
        }

        @Override
        public boolean kill(UUID id, boolean revokeToken) {
            return false;
        }
    }
}
