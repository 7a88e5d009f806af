package io.aldis.feature.auth.internal.acl;

import java.util.ArrayList;
import java.util.List;

/**
 * A file-path pattern, relative to the storage root and '/'-separated. In a segment {@code *}
 * matches any run of characters except '/'; a segment that is exactly {@code **} matches zero or
 * more whole segments, so {@code public/**} matches {@code public} itself and everything under it.
 * {@code **} alone, or {@code >}, matches every path, the root ({@code ""}) included.
 *
 * <p>Only normalized paths are matched: a path that starts with '/', contains an empty, {@code .}
 * or {@code ..} segment, or a backslash, matches no pattern, so it is denied.
 */
final class PathPattern implements ResourcePattern {
    private static final String ANY = "**";

    private final String text;
    private final String[] segments;

    private PathPattern(String text, String[] segments) {
        this.text = text;
        this.segments = segments;
    }

    /**
     * Compiles a path pattern.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static PathPattern compile(String text) {
        if (text.equals(">")) {
            return new PathPattern(text, new String[] {ANY});
        }
        if (text.isEmpty()) {
            return new PathPattern(text, new String[0]);
        }
        if (text.startsWith("/")) {
            throw new IllegalArgumentException("path pattern must be relative (no leading '/'): '" + text + "'");
        }
        if (text.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("path pattern must use '/', not '\\': '" + text + "'");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : text.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("empty, '.' or '..' segment in path pattern '" + text + "'");
            }
            if (segment.contains("**") && !segment.equals(ANY)) {
                throw new IllegalArgumentException("'**' must be a whole segment in path pattern '" + text + "'");
            }
            if (segment.equals(ANY) && !segments.isEmpty() && segments.get(segments.size() - 1).equals(ANY)) {
                continue; // **/** is **
            }
            segments.add(segment);
        }
        return new PathPattern(text, segments.toArray(new String[0]));
    }

    /** Whether a concrete path is normalized (see the class comment); the root is {@code ""}. */
    static boolean isNormalized(String path) {
        int length = path.length();
        if (length == 0) {
            return true;
        }
        int start = 0;
        while (start <= length) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            int size = end - start;
            if (size == 0
                    || (size == 1 && path.charAt(start) == '.')
                    || (size == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
                return false;
            }
            start = end + 1;
        }
        return path.indexOf('\\') < 0;
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public boolean matches(String path) {
        if (!isNormalized(path)) {
            return false;
        }
        // A position past the end means every segment of the path has been consumed.
        return match(0, path, path.isEmpty() ? 1 : 0);
    }

    private boolean match(int index, String path, int pos) {
        int length = path.length();
        while (index < segments.length) {
            String segment = segments[index];
            if (segment.equals(ANY)) {
                // Let ** take zero, one, two ... segments.
                for (int at = pos; ; ) {
                    if (match(index + 1, path, at)) {
                        return true;
                    }
                    if (at > length) {
                        return false;
                    }
                    int end = path.indexOf('/', at);
                    at = end < 0 ? length + 1 : end + 1;
                }
            }
            if (pos > length) {
                return false;
            }
            int end = path.indexOf('/', pos);
            if (end < 0) {
                end = length;
            }
            if (!Glob.matches(segment, path, pos, end)) {
                return false;
            }
            index++;
            pos = end + 1;
        }
        return pos > length;
    }

    @Override
    public boolean covers(ResourcePattern requested) {
        PathPattern other = (PathPattern) requested;
        return covers(other, 0, 0, new byte[segments.length + 1][other.segments.length + 1]);
    }

    // memo: 0 unknown, 1 true, 2 false
    private boolean covers(PathPattern other, int mine, int theirs, byte[][] memo) {
        if (memo[mine][theirs] != 0) {
            return memo[mine][theirs] == 1;
        }
        boolean result;
        if (mine == segments.length) {
            result = theirs == other.segments.length;
        } else if (segments[mine].equals(ANY)) {
            result = false;
            for (int k = theirs; k <= other.segments.length && !result; k++) {
                result = covers(other, mine + 1, k, memo);
            }
        } else if (theirs == other.segments.length || other.segments[theirs].equals(ANY)) {
            result = false;
        } else {
            result = Glob.covers(segments[mine], other.segments[theirs]) && covers(other, mine + 1, theirs + 1, memo);
        }
        memo[mine][theirs] = (byte) (result ? 1 : 2);
        return result;
    }

    @Override
    public boolean overlaps(ResourcePattern requested) {
        PathPattern other = (PathPattern) requested;
        return overlaps(other, 0, 0, new byte[segments.length + 1][other.segments.length + 1]);
    }

    private boolean overlaps(PathPattern other, int mine, int theirs, byte[][] memo) {
        if (memo[mine][theirs] != 0) {
            return memo[mine][theirs] == 1;
        }
        boolean mineDone = mine == segments.length;
        boolean theirsDone = theirs == other.segments.length;
        boolean mineAny = !mineDone && segments[mine].equals(ANY);
        boolean theirsAny = !theirsDone && other.segments[theirs].equals(ANY);
        boolean result;
        if (mineDone && theirsDone) {
            result = true;
        } else if (mineAny || theirsAny) {
            // A ** either ends here or takes the next segment of the other side.
            result = (mineAny && overlaps(other, mine + 1, theirs, memo))
                    || (theirsAny && overlaps(other, mine, theirs + 1, memo))
                    || (mineAny && !theirsDone && !theirsAny && overlaps(other, mine, theirs + 1, memo))
                    || (theirsAny && !mineDone && !mineAny && overlaps(other, mine + 1, theirs, memo));
        } else if (mineDone || theirsDone) {
            result = false;
        } else {
            result = Glob.overlaps(segments[mine], other.segments[theirs]) && overlaps(other, mine + 1, theirs + 1, memo);
        }
        memo[mine][theirs] = (byte) (result ? 1 : 2);
        return result;
    }

    @Override
    public String toString() {
        return text;
    }
}
