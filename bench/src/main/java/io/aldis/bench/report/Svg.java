package io.aldis.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * A small SVG document written element by element. Coordinates are rounded to a tenth of a pixel
 * so that a chart redrawn from the same data is the same text and diffs stay readable. Every
 * element can carry a {@code class} (what it shows: {@code bar}, {@code range}, {@code point},
 * {@code series}, …) and a {@code data-label} (which system or series), so tests and readers can
 * find a chart's marks.
 */
public final class Svg {
    /** Colours for series and bars, told apart also by people with the commonest colour blindness. */
    static final List<String> PALETTE = List.of("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
            "#f0e442", "#000000");

    static final String FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

    private final StringBuilder body = new StringBuilder();
    private final double width;
    private final double height;

    public Svg(double width, double height) {
        this.width = width;
        this.height = height;
    }

    /** A colour of {@link #PALETTE}, in turn. */
    static String colour(int index) {
        return PALETTE.get(Math.floorMod(index, PALETTE.size()));
    }

    public Svg rect(String cssClass, String label, double x, double y, double w, double h, String fill) {
        body.append("  <rect").append(meta(cssClass, label)).append(" x=\"").append(n(x)).append("\" y=\"").append(n(y))
                .append("\" width=\"").append(n(w)).append("\" height=\"").append(n(h)).append("\" fill=\"")
                .append(fill).append("\"/>\n");
        return this;
    }

    public Svg line(String cssClass, String label, double x1, double y1, double x2, double y2, String stroke,
            double strokeWidth) {
        body.append("  <line").append(meta(cssClass, label)).append(" x1=\"").append(n(x1)).append("\" y1=\"")
                .append(n(y1)).append("\" x2=\"").append(n(x2)).append("\" y2=\"").append(n(y2))
                .append("\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(n(strokeWidth))
                .append("\"/>\n");
        return this;
    }

    public Svg circle(String cssClass, String label, double cx, double cy, double r, String fill) {
        body.append("  <circle").append(meta(cssClass, label)).append(" cx=\"").append(n(cx)).append("\" cy=\"")
                .append(n(cy)).append("\" r=\"").append(n(r)).append("\" fill=\"").append(fill).append("\"/>\n");
        return this;
    }

    /** An open line through {@code xy} (x0, y0, x1, y1, …). */
    public Svg polyline(String cssClass, String label, double[] xy, String stroke, double strokeWidth) {
        body.append("  <polyline").append(meta(cssClass, label)).append(" points=\"");
        for (int i = 0; i + 1 < xy.length; i += 2) {
            if (i > 0) {
                body.append(' ');
            }
            body.append(n(xy[i])).append(',').append(n(xy[i + 1]));
        }
        body.append("\" fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(n(strokeWidth))
                .append("\" stroke-linejoin=\"round\"/>\n");
        return this;
    }

    /** Text with its anchor ({@code start}, {@code middle}, {@code end}) at (x, y), the baseline. */
    public Svg text(String cssClass, double x, double y, String anchor, double size, String text) {
        return text(cssClass, x, y, anchor, size, text, false);
    }

    public Svg text(String cssClass, double x, double y, String anchor, double size, String text, boolean bold) {
        body.append("  <text").append(meta(cssClass, null)).append(" x=\"").append(n(x)).append("\" y=\"").append(n(y))
                .append("\" text-anchor=\"").append(anchor).append("\" font-size=\"").append(n(size)).append('"')
                .append(bold ? " font-weight=\"bold\"" : "").append(" fill=\"#222222\">").append(escape(text))
                .append("</text>\n");
        return this;
    }

    /** The document: a white background, then the elements in the order they were added. */
    @Override
    public String toString() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + n(width) + "\" height=\"" + n(height)
                + "\" viewBox=\"0 0 " + n(width) + " " + n(height) + "\" " + FONT + ">\n"
                + "  <rect x=\"0\" y=\"0\" width=\"" + n(width) + "\" height=\"" + n(height) + "\" fill=\"#ffffff\"/>\n"
                + body + "</svg>\n";
    }

    private static String meta(String cssClass, String label) {
        StringBuilder m = new StringBuilder();
        if (cssClass != null) {
            m.append(" class=\"").append(escape(cssClass)).append('"');
        }
        if (label != null) {
            m.append(" data-label=\"").append(escape(label)).append('"');
        }
        return m.toString();
    }

    /** A coordinate with at most one decimal, no exponent, no "-0". */
    static String n(double v) {
        double r = Math.round(v * 10) / 10.0;
        if (r == 0) {
            return "0";
        }
        return r == Math.rint(r) ? Long.toString((long) r) : String.format(Locale.ROOT, "%.1f", r);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
