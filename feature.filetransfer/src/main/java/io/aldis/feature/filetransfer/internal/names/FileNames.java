package io.aldis.feature.filetransfer.internal.names;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.QuotedText;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The syntax of file names (docs/protocol.md 6.5.1), checked before a name reaches storage. Where
 * a name leads through symbolic links is for the store to check, since only it can tell.
 */
public final class FileNames {
    /** Longest name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 1024;
    /** Longest segment, in UTF-8 bytes. */
    public static final int MAX_SEGMENT_BYTES = 255;

    private static final Set<String> DEVICES = Set.of("CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4",
            "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8",
            "LPT9");

    private FileNames() {
    }

    /**
     * Checks {@code name}.
     *
     * @return the name
     * @throws ProtocolException {@code INVALID_FILE_NAME}, saying which rule it breaks
     */
    public static String check(String name) {
        if (name.isEmpty()) {
            throw invalid(name, "is empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw invalid(name, "is longer than " + MAX_NAME_BYTES + " bytes");
        }
        if (name.startsWith("/")) {
            throw invalid(name, "starts with /");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                throw invalid(name, "contains a backslash");
            }
            if (Character.isISOControl(c)) {
                throw invalid(name, "contains a control character");
            }
        }
        for (String segment : name.split("/", -1)) {
            checkSegment(name, segment);
        }
        return name;
    }

    private static void checkSegment(String name, String segment) {
        if (segment.isEmpty()) {
            throw invalid(name, "has an empty segment");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw invalid(name, "has a " + segment + " segment");
        }
        if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            throw invalid(name, "has a segment longer than " + MAX_SEGMENT_BYTES + " bytes");
        }
        int dot = segment.indexOf('.');
        String stem = (dot < 0 ? segment : segment.substring(0, dot)).toUpperCase(Locale.ROOT);
        if (DEVICES.contains(stem)) {
            throw invalid(name, "names the Windows device " + stem);
        }
    }

    private static ProtocolException invalid(String name, String why) {
        return new ProtocolException(ErrorCode.INVALID_FILE_NAME, "the file name '" + shown(name) + "' " + why);
    }

    /**
     * A name or pattern as an error message quotes it back: at most 80 characters, control
     * characters escaped, so that a client's text can neither break a message into lines nor make
     * it as long as the frame it came in.
     */
    static String shown(String text) {
        return QuotedText.of(text, 80);
    }
}
