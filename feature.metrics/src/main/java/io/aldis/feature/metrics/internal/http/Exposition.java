package io.aldis.feature.metrics.internal.http;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A registry's figures written in the Prometheus text format, by the library's own writer. */
public final class Exposition {
    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public Exposition(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** The media type of {@link #scrape()}'s bytes. */
    public String contentType() {
        return writer.getContentType();
    }

    /** Every figure as it is now. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the figures", e);
        }
        return out.toByteArray();
    }
}
