package io.aldis.protocol.api;

/**
 * How a message quotes text that came from a peer, a file or a configuration (a name, a header,
 * a pattern, a value): on one line and short, so that the text can neither split the message (an
 * ERROR frame's, a log's) into lines, nor reorder what is shown around it, nor make the message as
 * long as the frame it came in.
 *
 * @since 2.1
 */
public final class QuotedText {
    private QuotedText() {
    }

    /**
     * {@code text} with every character that could break a line or change how the rest is shown
     * (control characters, line and paragraph separators, format characters such as bidirectional
     * overrides, lone surrogates) written as a {@code \\uXXXX} escape, cut after
     * {@code maxCodePoints} code points with {@code ...} after it; never inside a surrogate pair.
     *
     * @param maxCodePoints the most code points kept, 0 for no limit
     */
    public static String of(String text, int maxCodePoints) {
        if (maxCodePoints < 0) {
            throw new IllegalArgumentException("maxCodePoints must not be negative: " + maxCodePoints);
        }
        String kept = text;
        boolean cut = maxCodePoints > 0 && text.codePointCount(0, text.length()) > maxCodePoints;
        if (cut) {
            kept = text.substring(0, text.offsetByCodePoints(0, maxCodePoints));
        }
        StringBuilder out = new StringBuilder(kept.length() + 3);
        kept.codePoints().forEach(c -> {
            if (breaksTheLine(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return cut ? out.append("...").toString() : out.toString();
    }

    private static boolean breaksTheLine(int codePoint) {
        if (Character.isISOControl(codePoint)) {
            return true;
        }
        int type = Character.getType(codePoint);
        return type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.FORMAT || type == Character.SURROGATE;
    }
}
