package io.aldis.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A logarithmic axis from the power of ten at or below the smallest value to the one at or above
 * the largest, ticks at every power of ten (and at 2 and 5 times it when the axis spans at most
 * two decades). Latencies are drawn on it when their tail is many times their middle, which on a
 * linear axis would flatten every line but the worst.
 */
final class LogAxis implements Scale {
    private final double lowExponent;
    private final double highExponent;
    private final double from;
    private final double to;

    private LogAxis(double lowExponent, double highExponent, double from, double to) {
        this.lowExponent = lowExponent;
        this.highExponent = highExponent;
        this.from = from;
        this.to = to;
    }

    /** An axis over {@code min..max}, both above zero, drawn from pixel {@code from} (low end) to {@code to}. */
    static LogAxis over(double min, double max, double from, double to) {
        if (!(min > 0) || !(max >= min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("a logarithmic axis needs values above zero, not " + min + ".." + max);
        }
        double low = Math.floor(Math.log10(min) + 1e-9);
        double high = Math.ceil(Math.log10(max) - 1e-9);
        if (high <= low) {
            high = low + 1;
        }
        return new LogAxis(low, high, from, to);
    }

    @Override
    public double pixel(double value) {
        return from + (Math.log10(value) - lowExponent) / (highExponent - lowExponent) * (to - from);
    }

    @Override
    public List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        boolean fine = highExponent - lowExponent <= 2;
        for (double e = lowExponent; e <= highExponent; e++) {
            double decade = Math.pow(10, e);
            ticks.add(decade);
            if (fine && e < highExponent) {
                ticks.add(2 * decade);
                ticks.add(5 * decade);
            }
        }
        return ticks;
    }

    @Override
    public String label(double value) {
        return Axis.compact(value, value);
    }

    @Override
    public double origin() {
        return Math.pow(10, lowExponent);
    }
}
