package io.aldis.feature.metrics.internal.figures;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.metrics.internal.http.Exposition;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.junit.jupiter.api.Test;

/**
 * Each kind of MBean the node and its features register becomes its metrics: beans with the same
 * attributes as theirs, in a server of the test's own, give the exposition's lines.
 */
class AldisCollectorTest {
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    /** The node's bean ({@code io.aldis:type=node}). */
    public interface NodeMXBean {
        int getOpenSessions();

        int getAuthenticatedSessions();

        long getUptimeSeconds();
    }

    /** The authentication bean. */
    public interface AuthenticationMXBean {
        long getJudgedAttempts();

        long getFailedAttempts();

        long getThrottledAttempts();

        long getRefusedAttempts();
    }

    /** The pub/sub bean: its counters are one map. */
    public interface PubSubMXBean {
        Map<String, Long> getCounters();
    }

    /** One listener row. */
    public record ListenerRow(String name, String transport, int connections, int maxConnections, String problem) {
        public String getName() {
            return name;
        }

        public String getTransport() {
            return transport;
        }

        public int getConnections() {
            return connections;
        }

        public int getMaxConnections() {
            return maxConnections;
        }

        public String getProblem() {
            return problem;
        }
    }

    /** The listeners bean. */
    public interface ListenersMXBean {
        List<ListenerRow> getListeners();
    }

    /** One transport's traffic. */
    public record TrafficRow(String transport, long framesIn, long framesOut, long bytesIn, long bytesOut) {
        public String getTransport() {
            return transport;
        }

        public long getFramesIn() {
            return framesIn;
        }

        public long getFramesOut() {
            return framesOut;
        }

        public long getBytesIn() {
            return bytesIn;
        }

        public long getBytesOut() {
            return bytesOut;
        }
    }

    /** The traffic bean. */
    public interface TrafficMXBean {
        List<TrafficRow> getTransports();
    }

    /** One RPC method row. */
    public record MethodRow(String method, long calls, long errors, int inFlight, long p50Micros, long p99Micros) {
        public String getMethod() {
            return method;
        }

        public long getCalls() {
            return calls;
        }

        public long getErrors() {
            return errors;
        }

        public int getInFlight() {
            return inFlight;
        }

        public long getP50Micros() {
            return p50Micros;
        }

        public long getP99Micros() {
            return p99Micros;
        }
    }

    /** One method's latency histogram: counts below each bound, cumulative. */
    public record HistogramRow(String method, long[] boundsMicros, long[] bucketCounts, long count, long sumMicros) {
        public String getMethod() {
            return method;
        }

        public long[] getBoundsMicros() {
            return boundsMicros;
        }

        public long[] getBucketCounts() {
            return bucketCounts;
        }

        public long getCount() {
            return count;
        }

        public long getSumMicros() {
            return sumMicros;
        }
    }

    /** The RPC bean. */
    public interface RpcMXBean {
        long getCalls();

        long getErrors();

        int getInFlight();

        int getServices();

        List<MethodRow> getMethods();

        List<HistogramRow> getLatencyHistograms();
    }

    /** The streaming bean, with a getter that fails as one may while its feature stops. */
    public interface StreamingMXBean {
        long getOpen();

        long getOpenedTotal();
    }

    private <T> void register(String name, T bean, Class<T> type) throws Exception {
        server.registerMBean(new StandardMBean(bean, type, true), new ObjectName(name));
    }

    private String scrape() {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new AldisCollector(server));
        return new String(new Exposition(registry).scrape(), StandardCharsets.UTF_8);
    }

    @Test
    void nodeSessionsAreGauges() throws Exception {
        register("io.aldis:type=node,name=\"n1\"", new NodeMXBean() {
            public int getOpenSessions() {
                return 7;
            }

            public int getAuthenticatedSessions() {
                return 5;
            }

            public long getUptimeSeconds() {
                return 42;
            }
        }, NodeMXBean.class);

        assertThat(scrape()).contains("# TYPE aldis_sessions gauge\n", "aldis_sessions 7.0\n",
                "aldis_sessions_authenticated 5.0\n", "aldis_uptime_seconds 42.0\n");
    }

    @Test
    void authenticationFiguresAreCounters() throws Exception {
        register("io.aldis:type=authentication,name=\"n1\"", new AuthenticationMXBean() {
            public long getJudgedAttempts() {
                return 10;
            }

            public long getFailedAttempts() {
                return 3;
            }

            public long getThrottledAttempts() {
                return 2;
            }

            public long getRefusedAttempts() {
                return 1;
            }
        }, AuthenticationMXBean.class);

        assertThat(scrape()).contains("# TYPE aldis_auth_failures_total counter\n", "aldis_auth_attempts_total 10.0\n",
                "aldis_auth_failures_total 3.0\n", "aldis_auth_throttled_total 2.0\n", "aldis_auth_refused_total 1.0\n");
    }

    @Test
    void pubSubCountersComeFromItsMap() throws Exception {
        PubSubMXBean bean = () -> Map.of("published", 11L, "publishedBytes", 1408L, "delivered", 22L,
                "dropped", 4L, "subscriptions", 3L);
        register("io.aldis:type=feature,name=pubsub", bean, PubSubMXBean.class);

        String text = scrape();

        assertThat(text).contains("aldis_pubsub_published_total 11.0\n", "aldis_pubsub_published_bytes_total 1408.0\n",
                "aldis_pubsub_delivered_total 22.0\n", "aldis_pubsub_dropped_total 4.0\n",
                "# TYPE aldis_pubsub_subscriptions gauge\n", "aldis_pubsub_subscriptions 3.0\n");
        assertThat(text).as("a counter the map does not hold is left out, not shown as zero")
                .doesNotContain("aldis_pubsub_rate_limited");
    }

    @Test
    void listenersAreLabelledByTransportAndName() throws Exception {
        ListenersMXBean bean = () -> List.of(new ListenerRow("default", "tcp", 3, 100, ""),
                new ListenerRow("edge", "ws", 0, 50, "port 80 is in use"));
        register("io.aldis:type=listeners,name=\"n1\"", bean, ListenersMXBean.class);

        assertThat(scrape()).contains("aldis_connections{listener=\"default\",transport=\"tcp\"} 3.0\n",
                "aldis_listener_max_connections{listener=\"edge\",transport=\"ws\"} 50.0\n",
                "aldis_listener_up{listener=\"default\",transport=\"tcp\"} 1.0\n",
                "aldis_listener_up{listener=\"edge\",transport=\"ws\"} 0.0\n");
    }

    @Test
    void trafficIsCountedPerTransport() throws Exception {
        TrafficMXBean bean = () -> List.of(new TrafficRow("tcp", 5, 6, 500, 600), new TrafficRow("ws", 1, 2, 10, 20));
        register("io.aldis:type=traffic,name=\"n1\"", bean, TrafficMXBean.class);

        assertThat(scrape()).contains("# TYPE aldis_frames_received_total counter\n",
                "aldis_frames_received_total{transport=\"tcp\"} 5.0\n", "aldis_frames_sent_total{transport=\"tcp\"} 6.0\n",
                "aldis_received_bytes_total{transport=\"ws\"} 10.0\n", "aldis_sent_bytes_total{transport=\"ws\"} 20.0\n");
    }

    @Test
    void rpcMethodsGetCountsAndALatencyHistogramInSeconds() throws Exception {
        register("io.aldis:type=feature,name=rpc", new RpcMXBean() {
            public long getCalls() {
                return 9;
            }

            public long getErrors() {
                return 1;
            }

            public int getInFlight() {
                return 2;
            }

            public int getServices() {
                return 1;
            }

            public List<MethodRow> getMethods() {
                return List.of(new MethodRow("calc.add", 9, 1, 2, 250, 4000));
            }

            public List<HistogramRow> getLatencyHistograms() {
                // 2 calls under 256 µs, 7 under 512 µs, 8 under 1024 µs, 9 in all
                return List.of(new HistogramRow("calc.add", new long[] {256, 512, 1024}, new long[] {2, 7, 8}, 9,
                        5_000));
            }
        }, RpcMXBean.class);

        assertThat(scrape()).contains("aldis_rpc_calls_total 9.0\n", "aldis_rpc_errors_total 1.0\n",
                "aldis_rpc_in_flight 2.0\n", "aldis_rpc_services 1.0\n",
                "aldis_rpc_method_calls_total{method=\"calc.add\"} 9.0\n",
                "aldis_rpc_method_errors_total{method=\"calc.add\"} 1.0\n",
                "aldis_rpc_method_in_flight{method=\"calc.add\"} 2.0\n",
                "# TYPE aldis_rpc_latency_seconds histogram\n",
                "aldis_rpc_latency_seconds_bucket{method=\"calc.add\",le=\"2.56E-4\"} 2\n",
                "aldis_rpc_latency_seconds_bucket{method=\"calc.add\",le=\"5.12E-4\"} 7\n",
                "aldis_rpc_latency_seconds_bucket{method=\"calc.add\",le=\"0.001024\"} 8\n",
                "aldis_rpc_latency_seconds_bucket{method=\"calc.add\",le=\"+Inf\"} 9\n",
                "aldis_rpc_latency_seconds_count{method=\"calc.add\"} 9\n",
                "aldis_rpc_latency_seconds_sum{method=\"calc.add\"} 0.005\n");
    }

    @Test
    void aFailingGetterLeavesItsFigureOutAndTheScrapeStands() throws Exception {
        register("io.aldis:type=feature,name=streaming", new StreamingMXBean() {
            public long getOpen() {
                throw new IllegalStateException("the feature is stopping");
            }

            public long getOpenedTotal() {
                return 6;
            }
        }, StreamingMXBean.class);

        String text = scrape();

        assertThat(text).contains("aldis_streams_opened_total 6.0\n").doesNotContain("aldis_streams_open ");
    }

    @Test
    void withoutBeansThereAreNoAldisFigures() {
        assertThat(scrape()).doesNotContain("aldis_");
    }
}
