package io.aldis.node.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import java.time.Duration;
import java.util.Base64;
import io.aldis.protocol.api.spi.node.ResumeGrant;
import io.aldis.protocol.api.spi.node.ResumeTokenStore;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResumeTokensTest {
    private final AuthThrottleTest.ManualClock clock = new AuthThrottleTest.ManualClock();
    private final AuthenticatedUser alice = new AuthenticatedUser("alice", Set.of("user"), "SCRAM-SHA-256");

    @Test
    void tokensAreRandomAndLongEnough() {
        ResumeTokens tokens = new ResumeTokens(clock, 60_000);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String token = tokens.issue(alice).token();
            assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
            assertThat(seen.add(token)).isTrue();
        }
    }

    @Test
    void tokensExpire() {
        ResumeTokens tokens = new ResumeTokens(clock, 60_000);
        String token = tokens.issue(alice).token();
        assertThat(tokens.validate(token)).map(g -> g.user().name()).contains("alice");
        clock.advance(Duration.ofSeconds(61));
        assertThat(tokens.validate(token)).isEmpty();
        assertThat(tokens.size()).isZero();
    }

    @Test
    void expiredTokensAreSweptWithoutAValidation() {
        ResumeTokens tokens = new ResumeTokens(clock, 60_000);
        for (int i = 0; i < 100; i++) {
            tokens.issue(alice);
        }
        clock.advance(Duration.ofSeconds(61));
        tokens.issue(alice);
        assertThat(tokens.size()).isEqualTo(1);
    }

    @Test
    void tokensCanBeRevokedOneByOneOrPerUser() {
        ResumeTokens tokens = new ResumeTokens(clock, 60_000);
        String first = tokens.issue(alice).token();
        String second = tokens.issue(alice).token();
        String bobs = tokens.issue(new AuthenticatedUser("bob", Set.of(), "PLAIN")).token();
        assertThat(tokens.revoke(first)).isTrue();
        assertThat(tokens.validate(first)).isEmpty();
        assertThat(tokens.validate(second)).isPresent();
        assertThat(tokens.revokeUser("alice")).isEqualTo(1);
        assertThat(tokens.validate(second)).isEmpty();
        assertThat(tokens.validate(bobs)).isPresent();
        assertThat(tokens.validate("")).isEmpty();
        assertThat(tokens.validate("not-a-token")).isEmpty();
    }

    @Test
    void aUserKeepsAtMostTheCapOfTokensAndTheOldestGoFirst() {
        ResumeTokens tokens = new ResumeTokens(clock, 60_000, 3);
        java.util.List<String> issued = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            issued.add(tokens.issue(alice).token());
        }
        String bobs = tokens.issue(new AuthenticatedUser("bob", Set.of(), "PLAIN")).token();
        assertThat(tokens.sizeOf("alice")).isEqualTo(3);
        assertThat(tokens.validate(issued.get(0))).isEmpty();
        assertThat(tokens.validate(issued.get(1))).isEmpty();
        assertThat(issued.subList(2, 5)).allSatisfy(t -> assertThat(tokens.validate(t)).isPresent());
        assertThat(tokens.validate(bobs)).isPresent();
        assertThat(tokens.size()).isEqualTo(4);
    }

    @Test
    void revokedAndExpiredTokensNoLongerCountAgainstTheCap() {
        ResumeTokens tokens = new ResumeTokens(clock, 60_000, 2);
        String first = tokens.issue(alice).token();
        String second = tokens.issue(alice).token();
        assertThat(tokens.revoke(second)).isTrue();
        String third = tokens.issue(alice).token();
        assertThat(tokens.validate(first)).as("a revoked token made room").isPresent();
        assertThat(tokens.validate(third)).isPresent();
        clock.advance(Duration.ofSeconds(61));
        assertThat(tokens.validate(first)).isEmpty();
        assertThat(tokens.validate(third)).isEmpty();
        assertThat(tokens.sizeOf("alice")).isZero();
    }

    @Test
    void aLowerCapAppliesFromTheNextLogin() {
        ResumeTokens tokens = new ResumeTokens(clock, 60_000, 10);
        for (int i = 0; i < 10; i++) {
            tokens.issue(alice);
        }
        tokens.limits(60_000, 2);
        String newest = tokens.issue(alice).token();
        assertThat(tokens.sizeOf("alice")).isEqualTo(2);
        assertThat(tokens.validate(newest)).isPresent();
    }

    @Test
    void aTokenIssuedOnOneNodeIsValidOnAnotherThatSharesTheStore() {
        MapTokenStore store = new MapTokenStore();
        ResumeTokens a = new ResumeTokens(clock, 60_000, 3);
        ResumeTokens b = new ResumeTokens(clock, 60_000, 3);
        a.share(store, Runnable::run);
        b.share(store, Runnable::run);
        ResumeTokens.Grant grant = a.issueShared(alice).join();
        assertThat(store.grants).containsOnlyKeys(ResumeTokens.keyOf(grant.token()));
        assertThat(store.grants.values()).noneMatch(g -> g.key().equals(grant.token()));

        ResumeTokens.Grant onB = b.validateShared(grant.token()).join().orElseThrow();
        assertThat(onB.user().name()).isEqualTo("alice");
        assertThat(onB.user().roles()).containsExactly("user");
        assertThat(onB.expiresAt()).isEqualTo(grant.expiresAt());
        b.resumedHere(grant.token());
        assertThat(store.resumed).containsExactly(ResumeTokens.keyOf(grant.token()));
    }

    @Test
    void aRevocationOnOneNodeHoldsOnEveryNode() {
        MapTokenStore store = new MapTokenStore();
        ResumeTokens a = new ResumeTokens(clock, 60_000);
        ResumeTokens b = new ResumeTokens(clock, 60_000);
        a.share(store, Runnable::run);
        b.share(store, Runnable::run);
        String token = a.issueShared(alice).join().token();
        assertThat(b.validateShared(token).join()).isPresent();
        assertThat(b.revokeUser("alice")).isEqualTo(1);
        assertThat(a.validateShared(token).join()).as("refused on the node that issued it").isEmpty();
        assertThat(a.validate(token)).as("and forgotten there").isEmpty();
    }

    @Test
    void untilItsTokensAreHandedOverTheNodeChecksThemItself() throws Exception {
        MapTokenStore store = new MapTokenStore();
        ResumeTokens a = new ResumeTokens(clock, 60_000);
        String before = a.issue(alice).token();
        java.util.Queue<Runnable> later = new java.util.ArrayDeque<>();
        a.share(store, later::add);
        // Answered at once, from here: a lookup in the store, not yet handed the token, would wait.
        assertThat(a.validateShared(before)).as("answered from this node").isDone();
        assertThat(a.validateShared(before).join()).as("not taken for revoked").isPresent();
        assertThat(a.sharedStore()).isSameAs(store);

        later.poll().run();
        assertThat(store.grants).containsOnlyKeys(ResumeTokens.keyOf(before));
        var lookup = a.validateShared(before);
        later.poll().run(); // now asked of the store, on its executor
        assertThat(lookup.join()).isPresent();
    }

    @Test
    void aStoreWithdrawnBeforeItWasHandedTheTokensIsNeverUsed() {
        MapTokenStore store = new MapTokenStore();
        ResumeTokens a = new ResumeTokens(clock, 60_000);
        java.util.Queue<Runnable> later = new java.util.ArrayDeque<>();
        a.share(store, later::add);
        a.share(null, null);
        later.poll().run();
        assertThat(a.sharedStore()).isNull();
        a.issueShared(alice).join();
        assertThat(store.grants).isEmpty();
    }

    @Test
    void withoutTheStoreANodeKeepsTheTokensItIssuedOrResumed() {
        MapTokenStore store = new MapTokenStore();
        ResumeTokens a = new ResumeTokens(clock, 60_000);
        ResumeTokens b = new ResumeTokens(clock, 60_000);
        String before = a.issue(alice).token();
        a.share(store, Runnable::run);
        b.share(store, Runnable::run);
        assertThat(b.validateShared(before).join()).as("handed to the store when it came").isPresent();
        String issued = a.issueShared(alice).join().token();
        assertThat(b.validateShared(issued).join()).isPresent();

        a.share(null, null);
        b.share(null, null);
        assertThat(a.validateShared(issued).join()).as("a issued it").isPresent();
        assertThat(b.validateShared(issued).join()).as("b resumed it").isPresent();
        assertThat(b.validateShared(a.issueShared(alice).join().token()).join()).as("a new one stays on a").isEmpty();
    }

    @Test
    void aTokenRevokedHereStaysRevokedWhileTheStoreStillHasIt() {
        MapTokenStore store = new MapTokenStore();
        ResumeTokens a = new ResumeTokens(clock, 60_000);
        java.util.Queue<Runnable> later = new java.util.ArrayDeque<>();
        a.share(store, later::add);
        later.poll().run(); // handed over
        var issued = a.issueShared(alice);
        later.poll().run();
        String token = issued.join().token();

        assertThat(a.revoke(token)).isTrue();
        later.poll(); // the removal from the store is still on its way (or failed): it never runs here
        var lookup = a.validateShared(token);
        later.poll().run();
        assertThat(lookup.join()).as("not adopted again from the store").isEmpty();
        assertThat(a.validate(token)).isEmpty();
    }

    @Test
    void aUsersRevocationHoldsHereWhenTheStoreFailedToMakeIt() {
        MapTokenStore kept = new MapTokenStore();
        ResumeTokenStore failingRevocations = new ResumeTokenStore() {
            @Override
            public void put(ResumeGrant grant, int maxPerUser) {
                kept.put(grant, maxPerUser);
            }

            @Override
            public Optional<ResumeGrant> get(String key) {
                return kept.get(key);
            }

            @Override
            public boolean remove(String key) {
                throw new IllegalStateException("the cluster is unreachable");
            }

            @Override
            public int removeUser(String user) {
                throw new IllegalStateException("the cluster is unreachable");
            }

            @Override
            public void resumed(String key) {
                kept.resumed(key);
            }
        };
        ResumeTokens a = new ResumeTokens(clock, 60_000);
        ResumeTokens b = new ResumeTokens(clock, 60_000);
        a.share(failingRevocations, Runnable::run);
        b.share(failingRevocations, Runnable::run);
        String fromB = b.issueShared(alice).join().token();
        clock.advance(Duration.ofMillis(1));

        a.revokeUser("alice");
        assertThat(a.validateShared(fromB).join()).as("issued elsewhere before the revocation").isEmpty();
        clock.advance(Duration.ofMillis(1));
        String after = b.issueShared(alice).join().token();
        assertThat(a.validateShared(after).join()).as("issued after it").isPresent();
    }

    @Test
    void aTokenRevokedWhileTheHandOverPutsItIsTakenOutOfTheStoreAgain() {
        ResumeTokens a = new ResumeTokens(clock, 60_000);
        String token = a.issue(alice).token();
        MapTokenStore kept = new MapTokenStore();
        ResumeTokenStore revokedMeanwhile = keepingIn(kept, keep -> {
            keep.run();
            a.revoke(token); // the client logs out just as its token reaches the store
        });
        a.share(revokedMeanwhile, Runnable::run);
        assertThat(kept.grants).isEmpty();
        assertThat(a.validateShared(token).join()).isEmpty();
    }

    @Test
    void aTokenIssuedWhileTheStoreIsHandedTheTokensResumesAtEveryMomentOfTheHandOver() {
        ResumeTokens a = new ResumeTokens(clock, 60_000);
        a.issue(alice); // a token to hand over, so that the hand-over takes a while
        MapTokenStore kept = new MapTokenStore();
        java.util.List<String> issuedMeanwhile = new java.util.ArrayList<>();
        java.util.List<Boolean> resumedMeanwhile = new java.util.ArrayList<>();
        ResumeTokenStore slowToCatchUp = keepingIn(kept, keep -> {
            if (issuedMeanwhile.isEmpty()) {
                // A client logs in while the store is handed the tokens held here.
                issuedMeanwhile.add(a.issueShared(alice).join().token());
            } else {
                // That client resumes before its token's own put has reached the store.
                for (String token : issuedMeanwhile) {
                    resumedMeanwhile.add(a.validateShared(token).join().isPresent());
                }
            }
            keep.run();
        });
        a.share(slowToCatchUp, Runnable::run);

        assertThat(resumedMeanwhile).as("resumes while the store catches up").isNotEmpty().containsOnly(true);
        String token = issuedMeanwhile.get(0);
        assertThat(kept.grants).as("the store was handed it").containsKey(ResumeTokens.keyOf(token));
        assertThat(a.validateShared(token).join()).as("and it resumes from the store").isPresent();
    }

    @Test
    void aStringNoNodeCouldHaveIssuedIsNotLookedUpInTheStore() {
        MapTokenStore store = new MapTokenStore();
        ResumeTokens a = new ResumeTokens(clock, 60_000);
        java.util.Queue<Runnable> later = new java.util.ArrayDeque<>();
        a.share(store, later::add);
        later.poll().run(); // handed over: lookups go to the store from now on
        for (String malformed : new String[] {"not-a-token", "x".repeat(43 * 100), "%".repeat(43)}) {
            var lookup = a.validateShared(malformed);
            assertThat(lookup).as(malformed).isDone();
            assertThat(lookup.join()).isEmpty();
        }
        assertThat(later).as("nothing for the store's workers").isEmpty();
        String token = a.issue(alice).token();
        assertThat(ResumeTokens.wellFormed(token)).isTrue();
        assertThat(a.validateShared(token)).as("a token of the right form is looked up").isNotDone();
    }

    /**
     * A store that keeps its grants in {@code kept}; each {@code put} runs {@code put} with the
     * keeping of its grant, so that a test does what it wants before or after it.
     */
    private static ResumeTokenStore keepingIn(MapTokenStore kept, java.util.function.Consumer<Runnable> put) {
        return new ResumeTokenStore() {
            @Override
            public void put(ResumeGrant grant, int maxPerUser) {
                put.accept(() -> kept.put(grant, maxPerUser));
            }

            @Override
            public Optional<ResumeGrant> get(String key) {
                return kept.get(key);
            }

            @Override
            public boolean remove(String key) {
                return kept.remove(key);
            }

            @Override
            public int removeUser(String user) {
                return kept.removeUser(user);
            }

            @Override
            public void resumed(String key) {
                kept.resumed(key);
            }
        };
    }
}
