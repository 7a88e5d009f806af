package io.aldis.feature.filetransfer.internal.names;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.util.ArrayList;
import java.util.List;

/**
 * A LIST pattern (docs/protocol.md 6.5.5), compiled to a small automaton that is run on all its
 * states at once rather than by backtracking, so matching a name costs at most (name length + 1)
 * × (pattern tokens + 1) steps whatever the pattern: {@code *a*a*a*a*b} over a long name stays
 * linear. Immutable and thread-safe.
 */
public final class Glob {
    private enum Kind { LITERAL, ONE, STAR, DEEP, ALL, CLASS }

    /** One token; {@code ranges} are inclusive code-point pairs of a class. */
    private record Token(Kind kind, int codePoint, int[] ranges, boolean negated) {
        boolean takes(int c) {
            return switch (kind) {
                case LITERAL -> c == codePoint;
                case ONE, STAR -> c != '/';
                case DEEP, ALL -> true;
                case CLASS -> c != '/' && inClass(c) != negated;
            };
        }

        private boolean inClass(int c) {
            for (int i = 0; i < ranges.length; i += 2) {
                if (c >= ranges[i] && c <= ranges[i + 1]) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the automaton may pass this token without taking a character. */
        boolean skippable() {
            return kind == Kind.STAR || kind == Kind.DEEP || kind == Kind.ALL;
        }
    }

    private final Token[] tokens;

    private Glob(List<Token> tokens) {
        this.tokens = tokens.toArray(new Token[0]);
    }

    /**
     * Compiles {@code pattern}; the empty pattern matches everything.
     *
     * @throws ProtocolException {@code INVALID_FILE_NAME} for a pattern that is not well formed
     */
    public static Glob compile(String pattern) {
        List<Token> tokens = new ArrayList<>();
        int[] p = pattern.codePoints().toArray();
        if (p.length == 0) {
            tokens.add(new Token(Kind.ALL, 0, null, false));
            return new Glob(tokens);
        }
        int i = 0;
        while (i < p.length) {
            int c = p[i];
            boolean segmentStart = i == 0 || p[i - 1] == '/';
            if (c == '*' && i + 1 < p.length && p[i + 1] == '*') {
                int end = i + 2;
                while (end < p.length && p[end] == '*') {
                    end++;
                }
                boolean segmentEnd = end == p.length || p[end] == '/';
                if (segmentStart && segmentEnd) {
                    if (end == p.length) {
                        tokens.add(new Token(Kind.ALL, 0, null, false));
                        i = end;
                    } else {
                        tokens.add(new Token(Kind.DEEP, 0, null, false));
                        i = end + 1; // the slash is part of "any number of whole segments"
                    }
                } else {
                    tokens.add(new Token(Kind.STAR, 0, null, false));
                    i = end;
                }
            } else if (c == '*') {
                tokens.add(new Token(Kind.STAR, 0, null, false));
                i++;
            } else if (c == '?') {
                tokens.add(new Token(Kind.ONE, 0, null, false));
                i++;
            } else if (c == '[') {
                i = compileClass(pattern, p, i, tokens);
            } else if (c == '\\') {
                if (i + 1 == p.length) {
                    throw invalid(pattern, "ends with a lone backslash");
                }
                tokens.add(new Token(Kind.LITERAL, p[i + 1], null, false));
                i += 2;
            } else {
                tokens.add(new Token(Kind.LITERAL, c, null, false));
                i++;
            }
        }
        return new Glob(tokens);
    }

    private static int compileClass(String pattern, int[] p, int open, List<Token> tokens) {
        int i = open + 1;
        boolean negated = i < p.length && p[i] == '!';
        if (negated) {
            i++;
        }
        List<Integer> ranges = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (i >= p.length) {
                throw invalid(pattern, "has a [ without its ]");
            }
            int c = p[i];
            if (c == ']' && !first) {
                break;
            }
            if (c == '\\') {
                if (i + 1 >= p.length) {
                    throw invalid(pattern, "has a [ without its ]");
                }
                c = p[++i];
            }
            int low = c;
            int high = c;
            if (i + 2 < p.length && p[i + 1] == '-' && p[i + 2] != ']') {
                high = p[i + 2];
                if (high == '\\' && i + 3 < p.length) {
                    high = p[i + 3];
                    i++;
                }
                i += 2;
                if (high < low) {
                    throw invalid(pattern, "has a range that runs backwards");
                }
            }
            ranges.add(low);
            ranges.add(high);
            i++;
            first = false;
        }
        tokens.add(new Token(Kind.CLASS, 0, ranges.stream().mapToInt(Integer::intValue).toArray(), negated));
        return i + 1;
    }

    private static ProtocolException invalid(String pattern, String why) {
        return new ProtocolException(ErrorCode.INVALID_FILE_NAME, "the pattern '" + FileNames.shown(pattern) + "' " + why);
    }

    /** Whether {@code name} matches the whole pattern. */
    public boolean matches(String name) {
        return run(name, null);
    }

    /**
     * How many automaton steps matching {@code name} takes: never more than (code points of the
     * name + 1) × (tokens + 1). Tests read this to prove no pattern can make matching blow up.
     */
    public long steps(String name) {
        long[] counter = new long[1];
        run(name, counter);
        return counter[0];
    }

    /** The bound {@link #steps} never exceeds for a name of {@code codePoints} code points. */
    public long stepBound(int codePoints) {
        return (long) (codePoints + 1) * (tokens.length + 1);
    }

    private boolean run(String name, long[] steps) {
        int n = tokens.length;
        boolean[] current = new boolean[n + 1];
        boolean[] next = new boolean[n + 1];
        // States reached by taking a token's last character (or the start), as opposed to staying
        // in a repeating token: only they may pass a run of whole segments without taking any.
        boolean[] entered = new boolean[n + 1];
        current[0] = true;
        entered[0] = true;
        close(current, entered);
        int[] text = name.codePoints().toArray();
        for (int c : text) {
            java.util.Arrays.fill(next, false);
            java.util.Arrays.fill(entered, false);
            for (int s = 0; s < n; s++) {
                if (steps != null) {
                    steps[0]++;
                }
                if (current[s] && tokens[s].takes(c)) {
                    Kind kind = tokens[s].kind;
                    boolean stays = kind == Kind.STAR || kind == Kind.ALL || kind == Kind.DEEP;
                    // A run of whole segments may end only right after one of its slashes.
                    boolean advances = kind == Kind.DEEP ? c == '/' : !stays;
                    next[s] |= stays;
                    if (advances) {
                        next[s + 1] = true;
                        entered[s + 1] = true;
                    }
                }
            }
            if (steps != null) {
                steps[0]++;
            }
            boolean[] swap = current;
            current = next;
            next = swap;
            close(current, entered);
            if (!anySet(current)) {
                return false;
            }
        }
        return current[n];
    }

    /**
     * Adds the states reachable without a character: past {@code *} and a final {@code **} from
     * anywhere in them, past a run of whole segments only where a segment begins.
     */
    private void close(boolean[] states, boolean[] entered) {
        for (int s = 0; s < tokens.length; s++) {
            boolean passes = tokens[s].kind == Kind.DEEP ? entered[s] : states[s] && tokens[s].skippable();
            if (passes) {
                states[s + 1] = true;
                entered[s + 1] = true;
            }
        }
    }

    private static boolean anySet(boolean[] states) {
        for (boolean s : states) {
            if (s) {
                return true;
            }
        }
        return false;
    }
}
