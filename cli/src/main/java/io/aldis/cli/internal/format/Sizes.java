package io.aldis.cli.internal.format;

import java.time.Duration;
import java.util.Locale;

/** Sizes, rates and durations as a person reads them. */
public final class Sizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Sizes() {
    }

    /** {@code 1536} as {@code 1.5 KiB}; bytes below 1 KiB as they are. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** Bytes per second in decimal megabytes per second, as transfer tools report it. */
    public static String rate(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1_000_000);
    }

    /** {@code bytes} over {@code elapsed} as a rate; an instant transfer counts as one millisecond. */
    public static String rate(long bytes, Duration elapsed) {
        double seconds = Math.max(elapsed.toNanos(), 1_000_000L) / 1e9;
        return rate(bytes / seconds);
    }

    /** A duration as {@code 2.3 s}, or {@code 4 min 05 s} from a minute on. */
    public static String duration(Duration elapsed) {
        long millis = elapsed.toMillis();
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }
}
