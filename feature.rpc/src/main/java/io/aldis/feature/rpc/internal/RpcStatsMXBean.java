package io.aldis.feature.rpc.internal;

import java.util.List;

/**
 * The RPC counters over JMX, registered as {@value RpcStats#OBJECT_NAME}: the same figures as
 * {@code aldis:rpc-stats}.
 */
public interface RpcStatsMXBean {
    /** Calls finished, over every method. */
    long getCalls();

    /** Calls that finished with an error, over every method. */
    long getErrors();

    /** Calls in flight now. */
    int getInFlight();

    /** Services callable now. */
    int getServices();

    /** Per-method figures. */
    List<MethodView> getMethods();

    /** One method's figures as an open-type composite. */
    final class MethodView {
        private final io.aldis.feature.rpc.api.MethodStats stats;

        MethodView(io.aldis.feature.rpc.api.MethodStats stats) {
            this.stats = stats;
        }

        public String getMethod() {
            return stats.method();
        }

        public long getCalls() {
            return stats.calls();
        }

        public long getErrors() {
            return stats.errors();
        }

        public int getInFlight() {
            return stats.inFlight();
        }

        public long getP50Micros() {
            return stats.p50Micros();
        }

        public long getP99Micros() {
            return stats.p99Micros();
        }
    }
}
