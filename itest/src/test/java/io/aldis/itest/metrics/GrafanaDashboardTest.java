package io.aldis.itest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aldis.feature.metrics.internal.MetricsComponent;
import io.aldis.itest.rpc.Shop;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.MetricsScrape;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.NodeMBeans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keeps docs/grafana/aldis-dashboard.json honest: it is valid JSON, its panels query the
 * Prometheus data source it lets the user choose, and every metric name its queries use appears
 * in a scrape of a node that runs every feature and has carried a call.
 */
@ExtendWith(LeakWatch.class)
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "aldis-dashboard.json");
    /** A metric name in PromQL: what the node, the JVM and the process figures are called. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:aldis|jvm|process)_[a-zA-Z0-9_]+)");

    private static JsonNode dashboard() throws Exception {
        return new ObjectMapper().readTree(Files.readString(DASHBOARD));
    }

    /** Every metric name the panels' queries and the template variables use. */
    private static Set<String> namesUsed(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                collect(target.path("expr").asText(), names);
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            collect(variable.path("definition").asText(), names);
        }
        return names;
    }

    private static void collect(String query, Set<String> names) {
        Matcher m = METRIC.matcher(query);
        while (m.find()) {
            names.add(m.group(1));
        }
    }

    @Test
    void everyPanelQueriesTheChosenPrometheusDataSource() throws Exception {
        JsonNode dashboard = dashboard();
        JsonNode variable = dashboard.path("templating").path("list").get(0);
        assertThat(variable.path("type").asText()).isEqualTo("datasource");
        assertThat(variable.path("query").asText()).isEqualTo("prometheus");
        String chosen = "${" + variable.path("name").asText() + "}";

        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                    .isEqualTo(chosen);
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
        }
    }

    @Test
    void everyMetricTheDashboardUsesIsScraped() throws Exception {
        Set<String> used = namesUsed(dashboard());
        assertThat(used).as("the dashboard shows the node, RPC, pub/sub, streams, files, auth and the JVM")
                .contains("aldis_sessions", "aldis_frames_received_total", "aldis_rpc_latency_seconds_bucket",
                        "aldis_pubsub_published_total", "aldis_streams_open", "aldis_transfers_running",
                        "aldis_auth_failures_total", "jvm_memory_used_bytes");

        MetricsScrape scrape;
        try (NodeFixture node = NodeFixture.builder().user("alice", "user").pubsub().rpc().streaming().files().start();
                NodeMBeans beans = NodeMBeans.register(node, "dashboard-test");
                MetricsComponent metrics = new MetricsComponent(Map.of("port", "0"))) {
            node.export("calculator", new Shop.CalculatorImpl(), Shop.Calculator.class);
            try (FrameClient alice = node.login("alice")) {
                alice.call(1, "calculator.add", "[1,2]", 0);
                alice.callResult(1);
                scrape = MetricsScrape.of(metrics.port(), "/metrics");
            }
        }

        assertThat(scrape.names()).as("metric names in the scrape").containsAll(used);
    }
}
