package io.aldis.feature.pubsub.internal.routing;

/**
 * Subject syntax. A subject is one or more tokens separated by {@code .}; a token is not empty
 * and holds no whitespace, control characters or {@code .}. Subjects published on are concrete:
 * no token is a wildcard. A subscription pattern may use {@code *} as a whole token to match
 * exactly one token, and {@code >} as its last token to match one or more remaining tokens.
 * {@code *} or {@code >} inside a longer token (such as {@code a*}) are not allowed anywhere.
 * Length (in UTF-16 characters) and depth (in tokens) are bounded by the operator's limits.
 */
public final class Subjects {
    /** Prefix of the node's reserved system-event subjects. */
    public static final String SYS = "$sys";

    private Subjects() {
    }

    /** Why a subject or pattern is not valid, or {@code null} when it is. */
    public static String checkPattern(String pattern, int maxLength, int maxDepth) {
        return check(pattern, maxLength, maxDepth, true);
    }

    /** Why a concrete subject is not valid, or {@code null} when it is. */
    public static String checkSubject(String subject, int maxLength, int maxDepth) {
        return check(subject, maxLength, maxDepth, false);
    }

    private static String check(String s, int maxLength, int maxDepth, boolean wildcards) {
        if (s == null || s.isEmpty()) {
            return "subject is empty";
        }
        if (s.length() > maxLength) {
            return "subject is longer than " + maxLength + " characters";
        }
        int depth = 1;
        int tokenStart = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                int len = i - tokenStart;
                if (len == 0) {
                    return "subject has an empty token at position " + i;
                }
                if (len == 1 && (s.charAt(tokenStart) == '*' || s.charAt(tokenStart) == '>')) {
                    if (!wildcards) {
                        return "wildcards are only allowed in subscriptions";
                    }
                    if (s.charAt(tokenStart) == '>' && i != s.length()) {
                        return "'>' must be the last token";
                    }
                }
                if (i < s.length()) {
                    depth++;
                    if (depth > maxDepth) {
                        return "subject has more than " + maxDepth + " tokens";
                    }
                }
                tokenStart = i + 1;
            } else if (c <= ' ' || c == 0x7f || Character.isWhitespace(c)) {
                return "subject contains whitespace or a control character at position " + i;
            } else if ((c == '*' || c == '>') && !(i == tokenStart && (i + 1 == s.length() || s.charAt(i + 1) == '.'))) {
                return "'" + c + "' must be a whole token";
            }
        }
        return null;
    }

    /** Whether a valid pattern holds a wildcard token. */
    public static boolean hasWildcard(String pattern) {
        int n = pattern.length();
        for (int i = 0; i < n; i++) {
            char c = pattern.charAt(i);
            if ((c == '*' || c == '>') && (i == 0 || pattern.charAt(i - 1) == '.')) {
                return true;
            }
        }
        return false;
    }

    /** Whether a subject or pattern lies in the reserved {@code $sys} space. */
    public static boolean isSystem(String subject) {
        return subject.startsWith(SYS) && (subject.length() == SYS.length() || subject.charAt(SYS.length()) == '.');
    }

    /** Whether a pattern could match some {@code $sys} subject (so also {@code >} and {@code *.x}). */
    public static boolean mayMatchSystem(String pattern) {
        return isSystem(pattern) || pattern.startsWith("*") || pattern.startsWith(">");
    }

    /** Splits a valid subject into its tokens. */
    public static String[] tokens(String subject) {
        int count = 1;
        for (int i = 0; i < subject.length(); i++) {
            if (subject.charAt(i) == '.') {
                count++;
            }
        }
        String[] tokens = new String[count];
        int start = 0;
        int t = 0;
        for (int i = 0; i < subject.length(); i++) {
            if (subject.charAt(i) == '.') {
                tokens[t++] = subject.substring(start, i);
                start = i + 1;
            }
        }
        tokens[t] = subject.substring(start);
        return tokens;
    }

    /** Whether a concrete subject matches a valid pattern (used where a trie would be overkill). */
    public static boolean matches(String pattern, String subject) {
        String[] p = tokens(pattern);
        String[] s = tokens(subject);
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
}
