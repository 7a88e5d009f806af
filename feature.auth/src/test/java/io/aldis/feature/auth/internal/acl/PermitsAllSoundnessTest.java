package io.aldis.feature.auth.internal.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Checks permitsAll against brute force on small alphabets: with random rule sets and random
 * requested patterns, whenever permitsAll says yes, every concrete resource the pattern can match
 * must be permitted on its own. Matching of rule patterns is checked against simple reference
 * matchers at the same time.
 */
class PermitsAllSoundnessTest {
    private static final AuthenticatedUser USER = new AuthenticatedUser("u", Set.of("r"), "PLAIN");
    private static final String[] PRINCIPALS = {"*", "user:u", "role:r", "user:other", "role:none"};

    // ----- subjects -----

    private static final String[] SUBJECT_TOKENS = {"a", "b", "$sys", "$sysx"};
    private static final String[] PATTERN_TOKENS = {"a", "b", "$sys", "*", "*", ">"};

    private static String randomSubjectPattern(Random random) {
        int length = 1 + random.nextInt(3);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            String token = PATTERN_TOKENS[random.nextInt(PATTERN_TOKENS.length)];
            tokens.add(token);
            if (token.equals(">")) {
                break;
            }
        }
        return String.join(".", tokens);
    }

    private static List<String> allSubjects() {
        List<String> subjects = new ArrayList<>();
        List<String> level = List.of("");
        for (int depth = 1; depth <= 4; depth++) {
            List<String> next = new ArrayList<>();
            for (String prefix : level) {
                for (String token : SUBJECT_TOKENS) {
                    next.add(prefix.isEmpty() ? token : prefix + "." + token);
                }
            }
            subjects.addAll(next);
            level = next;
        }
        return subjects;
    }

    /** Plain token matching; a leading wildcard skips reserved subjects only when asked to. */
    private static boolean subjectMatches(String pattern, String subject, boolean protectReserved) {
        String[] p = pattern.split("\\.");
        String[] s = subject.split("\\.");
        if (protectReserved && (p[0].equals("*") || p[0].equals(">")) && s[0].startsWith("$sys")) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || !(p[i].equals("*") || p[i].equals(s[i]))) {
                return false;
            }
        }
        return p.length == s.length;
    }

    @Test
    void subjects() {
        Random random = new Random(20261122L);
        List<String> universe = allSubjects();
        int yes = 0;
        for (int round = 0; round < 400; round++) {
            Map<String, Object> rules = new LinkedHashMap<>();
            int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++) {
                rules.put("rule." + (i + 1), (random.nextInt(3) == 0 ? "deny " : "allow ")
                        + PRINCIPALS[random.nextInt(PRINCIPALS.length)] + " pubsub subscribe "
                        + randomSubjectPattern(random));
            }
            AclAuthorizer acl = new AclAuthorizer(4, rules);
            for (AclRule rule : acl.rules()) {
                ResourcePattern compiled = rule.patternFor(AclDomain.PUBSUB);
                for (String subject : universe) {
                    assertThat(compiled.matches(subject))
                            .as("%s ~ %s", rule.pattern(), subject)
                            .isEqualTo(subjectMatches(rule.pattern(), subject, true));
                }
            }
            for (int q = 0; q < 10; q++) {
                String requested = randomSubjectPattern(random);
                if (acl.permitsAll(USER, "pubsub", requested, "subscribe")) {
                    yes++;
                    for (String subject : universe) {
                        if (subjectMatches(requested, subject, false)) {
                            assertThat(acl.permits(USER, "pubsub", subject, "subscribe"))
                                    .as("rules %s allow all of %s but not %s", rules, requested, subject)
                                    .isTrue();
                        }
                    }
                }
            }
        }
        assertThat(yes).as("permitsAll said yes sometimes").isGreaterThan(100);
    }

    // ----- paths -----

    private static final String[] PATH_SEGMENTS = {"a", "b", "xa"};
    private static final String[] GLOB_SEGMENTS = {"a", "b", "x*", "*a", "*", "**", "**"};

    private static String randomPathPattern(Random random) {
        int length = 1 + random.nextInt(3);
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            segments.add(GLOB_SEGMENTS[random.nextInt(GLOB_SEGMENTS.length)]);
        }
        return String.join("/", segments);
    }

    private static List<String> allPaths() {
        List<String> paths = new ArrayList<>(List.of(""));
        List<String> level = List.of("");
        for (int depth = 1; depth <= 4; depth++) {
            List<String> next = new ArrayList<>();
            for (String prefix : level) {
                for (String segment : PATH_SEGMENTS) {
                    next.add(prefix.isEmpty() ? segment : prefix + "/" + segment);
                }
            }
            paths.addAll(next);
            level = next;
        }
        return paths;
    }

    private static boolean pathMatches(List<String> pattern, List<String> path) {
        if (pattern.isEmpty()) {
            return path.isEmpty();
        }
        String head = pattern.get(0);
        if (head.equals("**")) {
            for (int k = 0; k <= path.size(); k++) {
                if (pathMatches(pattern.subList(1, pattern.size()), path.subList(k, path.size()))) {
                    return true;
                }
            }
            return false;
        }
        return !path.isEmpty()
                && path.get(0).matches(head.replace("*", ".*"))
                && pathMatches(pattern.subList(1, pattern.size()), path.subList(1, path.size()));
    }

    private static List<String> segments(String path) {
        return path.isEmpty() ? List.of() : Arrays.asList(path.split("/"));
    }

    @Test
    void paths() {
        Random random = new Random(42L);
        List<String> universe = allPaths();
        int yes = 0;
        for (int round = 0; round < 300; round++) {
            Map<String, Object> rules = new LinkedHashMap<>();
            int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++) {
                rules.put("rule." + (i + 1), (random.nextInt(3) == 0 ? "deny " : "allow ")
                        + PRINCIPALS[random.nextInt(PRINCIPALS.length)] + " files read " + randomPathPattern(random));
            }
            AclAuthorizer acl = new AclAuthorizer(4, rules);
            for (AclRule rule : acl.rules()) {
                ResourcePattern compiled = rule.patternFor(AclDomain.FILES);
                for (String path : universe) {
                    assertThat(compiled.matches(path))
                            .as("%s ~ '%s'", rule.pattern(), path)
                            .isEqualTo(pathMatches(segments(rule.pattern()), segments(path)));
                }
            }
            for (int q = 0; q < 10; q++) {
                String requested = randomPathPattern(random);
                if (acl.permitsAll(USER, "files", requested, "read")) {
                    yes++;
                    for (String path : universe) {
                        if (pathMatches(segments(requested), segments(path))) {
                            assertThat(acl.permits(USER, "files", path, "read"))
                                    .as("rules %s allow all of %s but not '%s'", rules, requested, path)
                                    .isTrue();
                        }
                    }
                }
            }
        }
        assertThat(yes).as("permitsAll said yes sometimes").isGreaterThan(100);
    }

    // ----- rpc names -----

    private static final String[] NAMES = {"a.x", "a.y", "b.x", "a.b.x", "b.a.y", "ab.x"};
    private static final String[] METHOD_PATTERNS = {"a.x", "a.*", "*.x", "*.*", ">", "a.b.*", "a*.x", "b.*.y", "*b.*"};

    @Test
    void rpcNames() {
        Random random = new Random(7L);
        int yes = 0;
        for (int round = 0; round < 300; round++) {
            Map<String, Object> rules = new LinkedHashMap<>();
            int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++) {
                rules.put("rule." + (i + 1), (random.nextInt(3) == 0 ? "deny " : "allow ")
                        + PRINCIPALS[random.nextInt(PRINCIPALS.length)] + " rpc call "
                        + METHOD_PATTERNS[random.nextInt(METHOD_PATTERNS.length)]);
            }
            AclAuthorizer acl = new AclAuthorizer(4, rules);
            for (String requested : METHOD_PATTERNS) {
                if (acl.permitsAll(USER, "rpc", requested, "call")) {
                    yes++;
                    MethodPattern pattern = MethodPattern.compile(requested);
                    for (String name : NAMES) {
                        if (pattern.matches(name)) {
                            assertThat(acl.permits(USER, "rpc", name, "call"))
                                    .as("rules %s allow all of %s but not %s", rules, requested, name)
                                    .isTrue();
                        }
                    }
                }
            }
        }
        assertThat(yes).as("permitsAll said yes sometimes").isGreaterThan(100);
    }
}
