package io.aldis.feature.auth.internal.acl;

/**
 * Character globs in which {@code *} matches any run of characters, the empty run included, and
 * every other character matches itself. Used for one file-path segment and for the two halves of
 * an RPC name.
 */
final class Glob {
    private Glob() {
    }

    /** Whether {@code glob} matches {@code s.substring(from, to)}, without allocating. */
    static boolean matches(String glob, String s, int from, int to) {
        int g = 0;
        int i = from;
        int star = -1;
        int resume = from;
        int length = glob.length();
        while (i < to) {
            if (g < length && glob.charAt(g) == '*') {
                star = g++;
                resume = i;
            } else if (g < length && glob.charAt(g) == s.charAt(i)) {
                g++;
                i++;
            } else if (star >= 0) {
                g = star + 1;
                i = ++resume;
            } else {
                return false;
            }
        }
        while (g < length && glob.charAt(g) == '*') {
            g++;
        }
        return g == length;
    }

    static boolean matches(String glob, String s) {
        return matches(glob, s, 0, s.length());
    }

    static boolean isLiteral(String glob) {
        return glob.indexOf('*') < 0;
    }

    /** Whether every string {@code inner} matches is matched by {@code outer}; false when unsure. */
    static boolean covers(String outer, String inner) {
        if (outer.equals("*") || outer.equals(inner)) {
            return true;
        }
        return isLiteral(inner) && matches(outer, inner);
    }

    /** Whether some string is matched by both globs; true when unsure. */
    static boolean overlaps(String a, String b) {
        if (isLiteral(a)) {
            return matches(b, a);
        }
        if (isLiteral(b)) {
            return matches(a, b);
        }
        // Both have a star: the literal heads must agree, and so must the literal tails.
        String headA = a.substring(0, a.indexOf('*'));
        String headB = b.substring(0, b.indexOf('*'));
        String tailA = a.substring(a.lastIndexOf('*') + 1);
        String tailB = b.substring(b.lastIndexOf('*') + 1);
        return (headA.startsWith(headB) || headB.startsWith(headA))
                && (tailA.endsWith(tailB) || tailB.endsWith(tailA));
    }
}
