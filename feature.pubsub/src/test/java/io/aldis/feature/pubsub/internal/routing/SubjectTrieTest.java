package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubjectTrieTest {
    record Sub(String pattern, String queueGroup, int n) implements SubjectTrie.Entry {
    }

    private static Set<Sub> all(SubjectTrie.Match<Sub> m) {
        Set<Sub> s = new HashSet<>(m.plain);
        for (SubjectTrie.Group<Sub> g : m.groups) {
            s.addAll(g.members);
        }
        return s;
    }

    @Test
    void matchesLikeTheReferenceOnRandomPatterns() {
        Random random = new Random(42);
        String[] words = {"a", "b", "c", "d"};
        SubjectTrie<Sub> trie = new SubjectTrie<>();
        List<Sub> subs = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int depth = 1 + random.nextInt(4);
            StringBuilder p = new StringBuilder();
            for (int t = 0; t < depth; t++) {
                if (t > 0) {
                    p.append('.');
                }
                int r = random.nextInt(10);
                p.append(t == depth - 1 && r == 0 ? ">" : r == 1 ? "*" : words[random.nextInt(words.length)]);
            }
            Sub s = new Sub(p.toString(), random.nextInt(5) == 0 ? "g" + random.nextInt(2) : "", i);
            subs.add(s);
            trie.add(s);
        }
        // Remove a third, so pruning is exercised too.
        for (int i = 0; i < subs.size(); i += 3) {
            assertThat(trie.remove(subs.get(i))).isTrue();
        }
        List<Sub> live = new ArrayList<>();
        for (int i = 0; i < subs.size(); i++) {
            if (i % 3 != 0) {
                live.add(subs.get(i));
            }
        }
        assertThat(trie.size()).isEqualTo(live.size());
        for (int k = 0; k < 500; k++) {
            int depth = 1 + random.nextInt(5);
            StringBuilder s = new StringBuilder();
            for (int t = 0; t < depth; t++) {
                if (t > 0) {
                    s.append('.');
                }
                s.append(words[random.nextInt(words.length)]);
            }
            String subject = s.toString();
            Set<Sub> expected = new HashSet<>();
            for (Sub sub : live) {
                if (Subjects.matches(sub.pattern(), subject)) {
                    expected.add(sub);
                }
            }
            assertThat(all(trie.match(subject))).as(subject).isEqualTo(expected);
            assertThat(all(trie.match(subject))).as("cached " + subject).isEqualTo(expected);
        }
    }

    @Test
    void cacheIsDroppedOnChangeAndGroupsAreSplitOut() {
        SubjectTrie<Sub> trie = new SubjectTrie<>();
        Sub a = new Sub("x.*", "", 1);
        Sub b = new Sub("x.y", "q", 2);
        Sub c = new Sub("x.>", "q", 3);
        trie.add(a);
        assertThat(all(trie.match("x.y"))).containsExactly(a);
        trie.add(b);
        trie.add(c);
        SubjectTrie.Match<Sub> m = trie.match("x.y");
        assertThat(m.plain).containsExactly(a);
        assertThat(m.groups).hasSize(1);
        assertThat(m.groups.get(0).members).containsExactlyInAnyOrder(b, c);
        trie.remove(a);
        assertThat(trie.match("x.y").plain).isEmpty();
        assertThat(trie.remove(a)).isFalse();
        trie.remove(b);
        trie.remove(c);
        assertThat(trie.size()).isZero();
        assertThat(trie.all()).isEmpty();
    }

    @Test
    void manySubscriptionsOnOtherSubjectsAreNotVisited() {
        SubjectTrie<Sub> trie = new SubjectTrie<>();
        for (int i = 0; i < 100_000; i++) {
            trie.add(new Sub("device." + i + ".temp", "", i));
        }
        Sub wild = new Sub("device.*.temp", "", -1);
        trie.add(wild);
        SubjectTrie.Match<Sub> m = trie.match("device.4242.temp");
        assertThat(m.plain).hasSize(2).contains(wild);
        assertThat(trie.match("device.none.temp").plain).containsExactly(wild);
    }
}
