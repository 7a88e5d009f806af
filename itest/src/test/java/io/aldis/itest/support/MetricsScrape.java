package io.aldis.itest.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One scrape of a metrics endpoint in the Prometheus text format, read the way Prometheus reads
 * it: sample lines {@code name{labels} value}, comments skipped.
 */
public final class MetricsScrape {
    private final Map<String, Double> samples;
    private final String text;

    private MetricsScrape(String text) {
        this.text = text;
        this.samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
    }

    /** Scrapes {@code http://127.0.0.1:<port><path>}; fails unless the answer is 200. */
    public static MetricsScrape of(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    public static MetricsScrape parse(String text) {
        return new MetricsScrape(text);
    }

    /**
     * The value of one sample, named as in the text with its labels in the writer's order (by
     * name), such as {@code aldis_frames_received_total{transport="tcp"}}; 0 when absent, as a
     * counter that has not been created yet.
     */
    public double value(String sample) {
        return samples.getOrDefault(sample, 0.0);
    }

    public boolean has(String sample) {
        return samples.containsKey(sample);
    }

    /** The metric names of every sample, without labels. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (String sample : samples.keySet()) {
            int brace = sample.indexOf('{');
            names.add(brace < 0 ? sample : sample.substring(0, brace));
        }
        return names;
    }

    /** How much a sample grew from an earlier scrape. */
    public double since(MetricsScrape earlier, String sample) {
        return value(sample) - earlier.value(sample);
    }

    public String text() {
        return text;
    }
}
