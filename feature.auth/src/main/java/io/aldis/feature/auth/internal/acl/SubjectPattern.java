package io.aldis.feature.auth.internal.acl;

/**
 * A pub/sub subject pattern, also used for message types: dot-separated tokens, {@code *} for
 * exactly one token, {@code >} as the last token for one or more tokens. A pattern whose first
 * token is a wildcard never matches a reserved subject or type (one that begins with
 * {@code $sys}); only a pattern that spells the reserved first token out, such as {@code $sys.>},
 * does. A message type is matched as a subject is; a type that has a wildcard character in it is
 * still a name, not a pattern, since the node routes it to the handler of exactly that type.
 *
 * <p>When this pattern is compared with a requested pattern (a subscription), the requested
 * pattern's wildcards are taken to reach reserved subjects too, since the subscription may well
 * receive them.
 */
final class SubjectPattern implements ResourcePattern {
    /** The prefix of reserved subjects. */
    static final String RESERVED = "$sys";

    private static final byte LITERAL = 0;
    private static final byte ONE = 1;
    private static final byte REST = 2;

    private final String text;
    private final String[] tokens;
    private final byte[] kinds;

    private SubjectPattern(String text, String[] tokens, byte[] kinds) {
        this.text = text;
        this.tokens = tokens;
        this.kinds = kinds;
    }

    /**
     * Compiles a subject pattern.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static SubjectPattern compile(String text) {
        return compile(text, "subject pattern");
    }

    /**
     * Compiles a pattern in the subject syntax; {@code noun} names it in errors ("message-type
     * pattern"), so that a bad rule is explained in the words of its domain.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static SubjectPattern compile(String text, String noun) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty " + noun);
        }
        String[] tokens = text.split("\\.", -1);
        byte[] kinds = new byte[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.isEmpty()) {
                throw new IllegalArgumentException("empty token in " + noun + " '" + text + "'");
            }
            for (int c = 0; c < token.length(); c++) {
                if (Character.isWhitespace(token.charAt(c))) {
                    throw new IllegalArgumentException("whitespace in " + noun + " '" + text + "'");
                }
            }
            if (token.equals("*")) {
                kinds[i] = ONE;
            } else if (token.equals(">")) {
                if (i != tokens.length - 1) {
                    throw new IllegalArgumentException("'>' must be the last token in " + noun + " '" + text + "'");
                }
                kinds[i] = REST;
            } else if (token.indexOf('*') >= 0 || token.indexOf('>') >= 0) {
                throw new IllegalArgumentException(
                        "'*' and '>' must be whole tokens in " + noun + " '" + text + "'");
            } else {
                kinds[i] = LITERAL;
            }
        }
        return new SubjectPattern(text, tokens, kinds);
    }

    /** Whether a subject contains a wildcard token, that is, is a pattern rather than a subject. */
    static boolean isPattern(String subject) {
        if (subject.indexOf('*') < 0 && subject.indexOf('>') < 0) {
            return false;
        }
        int start = 0;
        while (start <= subject.length()) {
            int end = subject.indexOf('.', start);
            if (end < 0) {
                end = subject.length();
            }
            if (end - start == 1 && (subject.charAt(start) == '*' || subject.charAt(start) == '>')) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public boolean matches(String subject) {
        int length = subject.length();
        if (length == 0) {
            return false;
        }
        int pos = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (pos > length) {
                return false; // the subject has fewer tokens than the pattern
            }
            int end = subject.indexOf('.', pos);
            if (end < 0) {
                end = length;
            }
            byte kind = kinds[i];
            if (i == 0 && kind != LITERAL && subject.startsWith(RESERVED)) {
                return false;
            }
            if (kind == REST) {
                return end > pos;
            }
            if (kind == ONE) {
                if (end == pos) {
                    return false;
                }
            } else {
                String token = tokens[i];
                if (end - pos != token.length() || !subject.regionMatches(pos, token, 0, token.length())) {
                    return false;
                }
            }
            pos = end + 1;
        }
        return pos == length + 1;
    }

    @Override
    public boolean covers(ResourcePattern requested) {
        SubjectPattern other = (SubjectPattern) requested;
        for (int i = 0; i < kinds.length; i++) {
            if (i >= other.kinds.length) {
                return false;
            }
            byte mine = kinds[i];
            byte theirs = other.kinds[i];
            if (i == 0 && mine != LITERAL
                    && (theirs != LITERAL || other.tokens[0].startsWith(RESERVED))) {
                return false; // the request may reach reserved subjects, which a wildcard here does not
            }
            if (mine == REST) {
                return true;
            }
            if (mine == ONE) {
                if (theirs == REST) {
                    return false;
                }
            } else if (theirs != LITERAL || !tokens[i].equals(other.tokens[i])) {
                return false;
            }
        }
        return other.kinds.length == kinds.length;
    }

    @Override
    public boolean overlaps(ResourcePattern requested) {
        SubjectPattern other = (SubjectPattern) requested;
        for (int i = 0; ; i++) {
            boolean mineDone = i == kinds.length;
            boolean theirsDone = i == other.kinds.length;
            if (mineDone || theirsDone) {
                return mineDone && theirsDone;
            }
            byte mine = kinds[i];
            byte theirs = other.kinds[i];
            if (i == 0 && mine != LITERAL && theirs == LITERAL && other.tokens[0].startsWith(RESERVED)) {
                return false;
            }
            if (mine == REST || theirs == REST) {
                return true;
            }
            if (mine == LITERAL && theirs == LITERAL && !tokens[i].equals(other.tokens[i])) {
                return false;
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
