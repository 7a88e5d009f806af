package io.aldis.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A linear axis: the data range widened to round ticks (steps of 1, 2 or 5 times a power of ten)
 * and always holding zero, so bars and lines are read against a true origin, mapped onto a span
 * of pixels.
 */
final class Axis implements Scale {
    private final double low;
    private final double high;
    private final double step;
    private final double from;
    private final double to;

    private Axis(double low, double high, double step, double from, double to) {
        this.low = low;
        this.high = high;
        this.step = step;
        this.from = from;
        this.to = to;
    }

    /**
     * An axis over {@code min..max} and zero, with about {@code ticks} ticks, drawn from pixel
     * {@code from} (where the low end goes) to pixel {@code to}; {@code to} may be smaller, as on
     * a vertical axis.
     */
    static Axis over(double min, double max, int ticks, double from, double to) {
        return over(min, max, ticks, from, to, true);
    }

    /** As {@link #over(double, double, int, double, double)}; a time axis is better without steps of 2.5. */
    static Axis over(double min, double max, int ticks, double from, double to, boolean quarters) {
        double lo = Math.min(0, min);
        double hi = Math.max(0, max);
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("an axis needs finite values, not " + min + ".." + max);
        }
        if (hi == lo) {
            hi = lo + 1; // nothing but zeros: still an axis to draw them on
        }
        double step = niceStep((hi - lo) / Math.max(1, ticks), quarters);
        return new Axis(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step, from, to);
    }

    /**
     * The smallest of 1, 2, 5 × 10^k (and 2.5 × 10^k with {@code quarters}) at least {@code raw}:
     * quarters keep a value axis close to its largest value (1.25M rather than 1.5M for 1.01M).
     */
    static double niceStep(double raw, boolean quarters) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : quarters ? new double[] {1, 2, 2.5, 5, 10} : new double[] {1, 2, 5, 10}) {
            if (m * power >= raw * (1 - 1e-9)) {
                return m * power;
            }
        }
        return 10 * power;
    }

    double low() {
        return low;
    }

    double high() {
        return high;
    }

    /** The pixel of a value. */
    @Override
    public double pixel(double value) {
        return from + (value - low) / (high - low) * (to - from);
    }

    @Override
    public List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        long count = Math.round((high - low) / step);
        for (long k = 0; k <= count; k++) {
            ticks.add(low + k * step);
        }
        return ticks;
    }

    /** A tick's label, short: 250, 1.5k, 2M, 0.25. */
    @Override
    public String label(double value) {
        return compact(value, step);
    }

    @Override
    public double origin() {
        return 0;
    }

    static String compact(double value, double step) {
        double abs = Math.abs(value);
        if (abs >= 1e9 && step >= 1e8) {
            return trim(value / 1e9) + "G";
        }
        if (abs >= 1e6 && step >= 1e5) {
            return trim(value / 1e6) + "M";
        }
        if (abs >= 1e3 && step >= 1e2) {
            return trim(value / 1e3) + "k";
        }
        return trim(value);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s.equals("-0") ? "0" : s;
    }

    /** A figure written on a chart beside its mark: grouped thousands, decimals only for small values. */
    static String figure(double value) {
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
