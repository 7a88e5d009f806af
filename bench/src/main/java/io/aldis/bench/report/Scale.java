package io.aldis.bench.report;

import java.util.List;

/** Maps values to pixels along one side of a plot, with the ticks to draw and their labels. */
interface Scale {
    double pixel(double value);

    List<Double> ticks();

    String label(double value);

    /** The value the axis starts from, drawn darker: zero on a linear axis. */
    double origin();
}
