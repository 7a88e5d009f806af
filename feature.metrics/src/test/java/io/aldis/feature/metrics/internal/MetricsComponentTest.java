package io.aldis.feature.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint over real HTTP: what it answers, and its configuration applied live. */
class MetricsComponentTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private MetricsComponent component;

    @AfterEach
    void stop() {
        if (component != null) {
            component.close();
        }
    }

    private static Map<String, Object> config(String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>(Map.of("port", "0"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + component.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void getOfThePathGivesTheTextFormatWithTheJvmFigures() throws Exception {
        component = new MetricsComponent(config());

        HttpResponse<String> response = send("GET", "/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body()).contains("# TYPE jvm_threads_current gauge", "jvm_memory_used_bytes{area=\"heap\"}",
                "jvm_gc_collection_seconds_count", "process_cpu_seconds_total")
                .as("the allocation counters, which leave GC listeners behind, are not registered")
                .doesNotContain("jvm_memory_pool_allocated_bytes");
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        component = new MetricsComponent(config());

        assertThat(send("GET", "/other").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send("POST", "/metrics");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        HttpResponse<String> head = send("HEAD", "/metrics");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void aChangedPathIsServedAtOnce() throws Exception {
        component = new MetricsComponent(config());

        component.apply(config("path", "/prometheus"));

        assertThat(send("GET", "/prometheus").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics").statusCode()).isEqualTo(404);
    }

    @Test
    void disablingClosesThePortAndEnablingOpensIt() throws Exception {
        component = new MetricsComponent(config());
        int port = component.port();

        component.apply(config("enabled", "false"));

        assertThat(component.port()).isEqualTo(-1);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);

        component.apply(config("enabled", "true"));

        assertThat(send("GET", "/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void aRejectedFileLeavesTheEndpointAsItWas() throws Exception {
        component = new MetricsComponent(config());
        int port = component.port();

        component.apply(config("path", "no-slash"));

        assertThat(component.port()).isEqualTo(port);
        assertThat(send("GET", "/metrics").statusCode()).isEqualTo(200);
    }
}
